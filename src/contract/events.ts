// Everything the engine tells its subscribers (store, plain/json reporters, journal). One-way: engine → out.

import type { CheckResult } from './action.js';
import type { Safety, TargetName } from './runbook.js';

export type StepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';
export type RunStatus = 'passed' | 'failed' | 'aborted';

/** Stamped by the engine on every event. */
export interface EventStamp {
  /** Sequence number within the run, from 1. */
  seq: number;
  /** Monotonic milliseconds since the run started (performance.now based). */
  t: number;
  /** Wall clock, ISO 8601. */
  wall: string;
}

export interface StepSummary {
  id: string;
  title: string;
  safety: Safety;
}

export type EngineEventBody =
  | {
      type: 'run.started';
      runId: string;
      runbook: { file: string; title: string };
      target: TargetName;
      dryRun: boolean;
      operator: string;
      steps: StepSummary[];
      resumedFrom?: string;
      /** Resolved values of the non-secret variables, so --resume can reuse them. */
      vars?: Record<string, string>;
    }
  | { type: 'step.started'; step: string }
  | { type: 'step.finished'; step: string; status: StepStatus; durationMs: number; error?: string }
  | { type: 'action.started'; step: string; action: number; kind: string; id?: string; preview: string[] }
  | {
      type: 'action.output';
      step: string;
      action: number;
      stream: 'stdout' | 'stderr' | 'info';
      line: string;
    }
  | { type: 'action.progress'; step: string; action: number; message: string; done?: number; total?: number }
  | {
      type: 'action.finished';
      step: string;
      action: number;
      kind: string;
      id?: string;
      ok: boolean;
      summary: string;
      durationMs: number;
      /** Structured result (redacted); restored on --resume so later steps can still reference it. */
      data?: unknown;
      checks?: CheckResult[];
      error?: string;
      /** How the result should be shown to humans: 'droplets', 'replication', 'sentinels', 'checks', ... */
      view?: string;
      /** Paths the action published (ctx.publish), redacted; restored on --resume. */
      published?: Record<string, unknown>;
    }
  | { type: 'confirm.answered'; step: string; message: string; accepted: boolean; how: 'operator' | 'flag' }
  | {
      type: 'prompt.answered';
      step: string;
      action: number;
      question: string;
      /** Redacted when the prompt is for a secret. */
      answer: string;
      kind: 'value' | 'checklist' | 'choice';
    }
  | {
      /** A Sentinel pub/sub event, or a fault, or a probe milestone: everything on the drill's one time axis. */
      type: 'timeline';
      source: string;
      name: string;
      detail: string;
      /** Sentinels that reported the same event, when merged. */
      seenBy?: string[];
      /** Monotonic ms when it happened, when reported later than that (the stamp's t is when it was reported). */
      at?: number;
    }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | {
      type: 'run.finished';
      status: RunStatus;
      durationMs: number;
      steps: Array<{ id: string; status: StepStatus; results: Record<string, unknown> }>;
    };

export type EngineEvent = EngineEventBody & EventStamp;
export type EngineEventType = EngineEvent['type'];
