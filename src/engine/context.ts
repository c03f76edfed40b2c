// The ActionContext an action's preview() and run() receive: templating, events, resources, the target.
import type {
  ActionContext,
  Interaction,
  RunResources,
  TargetInfo,
  TimelineEntry,
} from '../contract/action.js';
import type { EngineEventBody } from '../contract/events.js';
import type { ActionBlock, Runbook, Step } from '../contract/runbook.js';
import { formatValue, renderTemplate, TemplateError } from '../runbook/template.js';
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

export interface ContextInput {
  step: Step;
  action: ActionBlock;
  actionIndex: number;
  signal: AbortSignal;
  dryRun: boolean;
  /** Collects what this action publishes, so the journal can restore it on --resume. */
  published: Record<string, unknown>;
}

export function createActionContext(deps: ContextDeps, input: ContextInput): ActionContext {
  const { step, action, actionIndex, dryRun } = input;
  const where = { step: step.id, action: actionIndex };
  const resolve = (path: string): unknown => deps.store.resolve(path);
  // In a dry run earlier results do not exist: show the reference instead of failing the preview.
  const lookup = dryRun
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
    dryRun,
    signal: input.signal,
    now: deps.now,
    vars: deps.vars,
    render: (text) => renderTemplate(text, lookup),
    resolve,
    redact: (text) => deps.redactor.text(text),
    env: () => actionEnv(deps, action),
    output: (line, stream = 'stdout') => deps.emit({ type: 'action.output', ...where, stream, line }),
    progress: (message, done, total) =>
      deps.emit({ type: 'action.progress', ...where, message, done, total }),
    timeline: (source, name, detail, seenBy, at) => deps.timeline({ source, name, detail, seenBy }, at),
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

/**
 * Environment for shell blocks: every variable as UPPER_SNAKE, DRILLBOOK_RUN_ID, DRILLBOOK_TARGET, and the
 * results the block names with env="NAME=path,...".
 */
function actionEnv(deps: ContextDeps, action: ActionBlock): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(deps.vars)) env[varEnvName(name)] = value;
  env.DRILLBOOK_RUN_ID = deps.runId;
  env.DRILLBOOK_TARGET = deps.target;
  const mapping = action.attrs.env;
  if (mapping) {
    for (const pair of mapping.split(',')) {
      const [name, path] = pair.split('=').map((part) => part.trim());
      if (!name || !path) {
        throw new TemplateError(pair, pair, `env="${mapping}": "${pair}" is not NAME=path`);
      }
      env[name] = formatValue(deps.store.resolve(path));
    }
  }
  return env;
}
