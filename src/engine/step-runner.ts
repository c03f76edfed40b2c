// Runs (or, in a dry run, previews) the actions of one step in order and reports how the step ended.
import type { ActionPreview } from '../contract/engine.js';
import type { StepStatus } from '../contract/events.js';
import type { Step } from '../contract/runbook.js';
import { TemplateError } from '../runbook/template.js';
import { type ExecuteInput, executeAction, previewAction } from './execute.js';
import { resultKey } from './resume.js';
import type { RunCore } from './run-core.js';

export interface StepRun {
  status: StepStatus;
  durationMs: number;
  error?: string;
  /** Per action (by id, else kind#n): ok, summary, data, checks; redacted. */
  results: Record<string, unknown>;
}

export function inputFor(
  core: RunCore,
  step: Step,
  actionIndex: number,
  signal: AbortSignal,
): ExecuteInput | string {
  const action = step.actions[actionIndex];
  if (!action) return `step "${step.id}" has no action ${actionIndex + 1}`;
  const kind = core.options.kinds.get(action.kind);
  if (!kind) {
    return `${action.loc.file}:${action.loc.line}:${action.loc.column}: no action kind "${action.kind}" in this build`;
  }
  return { step, action, actionIndex, kind, signal, deps: core.contextDeps() };
}

/** Says where a failure happened: the step, the action's number, kind, id and file:line. */
function describeFailure(input: ExecuteInput, error: string): string {
  const { action, actionIndex, step } = input;
  const name = action.id ? ` ${action.id}` : '';
  const where = `${action.loc.file}:${action.loc.line}`;
  // Kinds often start their errors with the same file:line; say it once.
  const own = error.startsWith(`${where}: `) ? error.slice(where.length + 2) : error;
  return `step "${step.id}", action ${actionIndex + 1} (${action.kind}${name}, ${where}): ${own}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Dry run: every action's preview, nothing run; the step ends skipped. */
export function previewStep(core: RunCore, step: Step): StepRun {
  core.emit({ type: 'step.started', step: step.id });
  const results: Record<string, unknown> = {};
  for (let index = 0; index < step.actions.length; index++) {
    const input = inputFor(core, step, index, new AbortController().signal);
    if (typeof input === 'string') return { status: 'failed', durationMs: 0, error: input, results };
    const { action } = input;
    let preview: string[];
    try {
      preview = previewAction(input, 'dry');
    } catch (error) {
      const message = describeFailure(input, core.redactor.text(messageOf(error)));
      return { status: 'failed', durationMs: 0, error: message, results };
    }
    const event = { step: step.id, action: index, kind: action.kind, id: action.id };
    core.emit({ type: 'action.started', ...event, preview });
    const summary = `not run (dry run, ${action.safety})`;
    core.emit({ type: 'action.finished', ...event, ok: true, summary, durationMs: 0 });
    results[resultKey(action.id, action.kind, index)] = { ok: true, summary };
  }
  return { status: 'skipped', durationMs: 0, results };
}

/** Runs the actions in order; the first that fails ends the step. */
export async function executeStep(core: RunCore, step: Step, signal: AbortSignal): Promise<StepRun> {
  const started = core.now();
  const results: Record<string, unknown> = {};
  const ended = (status: StepStatus, error?: string): StepRun => ({
    status,
    durationMs: core.now() - started,
    error,
    results,
  });
  core.emit({ type: 'step.started', step: step.id });
  for (let index = 0; index < step.actions.length; index++) {
    const input = inputFor(core, step, index, signal);
    if (typeof input === 'string') return ended('failed', input);
    const { action } = input;
    let preview: string[];
    try {
      preview = previewAction(input, 'run');
    } catch (error) {
      return ended('failed', describeFailure(input, core.redactor.text(messageOf(error))));
    }
    const event = { step: step.id, action: index, kind: action.kind, id: action.id };
    core.emit({ type: 'action.started', ...event, preview });
    const { outcome, durationMs, published } = await executeAction(input);
    if (action.id !== undefined && outcome.data !== undefined) core.store.set(action.id, outcome.data);
    core.emit({
      type: 'action.finished',
      ...event,
      ok: outcome.ok,
      summary: outcome.summary,
      durationMs: Math.round(durationMs),
      data: outcome.data,
      checks: outcome.checks,
      error: outcome.error,
      view: outcome.view,
      published: Object.keys(published).length > 0 ? published : undefined,
    });
    const { ok, summary, data, checks } = outcome;
    results[resultKey(action.id, action.kind, index)] = core.redactor.deep({ ok, summary, data, checks });
    if (!outcome.ok) return ended('failed', describeFailure(input, outcome.error ?? outcome.summary));
  }
  return ended('passed');
}

/**
 * The reason a preview's signal is already aborted: nothing runs. A string, because AbortSignal.abort()
 * without one builds a DOMException with its stack for every action on screen (and loads DOMException
 * before the first frame).
 */
const PREVIEW_ONLY = 'preview: nothing runs';

/**
 * engine.preview: each action's own preview over the results known now. A reference to a result that does not
 * exist yet is said plainly instead of failing, since the operator asks before the earlier steps have run.
 */
export function previewActions(core: RunCore, step: Step): ActionPreview[] {
  return step.actions.map((action, index) => {
    const about = {
      index,
      kind: action.kind,
      safety: action.safety,
      ...(action.id ? { id: action.id } : {}),
    };
    const input = inputFor(core, step, index, AbortSignal.abort(PREVIEW_ONLY));
    if (typeof input === 'string') return { ...about, lines: [...action.body.split('\n'), `(${input})`] };
    try {
      return { ...about, lines: previewAction(input, 'preview') };
    } catch (error) {
      const why =
        error instanceof TemplateError
          ? `known when it runs: ${error.message}`
          : `no preview: ${messageOf(error)}`;
      return { ...about, lines: [...action.body.split('\n'), `(${core.redactor.text(why)})`] };
    }
  });
}
