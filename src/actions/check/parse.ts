// The ```check body: one comparison per line, `PATH OP EXPECTED`; lines starting with # are comments.

import type { BlockProblem } from '../../contract/action.js';
import { PATH_PATTERN } from '../../runbook/template.js';
import {
  type Expected,
  isNumeric,
  LineError,
  type Operand,
  readList,
  readReference,
  readRegex,
  readScalar,
  Scanner,
} from './values.js';

export const ORDERING = ['<=', '>=', '<', '>'] as const;
export const OPERATORS = ['==', '!=', ...ORDERING, 'matches', 'in', 'contains'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface CheckLine {
  /** 1-based line within the body. */
  line: number;
  /** The line as written, trimmed: the check's description. */
  text: string;
  path: string;
  operator: Operator;
  expected: Expected;
  /** EXPECTED as written, e.g. `[a, "b c"]` or `/^up$/i`. */
  expectedText: string;
}

export interface CheckSpec {
  lines: CheckLine[];
}

const PATH_CHAR = /[A-Za-z0-9_.-]/;
const OPERATOR_HINT = 'operators: ==, !=, <, <=, >, >=, matches /re/flags, in [a, "b c", 3], contains X';

function readPath(s: Scanner): string {
  const start = s.pos;
  if (s.text.startsWith('{{', s.pos)) return readReference(s).path;
  const path = s.takeWhile(PATH_CHAR);
  if (!path) {
    throw new LineError(
      `expected a result path, found "${s.word()}"`,
      start,
      'write PATH OP EXPECTED, e.g. replication.role == master',
    );
  }
  if (!PATH_PATTERN.test(path)) {
    throw new LineError(
      `"${path}" is not a result path`,
      start,
      'a path is dot-separated names, e.g. nodes.redis-1.role',
    );
  }
  return path;
}

function readOperator(s: Scanner, path: string): Operator {
  const start = s.pos;
  if (s.atEnd()) throw new LineError(`expected an operator after ${path}`, start, OPERATOR_HINT);
  for (const symbol of ['==', '!=', ...ORDERING] as const) {
    if (s.text.startsWith(symbol, s.pos)) {
      s.pos += symbol.length;
      return symbol;
    }
  }
  const word = /^[A-Za-z_]+/.exec(s.text.slice(s.pos))?.[0] ?? '';
  if (word === 'matches' || word === 'in' || word === 'contains') {
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
  const path = readPath(s);
  s.skipSpaces();
  const operator = readOperator(s, path);
  s.skipSpaces();
  const expectedStart = s.pos;
  let expected: Expected;
  if (operator === 'matches') expected = readRegex(s);
  else if (operator === 'in') expected = readList(s);
  else {
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
  return { line, text: text.trim(), path, operator, expected, expectedText };
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
    for (const operand of operands) if (operand.type === 'reference') paths.push(operand.path);
  }
  return paths;
}
