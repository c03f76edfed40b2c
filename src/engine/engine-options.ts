// What a run is made of: the runbook, the target, the registered kinds, the operator's flags and answers,
// and where its journal goes (or which journal it resumes).
import type { ActionKind, Interaction, TargetInfo } from '../contract/action.js';
import type { Runbook, TargetName } from '../contract/runbook.js';

export interface EngineOptions {
  runbook: Runbook;
  target: TargetName;
  /** Lazy: only called when an action calls ctx.target(). */
  resolveTarget: () => Promise<TargetInfo>;
  /**
   * Secrets the target's clients use that can be known without resolving it (the lab's Redis and Sentinel
   * passwords, read from its 0600 state): masked from the first event, whether the runbook declares them.
   */
  knownSecrets?: () => Promise<string[]>;
  /** From --var k=v (win over env/default/generate). */
  vars?: Record<string, string>;
  /** Auto-confirm mutating steps. */
  yes?: boolean;
  /** With yes: auto-confirm destructive steps too (headless). */
  allowDestroy?: boolean;
  /** Show previews; run nothing (every step ends skipped). */
  dryRun?: boolean;
  /**
   * Answers every question at once: the headless flags, a test's script. Without it a question stays pending
   * (question.asked) until engine.approve/decline/answer settle it, as the TUI does.
   */
  interaction?: Interaction;
  /** A .jsonl file, or a directory for <runId>.jsonl; default $XDG_STATE_HOME/drillbook/runs/. */
  journalPath?: string;
  /** Run id or journal path to continue. */
  resume?: string;
  /** The registered action kinds, passed in by the command layer (src/actions/registry.ts) or a test. */
  // biome-ignore lint/suspicious/noExplicitAny: kinds have different spec types; each kind checks its own.
  kinds: ReadonlyMap<string, ActionKind<any>>;
  /** --resume of a runbook edited since the run was recorded: go on (with a warning) instead of refusing. */
  acceptChangedRunbook?: boolean;
  /** A --var the runbook neither declares nor publishes is an error unless this is set (then a warning). */
  allowUnknownVars?: boolean;
  /** Default: os.userInfo().username. */
  operator?: string;
}
