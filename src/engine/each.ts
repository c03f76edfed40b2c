// each=PATH: one block run once per element of a list result, the element bound as {{ item }}, each
// element's outcome named (a replica by its ip:port, a Sentinel by its name) so order never matters.
import type { ActionOutcome, CheckResult } from '../contract/action.js';
import { type ActionBlock, EACH_ITEM } from '../contract/runbook.js';
import { formatValue } from '../runbook/template.js';
import { type ActionRun, type ExecuteInput, executeAction } from './execute.js';
import type { ResultStore } from './results.js';

export interface ElementOutcome {
  name: string;
  ok: boolean;
  summary: string;
  error?: string;
  /**
   * Why the element was passed over: its where= line did not hold (then ok is true and nothing ran). A line
   * that could not be evaluated for it fails the element instead.
   */
  passedOver?: string;
  /** Set when its where= line could not be evaluated: the element failed and nothing ran for it. */
  whereUndecided?: true;
  data?: unknown;
}

export interface EachData {
  path: string;
  elements: ElementOutcome[];
  /** Elements the block ran for: neither passed over nor failed by a where= line it could not evaluate. */
  ran: number;
  failed: number;
  passedOver: number;
  whereUndecided: number;
}

/** An element's name: its own name field, else ip:port, else address or node, else its position. */
export function elementName(element: unknown, position: number | string): string {
  if (element !== null && typeof element === 'object' && !Array.isArray(element)) {
    const fields = element as Record<string, unknown>;
    if (typeof fields.ip === 'string' && fields.port !== undefined) return `${fields.ip}:${fields.port}`;
    for (const key of ['name', 'address', 'node']) {
      const value = fields[key];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
    }
  }
  if (typeof element === 'string' || typeof element === 'number') return String(element);
  return String(position);
}

function elementsOf(list: unknown): Array<{ name: string; element: unknown }> | undefined {
  if (Array.isArray(list))
    return list.map((element, index) => ({ name: elementName(element, index), element }));
  if (list !== null && typeof list === 'object') {
    return Object.entries(list).map(([key, element]) => ({ name: key, element }));
  }
  return undefined;
}

export interface EachDeps {
  store: ResultStore;
  /** The check kind's input for the block's where= line, bound to the same step and signal. */
  whereInput?: ExecuteInput;
  /** One line per element on the action's output. */
  say(line: string): void;
}

export async function executeEach(input: ExecuteInput, deps: EachDeps): Promise<ActionRun> {
  const each = input.action.each;
  if (!each) return executeAction(input);
  const started = input.deps.now();
  const done = (outcome: ActionOutcome, published: Record<string, unknown> = {}): ActionRun => ({
    outcome,
    durationMs: input.deps.now() - started,
    published,
  });
  if (!deps.store.has(each.path)) {
    return done({
      ok: false,
      summary: `no list at ${each.path}`,
      error: `each=${each.path}: there is no such result; the block that produces it must run first`,
    });
  }
  const resolved = deps.store.resolve(each.path);
  const elements = elementsOf(resolved);
  if (!elements) {
    // Masked before it is shortened: a secret cut in two would no longer be recognised.
    const value = input.deps.redactor.text(formatValue(resolved));
    return done({
      ok: false,
      summary: `${each.path} is not a list`,
      error: `each=${each.path} is ${value.length > 80 ? `${value.slice(0, 80)}…` : value}, not a list; name a list (or an object, for its entries)`,
    });
  }
  const single = { ...input, action: { ...input.action, each: undefined } };
  const outcomes: ElementOutcome[] = [];
  const checks: CheckResult[] = [];
  const published: Record<string, unknown> = {};
  try {
    for (const { name, element } of elements) {
      if (input.signal.aborted) break;
      deps.store.set(EACH_ITEM, element);
      const where = deps.whereInput && (await judgeWhere(deps.whereInput));
      if (input.signal.aborted) break;
      if (where && 'undecided' in where) {
        const error = undecidedWhere(input.action, name, where.undecided);
        outcomes.push({
          name,
          ok: false,
          summary: 'where= could not be evaluated',
          error,
          whereUndecided: true,
        });
        deps.say(`${name}: failed: ${error}`);
        continue;
      }
      if (where && !where.holds) {
        outcomes.push({ name, ok: true, summary: 'passed over', passedOver: where.why });
        deps.say(`${name}: passed over (where="${each.where?.text}" does not hold: ${where.why})`);
        continue;
      }
      const run = await executeAction(single);
      Object.assign(published, run.published);
      const { ok, summary, error, data } = run.outcome;
      outcomes.push({
        name,
        ok,
        summary,
        ...(error ? { error } : {}),
        ...(data !== undefined ? { data } : {}),
      });
      for (const check of run.outcome.checks ?? []) checks.push({ ...check, where: check.where ?? name });
      deps.say(`${name}: ${ok ? 'ok' : 'failed'}: ${ok ? summary : (error ?? summary)}`);
    }
  } finally {
    deps.store.delete(EACH_ITEM);
  }
  const outcome = aggregate(each.path, outcomes, checks);
  const notRun = elements.slice(outcomes.length).map((e) => e.name);
  if (input.signal.aborted && notRun.length > 0) {
    // Every element so far may have passed: the block still did not do what it says.
    const error = `aborted after ${outcomes.length} of ${elements.length} elements of ${each.path}: ${notRun.join(', ')} did not run`;
    return done({ ...outcome, ok: false, summary: error, error }, published);
  }
  return done(outcome, published);
}

/** Whether the where= line holds for the bound element, or why it could not be evaluated for it. */
type WhereVerdict = { holds: true } | { holds: false; why: string } | { undecided: string };

async function judgeWhere(whereInput: ExecuteInput): Promise<WhereVerdict> {
  const { outcome } = await executeAction(whereInput);
  if (outcome.ok) return { holds: true };
  // Without checks the line was never compared (the check threw); an undecided check compared nothing.
  const undecided = outcome.checks
    ? outcome.checks.find((check) => check.undecided !== undefined)?.undecided
    : (outcome.error ?? outcome.summary);
  return undecided === undefined ? { holds: false, why: outcome.summary } : { undecided };
}

/**
 * An element the where= line cannot judge fails: passing it over would skip, unseen, the very element a
 * misspelt field or an unexpected value makes different.
 */
function undecidedWhere(action: ActionBlock, name: string, why: string): string {
  const { file, line, column } = action.loc;
  const path = action.each?.path;
  return `where="${action.each?.where?.text}" (${file}:${line}:${column}) could not be evaluated for element ${name} of ${path}: ${why}; the block did not run for it. Make the where= line read only what every element of ${path} has (or fix the block that produces ${path}), then retry the step`;
}

function aggregate(path: string, elements: ElementOutcome[], checks: CheckResult[]): ActionOutcome {
  const ran = elements.filter((e) => !e.passedOver && !e.whereUndecided);
  const failed = elements.filter((e) => !e.ok);
  const data: EachData = {
    path,
    elements,
    ran: ran.length,
    failed: failed.length,
    passedOver: elements.filter((e) => e.passedOver).length,
    whereUndecided: elements.filter((e) => e.whereUndecided).length,
  };
  const over = data.passedOver > 0 ? `, ${data.passedOver} passed over` : '';
  const view = checks.length > 0 ? { view: { kind: 'checks' as const }, checks } : {};
  if (elements.length === 0) return { ok: true, summary: `${path} is empty: nothing to run`, data, ...view };
  if (failed.length === 0)
    return { ok: true, summary: `${ran.length} of ${elements.length} ok${over}`, data, ...view };
  const first = failed[0] as ElementOutcome;
  return {
    ok: false,
    summary: `${failed.length} of ${elements.length} failed${over}: ${first.name}: ${first.summary}`,
    error: failed.map((e) => `${e.name}: ${e.error ?? e.summary}`).join('\n'),
    data,
    ...view,
  };
}
