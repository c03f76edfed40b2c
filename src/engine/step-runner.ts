// Runs (or, in a dry run, previews) the actions of one step in order and reports how the step ended.
import type { ActionPreview } from '../contract/engine.js';
import type { StepStatus } from '../contract/events.js';
import { type ActionBlock, EACH_ITEM, type Step } from '../contract/runbook.js';
import { TemplateError } from '../runbook/template.js';
import type { ActionConfirmation } from './confirm.js';
import { type EachData, executeEach } from './each.js';
import { actionConfirmation, type ExecuteInput, executeAction, previewAction } from './execute.js';
import { resultKey } from './resume.js';
import type { RunCore } from './run-core.js';

export interface StepRun {
  status: StepStatus;
  durationMs: number;
  error?: string;
  /** Per action (by id, else kind#n): ok, summary, data, checks; redacted. */
  results: Record<string, unknown>;
  /** Failures of finding=true blocks (or of their each= elements): recorded, and the step went on. */
  findings?: number;
  /** An abort stopped it part-way (not a skipped cleanup, not a step that had already finished its blocks). */
  aborted?: true;
}

/** How a step runs: all its blocks, or (cleanup) only its always=true blocks at the end of a run. */
export interface StepMode {
  cleanup: boolean;
  /** always=true blocks run under this signal, not the step's: the first abort spares them, a second stops them. */
  cleanupSignal: AbortSignal;
}

/** The preview's note on the engine's attributes, so a dry run shows what will run when. */
function attributeNotes(action: ActionBlock): string[] {
  const notes: string[] = [];
  if (action.each) {
    const where = action.each.where ? `, where ${action.each.where.text}` : '';
    notes.push(`(once per element of ${action.each.path}${where}, the element as {{ ${EACH_ITEM} }})`);
  }
  if (action.always) notes.push('(always: runs even after a failure or an abort, as cleanup)');
  if (action.finding) notes.push('(finding: a failure is recorded as a finding and the run goes on)');
  return notes;
}

/**
 * The kind's preview; for each= blocks over the list's first element when it is known, else the body as written
 * (the elements exist only once the step before has run).
 */
function previewLines(core: RunCore, input: ExecuteInput, mode: 'run' | 'dry' | 'preview'): string[] {
  const { action } = input;
  if (!action.each) return [...previewAction(input, mode), ...attributeNotes(action)];
  const list = core.store.has(action.each.path) ? core.store.resolve(action.each.path) : undefined;
  // Before the list exists (a dry run, a preview ahead), every field of item reads as its own reference.
  const first = Array.isArray(list) && list.length > 0 ? list[0] : new ItemAsWritten();
  core.store.set(EACH_ITEM, first);
  try {
    return [
      ...previewAction({ ...input, action: { ...action, each: undefined } }, mode),
      ...attributeNotes(action),
    ];
  } catch {
    return [...action.body.split('\n'), ...attributeNotes(action)];
  } finally {
    core.store.delete(EACH_ITEM);
  }
}

/** An element whose fields are not known yet: item.ip reads as "{{ item.ip }}". */
class ItemAsWritten extends Map<string, string> {
  override has(): boolean {
    return true;
  }
  override get(field: string): string {
    return `{{ ${EACH_ITEM}.${field} }}`;
  }
}

/** The check kind's input for an each= block's where= line. */
function whereInputFor(core: RunCore, input: ExecuteInput): ExecuteInput | string | undefined {
  const where = input.action.each?.where;
  if (!where) return undefined;
  const kind = core.options.kinds.get('check');
  if (!kind)
    return `${input.action.loc.file}:${input.action.loc.line}: where= needs the check kind, which this build does not have`;
  const { each: _each, always: _always, finding: _finding, withinMs: _within, ...plain } = input.action;
  return { ...input, kind, action: { ...plain, id: undefined, kind: 'check', spec: where.spec, retries: 0 } };
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

/** What the action's kind adds to the step's confirmation, if anything. */
export async function kindConfirmation(
  core: RunCore,
  step: Step,
  actionIndex: number,
  signal: AbortSignal,
  lookUp = true,
): Promise<ActionConfirmation | undefined> {
  const input = inputFor(core, step, actionIndex, signal);
  return typeof input === 'string' ? undefined : actionConfirmation(input, lookUp);
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
      preview = previewLines(core, input, 'dry');
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

/**
 * Runs the actions in order. The first failure ends the step, except that always=true blocks still run, and
 * a finding=true block's failure is recorded as a finding and the step goes on. In cleanup mode only the
 * always=true blocks run.
 */
export async function executeStep(
  core: RunCore,
  step: Step,
  signal: AbortSignal,
  mode: StepMode,
): Promise<StepRun> {
  const started = core.now();
  const results: Record<string, unknown> = {};
  let failure: string | undefined;
  let findings = 0;
  const cleanup = mode.cleanup ? { cleanup: true as const } : {};
  core.emit({ type: 'step.started', step: step.id, ...cleanup });
  for (let index = 0; index < step.actions.length; index++) {
    const action = step.actions[index] as ActionBlock;
    if (!action.always && (mode.cleanup || failure !== undefined)) continue;
    const actionSignal = action.always ? mode.cleanupSignal : signal;
    // A second abort skipped the cleanup: say which blocks did not run, so the operator can do them by hand.
    if (action.always && mode.cleanupSignal.aborted) {
      core.emit({
        type: 'log',
        level: 'warn',
        message: `cleanup skipped: step "${step.id}", action ${index + 1} (${action.kind}, ${action.loc.file}:${action.loc.line}) did not run (${abortReason(mode.cleanupSignal)}); do it by hand`,
      });
      failure ??= `cleanup skipped (${abortReason(mode.cleanupSignal)})`;
      continue;
    }
    const input = inputFor(core, step, index, actionSignal);
    if (typeof input === 'string') {
      failure ??= input;
      continue;
    }
    const whereInput = whereInputFor(core, input);
    let preview: string[];
    try {
      if (typeof whereInput === 'string') throw new Error(whereInput);
      preview = previewLines(core, input, 'run');
    } catch (error) {
      const message = describeFailure(input, core.redactor.text(messageOf(error)));
      if (!action.finding) {
        failure ??= message;
        continue;
      }
      // A finding block that cannot even be filled in (a result an earlier finding left missing) is a finding too.
      const event = { step: step.id, action: index, kind: action.kind, id: action.id };
      core.emit({ type: 'action.started', ...event, preview: action.body.split('\n') });
      const summary = 'not run: a value it needs is missing';
      core.emit({
        type: 'action.finished',
        ...event,
        ok: false,
        summary,
        durationMs: 0,
        error: message,
        finding: true,
      });
      results[resultKey(action.id, action.kind, index)] = { ok: false, summary };
      findings++;
      continue;
    }
    const event = { step: step.id, action: index, kind: action.kind, id: action.id };
    core.emit({ type: 'action.started', ...event, preview });
    const say = (line: string) =>
      core.emit({
        type: 'action.output',
        step: step.id,
        action: index,
        stream: 'info',
        line: core.redactor.text(line),
      });
    const { outcome, durationMs, published } = action.each
      ? await executeEach(input, { store: core.store, whereInput, say })
      : await executeAction(input);
    if (action.id !== undefined && outcome.data !== undefined) core.store.set(action.id, outcome.data);
    const finding = !outcome.ok && action.finding === true && !actionSignal.aborted;
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
      ...(finding ? { finding: true as const } : {}),
    });
    const { ok, summary, data, checks } = outcome;
    results[resultKey(action.id, action.kind, index)] = core.redactor.deep({ ok, summary, data, checks });
    if (finding) findings += action.each ? Math.max(1, (data as EachData | undefined)?.failed ?? 1) : 1;
    else if (!ok) failure ??= describeFailure(input, outcome.error ?? outcome.summary);
  }
  return {
    status: failure === undefined ? 'passed' : 'failed',
    durationMs: core.now() - started,
    error: failure,
    results,
    ...(findings > 0 ? { findings } : {}),
  };
}

function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'aborted by the operator (Ctrl-C)';
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
      return { ...about, lines: previewLines(core, input, 'preview') };
    } catch (error) {
      const why =
        error instanceof TemplateError
          ? `known when it runs: ${error.message}`
          : `no preview: ${messageOf(error)}`;
      return { ...about, lines: [...action.body.split('\n'), `(${core.redactor.text(why)})`] };
    }
  });
}
