// Everything the engine tells its subscribers (store, plain/json reporters, journal). One-way: engine → out.

import type { CheckResult, ConfirmRequest, PromptRequest } from './action.js';
import type { ClusterSnapshot } from './cluster.js';
import type { Safety, TargetName } from './runbook.js';
import type { ActionView } from './views.js';

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
  /** In run.started: a digest of the step's title and actions, so --resume notices an edited step. */
  digest?: string;
  /** Set on --resume for a step the journal says already passed. */
  status?: StepStatus;
}

/** What the engine is waiting for the operator to answer: approval of a step, or an answer to a prompt. */
export type Question =
  | { id: number; type: 'confirm'; request: ConfirmRequest }
  | { id: number; type: 'prompt'; request: PromptRequest };

/** Why runAll() stopped walking the steps (the run itself stays open until finish()). */
export type StopReason = 'end' | 'needs-operator' | 'failed' | 'not-run' | 'aborted';

export type EngineEventBody =
  | {
      type: 'run.started';
      runId: string;
      /** digest: of the whole runbook (steps, variables, templates), recorded for --resume. */
      runbook: { file: string; title: string; digest?: string };
      target: TargetName;
      dryRun: boolean;
      operator: string;
      steps: StepSummary[];
      resumedFrom?: string;
      /** Resolved values of the non-secret variables, so --resume can reuse them. */
      vars?: Record<string, string>;
    }
  /**
   * The target was resolved (on first use: runbooks without cloud steps never resolve it). labMode: the lab's
   * mode in use (loopback or container), shown in the header and the report's settings.
   */
  | { type: 'target.resolved'; target: TargetName; labMode?: 'loopback' | 'container' }
  /** cleanup: only the step's always=true blocks run, at the end of a run that stopped before the step. */
  | { type: 'step.started'; step: string; cleanup?: true }
  | {
      type: 'step.finished';
      step: string;
      status: StepStatus;
      durationMs: number;
      error?: string;
      cleanup?: true;
      /** How many of its blocks (or each= elements) failed as findings (finding=true): the step went on. */
      findings?: number;
      /**
       * An abort (Ctrl-C, SIGTERM, SIGHUP) stopped the step part-way: like a step a killed process left open,
       * it may have partly completed, and --resume says so before running it again.
       */
      aborted?: true;
    }
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
      /** How the result is shown to humans, with the payload that view renders. */
      view?: ActionView;
      /** Paths the action published (ctx.publish), redacted; restored on --resume. */
      published?: Record<string, unknown>;
      /** A failure of a finding=true block: recorded as a finding, the step went on. */
      finding?: true;
    }
  /** The engine waits for engine.approve/decline/answer (or the headless answerer): awaiting approval/answer. */
  | { type: 'question.asked'; step: string; question: Question }
  /** The question is no longer pending: answered (the answer follows as confirm/prompt.answered) or withdrawn. */
  | {
      type: 'question.closed';
      step: string;
      question: number;
      outcome: 'answered' | 'withdrawn';
      /** Why it was withdrawn: the step was aborted, or nothing could answer it (headless). */
      reason?: string;
    }
  | { type: 'confirm.answered'; step: string; message: string; accepted: boolean; how: 'operator' | 'flag' }
  /** A step the operator declined (or a confirmation that was withdrawn): it was not run and stays pending. */
  | { type: 'step.declined'; step: string; reason: string }
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
  /** The cluster's shape now (roles, links, Sentinel views), about once a second while a drill watches it. */
  | { type: 'cluster'; snapshot: ClusterSnapshot }
  /** runAll() stopped: at the end, before a step that needs the operator (stopBefore), or at a step that did not pass. */
  | { type: 'steps.stopped'; reason: StopReason; step?: string }
  | {
      type: 'run.finished';
      status: RunStatus;
      durationMs: number;
      steps: Array<{ id: string; status: StepStatus; results: Record<string, unknown> }>;
    };

export type EngineEvent = EngineEventBody & EventStamp;
export type EngineEventType = EngineEvent['type'];
