// ```check — declarative comparisons over earlier results, one per line, each saying expected vs actual.
// within= is the engine's: it re-runs this action until every line holds, so run() is pure and cheap.
import * as z from 'zod';
import type { ActionContext, ActionKind, ActionOutcome } from '../../contract/action.js';
import { evaluateLine } from './evaluate.js';
import { type CheckSpec, checkReferences, parseCheck } from './parse.js';

export interface CheckData {
  passed: number;
  failed: number;
  total: number;
}

function run(spec: CheckSpec, ctx: ActionContext): Promise<ActionOutcome> {
  const evaluated = spec.lines.map((line) => ({ line, result: evaluateLine(line, ctx) }));
  const checks = evaluated.map((e) => e.result);
  const failures = evaluated.filter((e) => !e.result.ok);
  const total = checks.length;
  const data: CheckData = { passed: total - failures.length, failed: failures.length, total };
  if (failures.length === 0) {
    const noun = total === 1 ? 'check' : 'checks';
    return Promise.resolve({
      ok: true,
      summary: `${total}/${total} ${noun} passed`,
      data,
      checks,
      view: { kind: 'checks' },
    });
  }
  const explain = ({ line, result }: (typeof failures)[number]) =>
    `${ctx.redact(line.subject)} expected ${result.expected}, got ${result.actual}`;
  const where = failures.map(
    (f) => `${ctx.runbook.file}:${ctx.action.bodyLine + f.line.line - 1}: ${explain(f)}`,
  );
  // check within= re-reads results already in hand; it cannot make a finished block look again.
  const next = ctx.action.withinMs
    ? 'these values come from earlier blocks and are not read again while a check waits; to poll the system, put expect="…" and within= on the block that reads it (redis, sentinel, sh, http), or wait until=…'
    : 'to wait for the system to converge, put expect="…" with within=30s on the block that reads it (redis, sentinel, sh, http) — a check only compares results it already has; otherwise fix what the step checks';
  return Promise.resolve({
    ok: false,
    summary: `${failures.length} of ${total} failed: ${explain(failures[0] as (typeof failures)[number])}`,
    error: `${where.join('\n')}\nhint: ${next}`,
    data,
    checks,
    view: { kind: 'checks' },
  });
}

function preview(spec: CheckSpec, ctx: ActionContext): string[] {
  return spec.lines.map((line) => `check ${ctx.redact(line.text)}`);
}

export const checkAction: ActionKind<CheckSpec> = {
  kind: 'check',
  description:
    'Compares earlier results with expected values (==, !=, <, <=, >, >=, matches, !matches, in, contains, !contains).',
  attributes: z.strictObject({}),
  defaultSafety: () => 'safe',
  parse: ({ body }, report) => parseCheck(body, report),
  references: checkReferences,
  preview,
  async confirmation(spec) {
    const count = spec.lines.length;
    return {
      does: `checks ${count} condition${count === 1 ? '' : 's'} on earlier results (it changes nothing)`,
    };
  },
  run,
};
