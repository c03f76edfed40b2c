// The one ActionContext an action's preview(), confirmation() and run() receive — from the engine, the TUI's
// preview (through engine.preview) and the action tests (src/actions/test-context.ts, with fake dependencies).
//   run:     everything live.
//   dry:     --dry-run; results that do not exist yet show as their {{ reference }} instead of failing.
//   preview: what a step will do, over the results known so far; unknown references throw TemplateError, and
//            nothing reaches the operator, the target, the run's resources or the results.
import type {
  ActionContext,
  Interaction,
  RunResources,
  TargetInfo,
  TimelineEntry,
} from '../contract/action.js';
import type { EngineEventBody } from '../contract/events.js';
import type { ActionBlock, Runbook, Step } from '../contract/runbook.js';
import { renderTemplate } from '../runbook/template.js';
import { varEnvName } from '../runbook/vars.js';
import type { Redactor } from './redact.js';
import type { ResultStore } from './results.js';

export interface ContextDeps {
  runId: string;
  runbook: Runbook;
  target: string;
  vars: Readonly<Record<string, string>>;
  /** --var values as given on the command line. */
  given: Readonly<Record<string, string>>;
  store: ResultStore;
  redactor: Redactor;
  interaction: Interaction;
  resources: RunResources;
  now(): number;
  emit(body: EngineEventBody): void;
  publish(path: string, value: unknown, secret?: boolean): void;
  timeline(entry: Omit<TimelineEntry, 't'>, at?: number): void;
  timelineSince(t: number): ReadonlyArray<TimelineEntry>;
  resolveTarget(): Promise<TargetInfo>;
}

export type ContextMode = 'run' | 'dry' | 'preview';

export interface ContextInput {
  mode: ContextMode;
  step: Pick<Step, 'id' | 'title'>;
  action: ActionBlock;
  actionIndex: number;
  signal: AbortSignal;
  /** Collects what this action publishes, so the journal can restore it on --resume. */
  published: Record<string, unknown>;
}

export function createActionContext(deps: ContextDeps, input: ContextInput): ActionContext {
  const { step, action, actionIndex, mode } = input;
  if (mode === 'preview') return previewContext(deps, input);
  const where = { step: step.id, action: actionIndex };
  const resolve = (path: string): unknown => deps.store.resolve(path);
  // In a dry run earlier results do not exist: show the reference instead of failing the preview.
  const lookup =
    mode === 'dry'
      ? (path: string): unknown => (deps.store.has(path) ? deps.store.resolve(path) : `{{ ${path} }}`)
      : resolve;

  const interaction: Interaction = {
    confirm: (request, signal) => deps.interaction.confirm(request, signal),
    async ask(request, signal) {
      // --var NAME=VALUE answers a prompt for NAME in advance, in the TUI as well as headless.
      const given = request.variable === undefined ? undefined : deps.given[request.variable];
      const answer =
        given !== undefined
          ? { value: given, at: new Date().toISOString() }
          : await deps.interaction.ask(request, signal);
      deps.emit({
        type: 'prompt.answered',
        ...where,
        question: request.question,
        answer: request.secret ? '(secret)' : answer.value,
        kind: request.kind,
      });
      return answer;
    },
  };

  return {
    runId: deps.runId,
    runbook: deps.runbook,
    step: { id: step.id, title: step.title },
    action,
    actionIndex,
    dryRun: mode === 'dry',
    signal: input.signal,
    now: deps.now,
    vars: deps.vars,
    render: (text) => renderTemplate(text, lookup),
    resolve,
    redact: (text) => deps.redactor.text(text),
    env: () => variablesEnv(deps),
    output: (line, stream = 'stdout') => deps.emit({ type: 'action.output', ...where, stream, line }),
    progress: (message, done, total) =>
      deps.emit({ type: 'action.progress', ...where, message, done, total }),
    timeline: (source, name, detail, seenBy, at) => deps.timeline({ source, name, detail, seenBy }, at),
    cluster: (snapshot) => deps.emit({ type: 'cluster', snapshot }),
    timelineSince: deps.timelineSince,
    publish(path, value, options) {
      deps.publish(path, value, options?.secret);
      input.published[path] = value;
    },
    interaction,
    resources: deps.resources,
    target: deps.resolveTarget,
  };
}

/** A preview: rendered over what is known now; it asks nobody, opens nothing, changes nothing. */
function previewContext(deps: ContextDeps, input: ContextInput): ActionContext {
  const refuse = (what: string) => (): never => {
    throw new Error(`a preview does not ${what}`);
  };
  const resolve = (path: string): unknown => deps.store.resolve(path);
  return {
    runId: deps.runId,
    runbook: deps.runbook,
    step: { id: input.step.id, title: input.step.title },
    action: input.action,
    actionIndex: input.actionIndex,
    dryRun: true,
    signal: input.signal,
    now: deps.now,
    vars: deps.vars,
    render: (text) => renderTemplate(text, resolve),
    resolve,
    redact: (text) => deps.redactor.text(text),
    env: () => variablesEnv(deps),
    output: () => {},
    progress: () => {},
    timeline: () => {},
    timelineSince: deps.timelineSince,
    publish: () => {},
    interaction: { confirm: refuse('ask for confirmation'), ask: refuse('prompt') },
    resources: { get: refuse('open connections'), closeAll: async () => {} },
    target: refuse('contact the target'),
  };
}

/**
 * What every shell block's environment holds: each variable under varEnvName (masterName → MASTER_NAME),
 * DRILLBOOK_RUN_ID and DRILLBOOK_TARGET. A block's own env="NAME=path" bindings are its kind's business
 * (src/actions/sh/spec.ts).
 */
function variablesEnv(deps: ContextDeps): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(deps.vars)) env[varEnvName(name)] = value;
  env.DRILLBOOK_RUN_ID = deps.runId;
  env.DRILLBOOK_TARGET = deps.target;
  return env;
}
