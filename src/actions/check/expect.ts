// expect= on a block that produces data (http, sh): one check line whose path is read from the block's own
// result, so within= can re-run the block until it holds and the verdict lands in the report as a check.

import type { ActionContext, ActionOutcome, BlockProblem, CheckResult } from '../../contract/action.js';
import { lookupPath, TemplateError } from '../../runbook/template.js';
import { evaluateLine } from './evaluate.js';
import { type CheckLine, checkReferences, parseCheck } from './parse.js';

/** Parses the attribute's text as one check line; problems are reported on the info string (line 0). */
export function parseExpectation(
  text: string,
  report: (problem: BlockProblem) => void,
): CheckLine | undefined {
  if (text.includes('\n')) {
    report({
      line: 0,
      message: 'expect= holds one comparison',
      hint: 'put further comparisons in a check block',
    });
    return undefined;
  }
  const spec = parseCheck(text, (problem) =>
    report({
      line: 0,
      message: `expect="${text}": ${problem.message}`,
      ...(problem.hint ? { hint: problem.hint } : {}),
    }),
  );
  return spec?.lines[0];
}

/** The earlier results the line reads: its {{ path }} operands (its own path is read from the block's result). */
export function expectationReferences(line: CheckLine | undefined): string[] {
  return line ? checkReferences({ lines: [line] }).filter((path) => path !== line.path) : [];
}

/** Evaluates the line with its path looked up in result; {{ path }} operands still read the run's results. */
export function evaluateExpectation(line: CheckLine, result: unknown, ctx: ActionContext): CheckResult {
  return evaluateLine(line, {
    resolve: (path) => {
      if (path !== line.path) return ctx.resolve(path);
      const found = lookupPath(result, path);
      if (!found.found) throw new TemplateError(path, found.missingAt);
      return found.value;
    },
    redact: ctx.redact,
  });
}

/** A query block's (redis, sentinel) own assertions: expect="LINE" and expect-error=CODE. */
export interface QueryExpectations {
  line?: CheckLine;
  /** The reply error the block must get, e.g. NOQUORUM, READONLY, NOGOODSLAVE. */
  error?: string;
}

/** Parses expect= and expect-error=; undefined after reporting a problem. */
export function parseQueryExpectations(
  attrs: { expect?: string; 'expect-error'?: string },
  report: (problem: BlockProblem) => void,
): QueryExpectations | undefined {
  const line = attrs.expect === undefined ? undefined : parseExpectation(attrs.expect, report);
  if (attrs.expect !== undefined && !line) return undefined;
  const error = attrs['expect-error'];
  if (error !== undefined && !/^[A-Za-z][A-Za-z_-]*$/.test(error)) {
    report({
      line: 0,
      message: `expect-error="${error}" is not an error code`,
      hint: 'the first word of the reply error, e.g. expect-error=NOQUORUM, READONLY or NOGOODSLAVE',
    });
    return undefined;
  }
  return { ...(line ? { line } : {}), ...(error ? { error: error.toUpperCase() } : {}) };
}

/**
 * Applies the expectations to a query block's outcome. errorCode: the code of the reply error that stopped
 * it (undefined when every command succeeded). With within= the engine re-runs the block until this is ok.
 */
export function judgeQuery(
  outcome: ActionOutcome,
  expectations: QueryExpectations,
  errorCode: string | undefined,
  ctx: ActionContext,
): ActionOutcome {
  const where = `${ctx.runbook.file}:${ctx.action.loc.line}`;
  let judged = outcome;
  if (expectations.error) {
    const wanted = expectations.error;
    const check: CheckResult = {
      ok: errorCode === wanted,
      description: `reply error ${wanted}`,
      expected: wanted,
      actual: errorCode ?? (outcome.ok ? 'every command succeeded' : (outcome.error ?? 'failed')),
    };
    if (!check.ok) {
      return {
        ...outcome,
        ok: false,
        summary: `expected ${wanted}, got ${errorCode ?? (outcome.ok ? 'success' : 'another error')}`,
        checks: [check],
        error: `${where}: expected the reply error ${wanted}, but ${outcome.ok ? 'every command succeeded' : `got ${errorCode ?? 'an error'}: ${outcome.error}`}`,
      };
    }
    const { error: _refused, ...rest } = outcome;
    judged = { ...rest, ok: true, summary: `${wanted}, as expected`, checks: [check] };
  }
  if (!expectations.line || !judged.ok) return judged;
  const verdict = evaluateExpectation(expectations.line, judged.data, ctx);
  const checks = [...(judged.checks ?? []), verdict];
  if (verdict.ok) return { ...judged, summary: `${judged.summary}; ${verdict.description}`, checks };
  return {
    ...judged,
    ok: false,
    summary: `${verdict.description}: got ${verdict.actual}`,
    checks,
    error: `${where}: ${verdict.description} does not hold: expected ${verdict.expected}, got ${verdict.actual}${ctx.action.withinMs ? ' (re-run until within= ran out)' : '; add within=30s to run the block again until it holds'}`,
  };
}
