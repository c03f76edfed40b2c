// What the engine offers its drivers (the TUI, the headless reporters' runner, tests). Run semantics live in
// the engine alone; drivers call these methods and project the events they get back.
import type { EngineEvent, Question, RunStatus, StepStatus } from './events.js';
import type { Safety } from './runbook.js';

export interface RunAllOptions {
  /** Start at this step (id or 1-based number). */
  from?: string;
  /** Only these steps, in runbook order. */
  only?: string[];
  /**
   * 'needs-operator': stop before any step after the first that asks for a confirmation or a prompt (the TUI's
   * run-on, `a`). Such a walk leaves steps for the operator, so it does not decide how the run ends.
   */
  stopBefore?: 'needs-operator';
  /** Run steps that already passed or were skipped again; default: when from or only name them. */
  rerunDone?: boolean;
}

/** One action of engine.preview(step): what it will do over the results known now (secrets masked). */
export interface ActionPreview {
  index: number;
  kind: string;
  id?: string;
  safety: Safety;
  lines: string[];
}

/** The engine's state: what the events have said so far, for drivers that start late and for tests. */
export interface EngineState {
  steps: Record<string, StepStatus>;
  /** The step being confirmed or run. */
  running?: string;
  /** Awaiting approval or an answer: settle it with approve/decline/answer. */
  question?: Question;
}

export interface Engine {
  readonly runId: string;
  readonly journalPath: string;
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Resolves the variables (asking through questions when the runbook says so) and emits run.started. */
  start(): Promise<void>;
  runStep(stepId: string): Promise<StepStatus>;
  runAll(options?: RunAllOptions): Promise<RunStatus>;
  /** What each action of the step will do, rendered over the results known now; runs nothing. */
  preview(stepId: string): ActionPreview[];
  skipStep(stepId: string): void;
  /** Settle the pending question (question.asked) by its id. */
  approve(questionId: number): void;
  decline(questionId: number): void;
  answer(questionId: number, value: string): void;
  state(): EngineState;
  /** Aborts the running step; reason ("terminated by SIGTERM") is what its error says, else Ctrl-C. */
  abort(reason?: string): void;
  finish(): Promise<RunStatus>;
  /** Everything addressable so far (vars, run, results), redacted. */
  results(): Record<string, unknown>;
}
