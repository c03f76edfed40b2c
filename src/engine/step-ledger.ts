// Where each step of this run stands: its status, the results it published, whether this session executed
// it, and whether its last attempt started and never finished (in a resumed run's journal, or stopped by an
// abort in this session). runStep, skipStep, runAll, state(), the end-of-run cleanup and the closing
// run.finished all read this one record.
import type { RunStatus, StepStatus } from '../contract/events.js';
import type { Step } from '../contract/runbook.js';
import type { ReplayedRun } from './resume.js';

/** An attempt at a step that started and did not finish: it may have partly completed. */
export interface Interruption {
  startedAt: string;
  /** An abort stopped it earlier in this session; otherwise a resumed run's journal shows it cut off. */
  inThisSession?: true;
}

export class StepLedger {
  private readonly statuses = new Map<string, StepStatus>();
  private readonly results = new Map<string, Record<string, unknown>>();
  private readonly executed = new Set<string>();
  /** Steps whose last attempt started and never finished: their confirmation says so. */
  readonly interrupted = new Map<string, Interruption>();

  constructor(private readonly steps: readonly Step[]) {
    for (const step of steps) this.statuses.set(step.id, 'pending');
  }

  /** A resumed run: the steps that passed stay passed with their results; interruptions are remembered. */
  restore(replay: ReplayedRun): void {
    for (const step of this.steps) {
      if (replay.statuses.get(step.id) === 'passed') {
        this.statuses.set(step.id, 'passed');
        this.results.set(step.id, replay.stepResults.get(step.id) ?? {});
      }
      const interrupted = replay.interrupted.get(step.id);
      if (interrupted) this.interrupted.set(step.id, interrupted);
    }
  }

  status(stepId: string): StepStatus {
    return this.statuses.get(stepId) ?? 'pending';
  }

  /** An attempt starts; it counts as interrupted until it finishes without an abort, as replayJournal reads one. */
  running(stepId: string, startedAt: string): void {
    this.statuses.set(stepId, 'running');
    this.executed.add(stepId);
    this.interrupted.set(stepId, { startedAt, inThisSession: true });
  }

  /** Steps executed (not previewed, not only cleaned up) in this session: what arms the cleanups after them. */
  ranThisSession(): ReadonlySet<string> {
    return this.executed;
  }

  /** aborted: an abort stopped the attempt part-way. A step refused or skipped before it started keeps its interruption. */
  settled(stepId: string, status: StepStatus, results: Record<string, unknown>, aborted = false): void {
    if (this.statuses.get(stepId) === 'running' && !aborted) this.interrupted.delete(stepId);
    this.statuses.set(stepId, status);
    this.results.set(stepId, results);
  }

  /** Ids of the steps that passed, in runbook order. */
  passed(): string[] {
    return this.steps.filter((step) => this.status(step.id) === 'passed').map((step) => step.id);
  }

  byId(): Record<string, StepStatus> {
    return Object.fromEntries(this.statuses);
  }

  /** Every step with its status and results, in runbook order: run.finished's list. */
  summary(): Array<{ id: string; status: StepStatus; results: Record<string, unknown> }> {
    return this.steps.map((step) => ({
      id: step.id,
      status: this.status(step.id),
      results: this.results.get(step.id) ?? {},
    }));
  }

  /**
   * The run's status from its steps: failed if any failed, else what the last runAll ended with, else
   * passed when every step passed or was skipped (aborted when some were never run).
   */
  outcome(lastRunAll: RunStatus | undefined): RunStatus {
    const statuses = [...this.statuses.values()];
    if (statuses.includes('failed')) return 'failed';
    if (lastRunAll) return lastRunAll;
    return statuses.every((s) => s === 'passed' || s === 'skipped') ? 'passed' : 'aborted';
  }
}
