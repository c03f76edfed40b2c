// The ```check body: one comparison per line, `PATH OP EXPECTED`; lines starting with # are comments.

import type { BlockProblem } from '../../contract/action.js';
import { type PathTarget, readTarget } from './target.js';
import {
  type Expected,
  isNumeric,
  LineError,
  type Operand,
  operandReferences,
  readList,
  readReference,
  readRegex,
  readScalar,
  Scanner,
} from './values.js';

export const ORDERING = ['<=', '>=', '<', '>'] as const;
export const OPERATORS = [
  '==',
  '!=',
  ...ORDERING,
  'matches',
  '!matches',
  'in',
  'contains',
  '!contains',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface CheckLine {
  /** 1-based line within the body. */
  line: number;
  /** The line as written, trimmed: the check's description. */
  text: string;
  /** The plain dot path the line reads (before any [field=value] selector or length()). */
  path: string;
  /** The path as written, for messages: `length(replicas)`, `replicas[ip=10.0.0.2].state`. */
  subject: string;
  /** Selectors and length() applied to the value at path. */
  target: PathTarget;
  operator: Operator;
  expected: Expected;
  /** EXPECTED as written, e.g. `[a, "b c"]` or `/^up$/i`. */
  expectedText: string;
}

export interface CheckSpec {
  lines: CheckLine[];
}

const OPERATOR_HINT =
  'operators: ==, !=, <, <=, >, >=, matches /re/flags, !matches /re/, in [a, "b c", 3], contains X, !contains X';

function readPath(s: Scanner): PathTarget {
  if (s.text.startsWith('{{', s.pos)) return { base: readReference(s).path, steps: [], length: false };
  return readTarget(s);
}

function readOperator(s: Scanner, path: string): Operator {
  const start = s.pos;
  if (s.atEnd()) throw new LineError(`expected an operator after ${path}`, start, OPERATOR_HINT);
  for (const symbol of ['==', '!=', ...ORDERING] as const) {
    if (symbol === '!=' && /^![A-Za-z]/.test(s.text.slice(s.pos))) continue;
    if (s.text.startsWith(symbol, s.pos)) {
      s.pos += symbol.length;
      return symbol;
    }
  }
  const word = /^!?[A-Za-z_]+/.exec(s.text.slice(s.pos))?.[0] ?? '';
  if (
    word === 'matches' ||
    word === 'in' ||
    word === 'contains' ||
    word === '!matches' ||
    word === '!contains'
  ) {
    s.pos += word.length;
    return word;
  }
  const found = word || s.word();
  const hint = found.startsWith('=') ? 'use == to compare for equality' : OPERATOR_HINT;
  throw new LineError(`unknown operator "${found}"`, start, hint);
}

function checkOrderingOperand(operator: Operator, operand: Operand, offset: number): void {
  if (!(ORDERING as readonly string[]).includes(operator)) return;
  if (operand.type === 'number' || operand.type === 'reference') return;
  if (operand.type === 'string' && isNumeric(operand.value)) return;
  throw new LineError(
    `${operator} compares numbers, but ${operand.text} is not a number`,
    offset,
    'use == or matches for text',
  );
}

function parseLine(text: string, line: number): CheckLine {
  const s = new Scanner(text);
  s.skipSpaces();
  const subjectStart = s.pos;
  const target = readPath(s);
  const subject = s.text.slice(subjectStart, s.pos);
  const path = target.base;
  s.skipSpaces();
  const operator = readOperator(s, subject);
  s.skipSpaces();
  const expectedStart = s.pos;
  let expected: Expected;
  if (operator === 'matches' || operator === '!matches') expected = readRegex(s);
  else if (operator === 'in') expected = readList(s);
  else if ((operator === '==' || operator === '!=') && s.peek() === '[') {
    const list = readList(s);
    const items = list.kind === 'list' ? list.items : [];
    expected = { kind: 'value', operand: { type: 'list', items, text: s.text.slice(expectedStart, s.pos) } };
  } else {
    const operand = readScalar(s, false);
    checkOrderingOperand(operator, operand, expectedStart);
    expected = { kind: 'value', operand };
  }
  const expectedText = s.text.slice(expectedStart, s.pos);
  s.skipSpaces();
  if (!s.atEnd()) {
    throw new LineError(
      `unexpected "${s.text.slice(s.pos).trim()}" after ${expectedText}`,
      s.pos,
      'one comparison per line; quote values that contain spaces: "two words"',
    );
  }
  return { line, text: text.trim(), path, subject, target, operator, expected, expectedText };
}

export function parseCheck(body: string, report: (problem: BlockProblem) => void): CheckSpec | undefined {
  const lines: CheckLine[] = [];
  let ok = true;
  body.split('\n').forEach((raw, index) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = text.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    try {
      lines.push(parseLine(text, index + 1));
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      ok = false;
      report({
        line: index + 1,
        column: error.offset + 1,
        message: error.message,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    }
  });
  if (ok && lines.length === 0) {
    report({
      line: 1,
      message: 'check block has no comparisons',
      hint: 'write one PATH OP EXPECTED per line, e.g. replication.role == master',
    });
    return undefined;
  }
  return ok ? { lines } : undefined;
}

export function checkReferences(spec: CheckSpec): string[] {
  const paths: string[] = [];
  for (const line of spec.lines) {
    paths.push(line.path);
    const operands =
      line.expected.kind === 'value'
        ? [line.expected.operand]
        : line.expected.kind === 'list'
          ? line.expected.items
          : [];
    const selectors = line.target.steps.flatMap((step) => (step.kind === 'select' ? [step.value] : []));
    for (const operand of [...operands, ...selectors]) paths.push(...operandReferences(operand));
  }
  return paths;
}
