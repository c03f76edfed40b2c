// The ```check body: one comparison per line, `PATH OP EXPECTED`; lines starting with # are comments.
import { PATH_PATTERN } from '../../runbook/template.js';
import type { BlockProblem } from '../types.js';

export const ORDERING = ['<=', '>=', '<', '>'] as const;
export const OPERATORS = ['==', '!=', ...ORDERING, 'matches', 'in', 'contains'] as const;
export type Operator = (typeof OPERATORS)[number];

export type Operand =
  | { type: 'number'; value: number; text: string }
  /** A quoted string. */
  | { type: 'string'; value: string; text: string }
  /** An unquoted word that is not a number, true, false or null. */
  | { type: 'word'; value: string; text: string }
  | { type: 'boolean'; value: boolean; text: string }
  | { type: 'null'; text: string }
  | { type: 'reference'; path: string; text: string };

export type Expected =
  | { kind: 'value'; operand: Operand }
  | { kind: 'regex'; source: string; flags: string }
  | { kind: 'list'; items: Operand[] };

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

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const PATH_CHAR = /[A-Za-z0-9_.-]/;
const OPERATOR_HINT = 'operators: ==, !=, <, <=, >, >=, matches /re/flags, in [a, "b c", 3], contains X';

/** Parse failure at a 0-based offset within the line. */
class LineError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function isNumeric(text: string): boolean {
  return NUMBER.test(text.trim());
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.pos];
  }
  /** Advances while the next character matches; returns what it passed. */
  takeWhile(pattern: RegExp): string {
    const start = this.pos;
    while (this.pos < this.text.length && pattern.test(this.text[this.pos] as string)) this.pos++;
    return this.text.slice(start, this.pos);
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  /** The rest of the current word, for messages. */
  word(from = this.pos): string {
    return /^\S*/.exec(this.text.slice(from))?.[0] ?? '';
  }
}

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

function readQuoted(s: Scanner): Operand {
  const start = s.pos;
  const quote = s.peek() as string;
  let value = '';
  s.pos++;
  while (!s.atEnd()) {
    const char = s.peek() as string;
    if (char === quote) {
      s.pos++;
      return { type: 'string', value, text: s.text.slice(start, s.pos) };
    }
    if (char === '\\' && s.pos + 1 < s.text.length) {
      const next = s.text[s.pos + 1] as string;
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      s.pos += 2;
      continue;
    }
    value += char;
    s.pos++;
  }
  throw new LineError(`unterminated string: no closing ${quote}`, start, `end the string with ${quote}`);
}

function readReference(s: Scanner): { path: string; text: string } {
  const start = s.pos;
  const close = s.text.indexOf('}}', start);
  if (close < 0) throw new LineError('unterminated {{: no closing }}', start, 'write {{ path }}');
  const path = s.text.slice(start + 2, close).trim();
  if (!PATH_PATTERN.test(path)) {
    throw new LineError(`"${path}" is not a result path`, start, 'write {{ path }}, e.g. {{ vars.port }}');
  }
  s.pos = close + 2;
  return { path, text: s.text.slice(start, s.pos) };
}

function readScalar(s: Scanner, inList: boolean): Operand {
  const start = s.pos;
  if (s.peek() === '"' || s.peek() === "'") return readQuoted(s);
  if (s.text.startsWith('{{', s.pos)) return { type: 'reference', ...readReference(s) };
  const text = s.takeWhile(inList ? /[^\s,\]]/ : /\S/);
  if (!text)
    throw new LineError(
      'expected a value',
      start,
      'a value is a number, "a string", a word, true, false, null or {{ path }}',
    );
  if (text === 'true' || text === 'false') return { type: 'boolean', value: text === 'true', text };
  if (text === 'null') return { type: 'null', text };
  if (isNumeric(text)) return { type: 'number', value: Number(text), text };
  return { type: 'word', value: text, text };
}

function readRegex(s: Scanner): Expected {
  const start = s.pos;
  if (s.peek() !== '/') {
    throw new LineError(
      `expected /regex/ after matches, found "${s.word()}"`,
      start,
      'write matches /^up$/ or matches /master/i',
    );
  }
  let inClass = false;
  let i = start + 1;
  for (; i < s.text.length; i++) {
    const char = s.text[i];
    if (char === '\\') i++;
    else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) break;
  }
  if (i >= s.text.length)
    throw new LineError('unterminated regex: no closing /', start, 'end the regex with /, e.g. /^up$/');
  const source = s.text.slice(start + 1, i);
  s.pos = i + 1;
  const flags = /^[A-Za-z]*/.exec(s.text.slice(s.pos))?.[0] ?? '';
  s.pos += flags.length;
  try {
    new RegExp(source, flags);
  } catch (error) {
    throw new LineError(
      `invalid regex /${source}/${flags}: ${(error as Error).message}`,
      start,
      'fix the regular expression (JavaScript syntax)',
    );
  }
  return { kind: 'regex', source, flags };
}

function readList(s: Scanner): Expected {
  const start = s.pos;
  if (s.peek() !== '[')
    throw new LineError(`expected [ after in, found "${s.word()}"`, start, 'write in [a, "b c", 3]');
  s.pos++;
  const items: Operand[] = [];
  s.skipSpaces();
  if (s.peek() === ']') {
    s.pos++;
    return { kind: 'list', items };
  }
  for (;;) {
    s.skipSpaces();
    if (s.atEnd()) throw new LineError('unterminated list: no closing ]', start, 'end the list with ]');
    items.push(readScalar(s, true));
    s.skipSpaces();
    if (s.peek() === ',') {
      s.pos++;
    } else if (s.peek() === ']') {
      s.pos++;
      return { kind: 'list', items };
    } else if (s.atEnd()) {
      throw new LineError('unterminated list: no closing ]', start, 'end the list with ]');
    } else {
      throw new LineError(
        `expected , or ] in the list, found "${s.word()}"`,
        s.pos,
        'separate items with commas',
      );
    }
  }
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
