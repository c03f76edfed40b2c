// expect= on a block that produces data (http, sh): one check line whose path is read from the block's own
// result, so within= can re-run the block until it holds and the verdict lands in the report as a check.

import type { ActionContext, BlockProblem, CheckResult } from '../../contract/action.js';
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
