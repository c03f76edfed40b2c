// Evaluates parsed check lines against the results namespace. Pure: same results in, same verdicts out,
// so the engine can re-run it cheaply for within=.

import type { CheckResult } from '../../contract/action.js';
import { formatValue, TemplateError } from '../../runbook/template.js';
import { boundedTest, RegexTimeoutError } from './bounded-regex.js';
import type { CheckLine, Operator } from './parse.js';
import { type Found, followTarget, isPlain } from './target.js';
import { isNumeric, type Operand, operandReferences, renderOperandText } from './values.js';

export interface EvaluationContext {
  /** Looks a path up; throws TemplateError when it is missing (ActionContext.resolve). */
  resolve(path: string): unknown;
  /** Masks secrets in what the results show (ActionContext.redact). */
  redact(text: string): string;
}

/**
 * How the two sides compared; a note explains a type mismatch on the side it belongs to. incomparable: the
 * note says why the two could not be compared at all, so the line decided nothing.
 */
interface Verdict {
  ok: boolean;
  actualNote?: string;
  expectedNote?: string;
  incomparable?: true;
}

const MAX_SHOWN = 200;

function missingText(error: TemplateError): string {
  const segments = error.missingAt.split('.');
  const segment = segments.at(-1);
  const parent = segments.slice(0, -1).join('.');
  return parent ? `segment "${segment}" not found in ${parent}` : `segment "${segment}" not found`;
}

function lookup(path: string, context: EvaluationContext): Found {
  try {
    return { found: true, value: context.resolve(path) };
  } catch (error) {
    if (error instanceof TemplateError) return { found: false, missing: missingText(error) };
    throw error;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

/** Masks before shortening: cut first, and the part of a secret left before the cut would no longer match. */
function show(value: unknown, context: EvaluationContext): string {
  const text = context.redact(formatValue(value));
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && isNumeric(value)) return Number(value);
  return undefined;
}

function isStructured(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

/** JSON with sorted keys, so objects with the same fields compare equal whatever their order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isStructured(v) && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function equal(actual: unknown, expected: unknown): Verdict {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a !== undefined && b !== undefined) return { ok: a === b };
  if (isStructured(actual) && isStructured(expected))
    return { ok: canonical(actual) === canonical(expected) };
  if (isStructured(actual))
    return { ok: false, actualNote: `${typeName(actual)}; compare one of its fields`, incomparable: true };
  if (isStructured(expected))
    return { ok: false, actualNote: `${typeName(actual)}, not ${typeName(expected)}`, incomparable: true };
  const ok = formatValue(actual) === formatValue(expected);
  if (!ok && b !== undefined && a === undefined)
    return { ok, actualNote: `${typeName(actual)}, not a number` };
  return { ok };
}

function order(operator: Operator, actual: unknown, expected: unknown): Verdict {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a === undefined)
    return { ok: false, actualNote: `${typeName(actual)}, not a number`, incomparable: true };
  if (b === undefined)
    return { ok: false, expectedNote: `${typeName(expected)}, not a number`, incomparable: true };
  const ok = operator === '<' ? a < b : operator === '<=' ? a <= b : operator === '>' ? a > b : a >= b;
  return { ok };
}

function matches(actual: unknown, source: string, flags: string): Verdict {
  if (actual === null || isStructured(actual))
    return { ok: false, actualNote: `${typeName(actual)}, not text`, incomparable: true };
  try {
    return { ok: boundedTest(new RegExp(source, flags), formatValue(actual)) };
  } catch (error) {
    if (!(error instanceof RegexTimeoutError)) throw error;
    return { ok: false, expectedNote: error.message, incomparable: true };
  }
}

function contains(actual: unknown, expected: unknown): Verdict {
  if (Array.isArray(actual)) return { ok: actual.some((item) => equal(item, expected).ok) };
  if (isStructured(expected))
    return {
      ok: false,
      expectedNote: `${typeName(expected)}; contains looks for one value`,
      incomparable: true,
    };
  if (typeof actual === 'string') return { ok: actual.includes(formatValue(expected)) };
  if (isStructured(actual)) return { ok: Object.hasOwn(actual, formatValue(expected)) };
  return {
    ok: false,
    actualNote: `${typeName(actual)}; contains works on text, lists and objects`,
    incomparable: true,
  };
}

function operandValue(operand: Operand, context: EvaluationContext): Found {
  switch (operand.type) {
    case 'reference':
      return lookup(operand.path, context);
    case 'null':
      return { found: true, value: null };
    case 'list': {
      const items: unknown[] = [];
      for (const item of operand.items) {
        const found = operandValue(item, context);
        if (!found.found) return found;
        items.push(found.value);
      }
      return { found: true, value: items };
    }
    case 'string': {
      if (!operand.template) return { found: true, value: operand.value };
      try {
        return {
          found: true,
          value: renderOperandText(operand.value, (path) => formatValue(context.resolve(path))),
        };
      } catch (error) {
        if (error instanceof TemplateError) return { found: false, missing: missingText(error) };
        throw error;
      }
    }
    default:
      return { found: true, value: operand.value };
  }
}

/** Whether showing the expected side needs its resolved value: it reads results. */
function readsResults(operand: Operand): boolean {
  return operandReferences(operand).length > 0;
}

/** The value the line is about: the base path, then its [field=value] selectors and length(). */
function lookupSubject(line: CheckLine, context: EvaluationContext): Found {
  const base = lookup(line.path, context);
  if (!base.found || isPlain(line.target)) return base;
  return followTarget(
    line.target,
    base.value,
    (actual, expected) => equal(actual, expected).ok,
    (operand) => operandValue(operand, context),
  );
}

function withNote(text: string, note: string | undefined, value: unknown): string {
  if (!note) return text;
  return `${typeof value === 'string' ? JSON.stringify(value) : text} (${note})`;
}

export function evaluateLine(line: CheckLine, context: EvaluationContext): CheckResult {
  const { expected, operator } = line;
  const operands =
    expected.kind === 'value' ? [expected.operand] : expected.kind === 'list' ? expected.items : [];
  const values: unknown[] = [];
  for (const operand of operands) {
    const found = operandValue(operand, context);
    if (!found.found) {
      const expectedShown = `${operator} ${line.expectedText} <missing: ${found.missing}>`;
      return fail(line, context, expectedShown, 'not compared', found.missing);
    }
    values.push(found.value);
  }
  const resolvedNote = operands.some(readsResults)
    ? ` (= ${expected.kind === 'list' ? `[${values.map((value) => show(value, context)).join(', ')}]` : show(values[0], context)})`
    : '';
  const expectedShown = `${operator} ${line.expectedText}${resolvedNote}`;

  const actual = lookupSubject(line, context);
  if (!actual.found)
    return fail(line, context, expectedShown, `<missing: ${actual.missing}>`, actual.missing);

  let verdict: Verdict;
  if (expected.kind === 'regex') {
    verdict = matches(actual.value, expected.source, expected.flags);
    // A pattern that timed out decided nothing: it fails either way.
    if (operator === '!matches' && !verdict.actualNote && !verdict.expectedNote)
      verdict = { ok: !verdict.ok };
  } else if (expected.kind === 'list')
    verdict = { ok: values.some((value) => equal(actual.value, value).ok) };
  else if (operator === '==') verdict = equal(actual.value, values[0]);
  else if (operator === '!=') verdict = { ok: !equal(actual.value, values[0]).ok };
  else if (operator === 'contains') verdict = contains(actual.value, values[0]);
  else if (operator === '!contains') {
    const found = contains(actual.value, values[0]);
    verdict = found.actualNote || found.expectedNote ? found : { ok: !found.ok };
  } else verdict = order(operator, actual.value, values[0]);

  return {
    ok: verdict.ok,
    description: context.redact(line.text),
    expected: context.redact(
      verdict.expectedNote ? `${expectedShown} (${verdict.expectedNote})` : expectedShown,
    ),
    actual: context.redact(withNote(show(actual.value, context), verdict.actualNote, actual.value)),
    ...(verdict.incomparable
      ? { undecided: context.redact(verdict.actualNote ?? verdict.expectedNote ?? 'not comparable') }
      : {}),
  };
}

/** A line that decided nothing: a value it reads is missing (why, in words). */
function fail(
  line: CheckLine,
  context: EvaluationContext,
  expected: string,
  actual: string,
  missing: string,
): CheckResult {
  return {
    ok: false,
    description: context.redact(line.text),
    expected: context.redact(expected),
    actual: context.redact(actual),
    undecided: context.redact(missing),
  };
}
