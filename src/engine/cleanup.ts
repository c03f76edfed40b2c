// Cleanup that always runs: which steps' always=true blocks are still due when a run ends (the rollbacks of
// Chaos Toolkit): those after the first step this session ran, not run themselves, within the walk's selection.
import type { StepStatus } from '../contract/events.js';
import type { Step } from '../contract/runbook.js';
import { stepSafety } from '../runbook/common-attributes.js';

/** The step as its cleanup runs it: only its always=true blocks (what the confirmation and preview name). */
export function cleanupView(step: Step): Step {
  const actions = step.actions.filter((action) => action.always);
  return { ...step, actions, safety: stepSafety(actions) };
}

export interface CleanupScope {
  steps: readonly Step[];
  /** Steps executed (not previewed) in this session. */
  ran: ReadonlySet<string>;
  /** The steps runAll walked (--only, --from); absent when the operator ran steps one by one. */
  selection?: ReadonlySet<string>;
  statusOf(stepId: string): StepStatus;
}

/**
 * A step's cleanup is due when an earlier step ran in this session and the step itself has not run: it is
 * still pending (not passed, not skipped by the operator), so whatever it puts back may still be out of place.
 */
export function dueCleanups(scope: CleanupScope): Step[] {
  const first = scope.steps.find((step) => scope.ran.has(step.id));
  if (!first) return [];
  return scope.steps.filter(
    (step) =>
      step.index > first.index &&
      !scope.ran.has(step.id) &&
      (scope.selection?.has(step.id) ?? true) &&
      scope.statusOf(step.id) === 'pending' &&
      step.actions.some((action) => action.always),
  );
}

/**
 * The cleanup's own abort: the first abort of a step spares its always=true blocks (they put back what the
 * step changed), a second one — or any abort while the end-of-run cleanup runs — stops them.
 */
export class CleanupGuard {
  private aborts = 0;
  private controller = new AbortController();
  private active = false;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** A step starts: its aborts are counted afresh. */
  stepStarted(): void {
    this.aborts = 0;
    this.controller = new AbortController();
  }

  aborted(reason?: string): void {
    this.aborts++;
    if (this.active || this.aborts >= 2) this.controller.abort(reason);
  }

  /** Runs the due cleanups one after another, announcing them. */
  async run(
    due: readonly Step[],
    announce: (message: string) => void,
    turn: (step: Step) => Promise<unknown>,
  ) {
    if (due.length === 0) return;
    this.active = true;
    announce(
      `cleanup: the run stopped before ${due.map((step) => `"${step.id}"`).join(', ')}; running their always=true blocks (Ctrl-C skips them)`,
    );
    try {
      for (const step of due) await turn(step);
    } finally {
      this.active = false;
    }
  }
}
