// What a step will run, before it runs (`d`): each action kind's own preview, rendered over the results
// known so far. The engine redacts results, so secrets appear masked here as everywhere else.
import type { ActionContext, ActionKind } from '../contract/action.js';
import type { ActionBlock, Runbook, Step } from '../contract/runbook.js';
import { formatValue, lookupPath, renderTemplate, TemplateError } from '../runbook/template.js';

export interface PreviewSources {
  runbook: Runbook;
  // biome-ignore lint/suspicious/noExplicitAny: kinds have different spec types; each kind checks its own.
  kinds: ReadonlyMap<string, ActionKind<any>>;
  /** engine.results(): everything addressable so far, redacted. */
  results: Record<string, unknown>;
  runId: string;
}

export function previewStep(step: Step, sources: PreviewSources): string[] {
  const lines: string[] = [];
  step.actions.forEach((action, index) => {
    const label = action.id ? `${action.kind} ${action.id}` : action.kind;
    lines.push(`[${index + 1}] ${label} (${action.safety})`);
    for (const line of previewAction(step, action, index, sources)) lines.push(`    ${line}`);
  });
  return lines;
}

/** What one action will run, variables resolved over the results known so far. */
export function previewAction(
  step: Step,
  action: ActionBlock,
  index: number,
  sources: PreviewSources,
): string[] {
  const kind = sources.kinds.get(action.kind);
  if (!kind) return action.body.split('\n');
  try {
    return kind.preview(action.spec, previewContext(step, action, index, sources));
  } catch (error) {
    if (error instanceof TemplateError) {
      return [...action.body.split('\n'), `(known when it runs: ${error.message})`];
    }
    return [
      ...action.body.split('\n'),
      `(no preview: ${error instanceof Error ? error.message : String(error)})`,
    ];
  }
}

function previewContext(
  step: Step,
  action: ActionBlock,
  index: number,
  sources: PreviewSources,
): ActionContext {
  const { results } = sources;
  const vars = (results.vars ?? {}) as Record<string, string>;
  const resolve = (path: string): unknown => {
    const found = lookupPath(results, path);
    if (!found.found) throw new TemplateError(path, found.missingAt);
    return found.value;
  };
  const refuse = (what: string) => (): never => {
    throw new Error(`a preview does not ${what}`);
  };
  return {
    runId: sources.runId,
    runbook: sources.runbook,
    step: { id: step.id, title: step.title },
    action,
    actionIndex: index,
    dryRun: true,
    signal: AbortSignal.abort(),
    now: () => 0,
    vars,
    render: (text) => renderTemplate(text, resolve),
    resolve,
    redact: (text) => text,
    env: () =>
      Object.fromEntries(Object.entries(vars).map(([name, value]) => [upperSnake(name), formatValue(value)])),
    output: () => {},
    progress: () => {},
    timeline: () => {},
    publish: () => {},
    interaction: { confirm: refuse('ask for confirmation'), ask: refuse('prompt') },
    resources: { get: refuse('open connections'), closeAll: async () => {} },
    target: refuse('contact the target'),
  };
}

function upperSnake(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}
