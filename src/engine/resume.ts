// --resume: replay a journal into what the new process needs to carry on where the old one stopped.
import type { TimelineEntry } from '../contract/action.js';
import type { EngineEvent, StepStatus, StepSummary } from '../contract/events.js';
import type { TargetName } from '../contract/runbook.js';

export interface ReplayedRun {
  runId: string;
  target: TargetName;
  runbookTitle: string;
  /** The runbook as the last process ran it: its digest and steps (ids, titles, digests). */
  runbookDigest: string | undefined;
  steps: StepSummary[];
  lastSeq: number;
  lastT: number;
  /** Final status each step reached (steps never finished are absent). */
  statuses: Map<string, StepStatus>;
  /** Steps that started and never finished: the process died (or was killed) in them, or an abort stopped them. */
  interrupted: Map<string, { startedAt: string }>;
  /** Every addressable result: action ids and published paths, in journal order. */
  results: Array<{ path: string; value: unknown }>;
  stepResults: Map<string, Record<string, unknown>>;
  /** Non-secret variable values the run used. */
  vars: Record<string, string>;
  timeline: TimelineEntry[];
  /** Set when the last line was torn (the process died mid-write) and was cut off before appending. */
  repairedTail?: { bytes: number };
}

export function replayJournal(events: EngineEvent[]): ReplayedRun {
  const first = events[0];
  if (first?.type !== 'run.started') throw new Error('journal does not start with run.started');
  const replay: ReplayedRun = {
    runId: first.runId,
    target: first.target,
    runbookTitle: first.runbook.title,
    runbookDigest: first.runbook.digest,
    steps: first.steps,
    lastSeq: 0,
    lastT: 0,
    statuses: new Map(),
    interrupted: new Map(),
    results: [],
    stepResults: new Map(),
    vars: {},
    timeline: [],
  };
  const open = new Set<string>();
  for (const event of events) {
    replay.lastSeq = Math.max(replay.lastSeq, event.seq);
    replay.lastT = Math.max(replay.lastT, event.t);
    switch (event.type) {
      case 'run.started':
        replay.vars = { ...replay.vars, ...(event.vars ?? {}) };
        replay.runbookDigest = event.runbook.digest;
        replay.steps = event.steps;
        // A step still open when a new process starts was cut off; nothing later can finish that attempt.
        open.clear();
        break;
      case 'step.started':
        // A cleanup ran only the step's always=true blocks: the step itself is still to be run.
        if (event.cleanup) break;
        replay.interrupted.set(event.step, { startedAt: event.wall });
        open.add(event.step);
        replay.stepResults.set(event.step, {});
        break;
      case 'step.finished':
        if (event.cleanup) break;
        // A step that was refused before it started (no step.started) leaves an earlier interruption standing;
        // one an abort stopped part-way stays interrupted, as if the process had been killed in it.
        if (open.delete(event.step) && !event.aborted) replay.interrupted.delete(event.step);
        replay.statuses.set(event.step, event.status);
        break;
      case 'action.finished': {
        if (event.id !== undefined && event.data !== undefined) {
          replay.results.push({ path: event.id, value: event.data });
        }
        for (const [path, value] of Object.entries(event.published ?? {}))
          replay.results.push({ path, value });
        const stepResults = replay.stepResults.get(event.step) ?? {};
        stepResults[resultKey(event.id, event.kind, event.action)] = {
          ok: event.ok,
          summary: event.summary,
          data: event.data,
          checks: event.checks,
        };
        replay.stepResults.set(event.step, stepResults);
        break;
      }
      case 'timeline': {
        const { source, name, detail, seenBy } = event;
        replay.timeline.push({ t: event.at ?? event.t, source, name, detail, seenBy });
        break;
      }
      default:
        break;
    }
  }
  return replay;
}

/** How an action's result is named in run.finished: its id, else "<kind>#<n>" (1-based). */
export function resultKey(id: string | undefined, kind: string, index: number): string {
  return id ?? `${kind}#${index + 1}`;
}
