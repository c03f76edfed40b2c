// Runs one action: preview, then run() with its timeout, retries= and within=, always honouring abort.
import type { ActionContext, ActionKind, ActionOutcome } from '../contract/action.js';
import { formatDuration } from '../contract/format.js';
import type { ActionBlock, Step } from '../contract/runbook.js';
import type { ActionConfirmation } from './confirm.js';
import { type ContextDeps, type ContextMode, createActionContext } from './context.js';

/**
 * After an abort or timeout, how long run() gets to clean up and report (a script's process group gets SIGTERM, then
 * SIGKILL after 2 s) before the engine stops waiting for an action that ignores its signal.
 */
export const STOP_GRACE_MS = 3000;

/** Pause between attempts of retries=; short, the action is expected to be mostly right. */
export const RETRY_PAUSE_MS = 250;

/** Pause between evaluations under within=: a twentieth of the window, between 50 ms and 1 s. */
export function withinPauseMs(withinMs: number): number {
  return Math.min(1000, Math.max(50, Math.floor(withinMs / 20)));
}

export interface ActionRun {
  outcome: ActionOutcome;
  durationMs: number;
  published: Record<string, unknown>;
}

export interface ExecuteInput {
  step: Step;
  action: ActionBlock;
  actionIndex: number;
  // biome-ignore lint/suspicious/noExplicitAny: specs differ per kind; each kind checks its own.
  kind: ActionKind<any>;
  /** The step's signal: aborted by the operator (Ctrl-C). */
  signal: AbortSignal;
  deps: ContextDeps;
}

class AbortedError extends Error {}

/** Resolves after ms, or rejects as soon as the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The kind's preview lines, redacted: 'run' just before it runs, 'dry' in --dry-run, 'preview' for engine.preview. */
export function previewAction(input: ExecuteInput, mode: ContextMode): string[] {
  const ctx = createActionContext(input.deps, { ...input, mode, published: {} });
  return input.kind.preview(input.action.spec, ctx).map((line) => input.deps.redactor.text(line));
}

/** The kind's own addition to the step's confirmation, from read-only look-ups. */
export async function actionConfirmation(
  input: ExecuteInput,
  lookUp = true,
): Promise<ActionConfirmation | undefined> {
  const ctx = createActionContext(input.deps, { ...input, mode: 'run', published: {} });
  const details = await input.kind.confirmation(input.action.spec, ctx, { lookUp });
  return {
    does: input.deps.redactor.text(details.does),
    message: details.message === undefined ? undefined : input.deps.redactor.text(details.message),
    typeToConfirm: details.typeToConfirm,
  };
}

export async function executeAction(input: ExecuteInput): Promise<ActionRun> {
  const { action, signal, deps } = input;
  const started = deps.now();
  const published: Record<string, unknown> = {};
  const attempts = action.retries + 1;
  let outcome: ActionOutcome = { ok: false, summary: 'not run' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) {
      deps.emit({
        type: 'action.output',
        step: input.step.id,
        action: input.actionIndex,
        stream: 'info',
        line: `attempt ${attempt - 1} of ${attempts} failed (${outcome.error ?? outcome.summary}); retrying`,
      });
      try {
        await pause(RETRY_PAUSE_MS, signal);
      } catch {
        break;
      }
    }
    outcome = await runWithin(input, published);
    if (outcome.ok || signal.aborted) break;
  }
  if (!outcome.ok && attempts > 1 && !signal.aborted) {
    outcome = {
      ...outcome,
      error: `${outcome.error ?? outcome.summary} (after ${attempts} attempts, retries=${action.retries})`,
    };
  }
  return { outcome, durationMs: deps.now() - started, published };
}

/** Without within=: one call. With it: call again after a short pause until ok or the window closes. */
async function runWithin(input: ExecuteInput, published: Record<string, unknown>): Promise<ActionOutcome> {
  const { withinMs } = input.action;
  if (withinMs === undefined) return runOnce(input, published, input.signal);
  const window = AbortSignal.timeout(withinMs);
  const signal = AbortSignal.any([input.signal, window]);
  let tries = 0;
  for (;;) {
    tries++;
    // Once the window has closed, one last evaluation decides (bounded by the action's own timeout).
    const outcome = await runOnce(input, published, window.aborted ? input.signal : signal);
    if (outcome.ok || input.signal.aborted) return outcome;
    if (window.aborted) {
      const reason = outcome.error ?? outcome.summary;
      return {
        ...outcome,
        error: `still not ok after within=${formatDuration(withinMs)} (${tries} evaluations): ${reason}`,
      };
    }
    input.deps.emit({
      type: 'action.progress',
      step: input.step.id,
      action: input.actionIndex,
      message: `not yet (${outcome.error ?? outcome.summary}); re-checking within ${formatDuration(withinMs)}`,
    });
    try {
      await pause(withinPauseMs(withinMs), signal);
    } catch {
      if (input.signal.aborted) return abortedOutcome(input.signal);
    }
  }
}

/** The abort's reason when the engine gave one ("terminated by SIGTERM"), else the operator's Ctrl-C. */
function abortedOutcome(signal: AbortSignal): ActionOutcome {
  const reason = typeof signal.reason === 'string' ? signal.reason : 'aborted by the operator (Ctrl-C)';
  return { ok: false, summary: 'aborted', error: reason };
}

/** One call of run(), bounded by the action's timeout; a run() that ignores its signal is abandoned. */
async function runOnce(
  input: ExecuteInput,
  published: Record<string, unknown>,
  outer: AbortSignal,
): Promise<ActionOutcome> {
  const { action, deps } = input;
  const timeout = action.timeoutMs === undefined ? undefined : AbortSignal.timeout(action.timeoutMs);
  const signal = timeout ? AbortSignal.any([outer, timeout]) : outer;
  const ctx: ActionContext = createActionContext(deps, { ...input, signal, mode: 'run', published });
  let stopWaiting: () => void = () => {};
  const stopped = new Promise<'stopped'>((resolve) => {
    if (signal.aborted) return resolve('stopped');
    const onAbort = () => resolve('stopped');
    signal.addEventListener('abort', onAbort, { once: true });
    stopWaiting = () => signal.removeEventListener('abort', onAbort);
  });
  const running = input.kind.run(action.spec, ctx);
  // What the action itself reported once stopped: it may know better (e.g. which processes it killed).
  let stoppedOutcome: ActionOutcome | undefined;
  try {
    const result = await Promise.race([running, stopped]);
    if (result !== 'stopped' && (result.ok || !signal.aborted)) return result;
    stoppedOutcome = result === 'stopped' ? await settle(running, STOP_GRACE_MS) : result;
  } catch (error) {
    if (!signal.aborted) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, summary: 'error', error: deps.redactor.text(message) };
    }
  } finally {
    stopWaiting();
  }
  if (input.signal.aborted) return abortedOutcome(input.signal);
  if (timeout?.aborted) {
    const limit = formatDuration(action.timeoutMs as number);
    const generic = `timed out after ${limit} (timeout=${limit}); raise timeout= on the block if it needs longer`;
    if (!stoppedOutcome || stoppedOutcome.ok) return { ok: false, summary: 'timed out', error: generic };
    // Keep the action's own account (what it stopped, what it saw), saying it was the timeout when it does not.
    const own = stoppedOutcome.error ?? stoppedOutcome.summary;
    return { ...stoppedOutcome, error: /timed out|timeout/i.test(own) ? own : `${generic}: ${own}` };
  }
  return { ok: false, summary: 'window closed', error: 'the within= window closed while it was running' };
}

/** The action's outcome if it settles within ms (undefined if it throws or takes longer). */
async function settle(promise: Promise<ActionOutcome>, ms: number): Promise<ActionOutcome | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const outcome = await Promise.race([promise.catch(() => undefined), elapsed]);
  clearTimeout(timer);
  return outcome;
}
