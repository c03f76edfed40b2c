// The EXPECTED side of a check line: numbers, quoted strings, bare words, true/false/null, {{ path }},
// /regex/flags and [lists], read by a small scanner that knows the column of every problem.
import { PATH_PATTERN } from '../../runbook/template.js';

export type Operand =
  | { type: 'number'; value: number; text: string }
  /** A quoted string; template: it holds {{ path }} references, rendered before comparing. */
  | { type: 'string'; value: string; text: string; template?: string[] }
  /** An unquoted word that is not a number, true, false or null. */
  | { type: 'word'; value: string; text: string }
  | { type: 'boolean'; value: boolean; text: string }
  | { type: 'null'; text: string }
  | { type: 'reference'; path: string; text: string }
  /** A list literal after == or != (`[]` for an empty list). */
  | { type: 'list'; items: Operand[]; text: string };

const TEMPLATE_REFERENCE = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** The result paths an operand reads: a {{ path }}, the references in a quoted template, a list's items. */
export function operandReferences(operand: Operand): string[] {
  if (operand.type === 'reference') return [operand.path];
  if (operand.type === 'string') return operand.template ?? [];
  if (operand.type === 'list') return operand.items.flatMap(operandReferences);
  return [];
}

/** Fills a quoted string's {{ path }} references; resolve throws when one is missing. */
export function renderOperandText(text: string, resolve: (path: string) => string): string {
  return text.replace(TEMPLATE_REFERENCE, (_match, path: string) => resolve(path));
}

export type Expected =
  | { kind: 'value'; operand: Operand }
  | { kind: 'regex'; source: string; flags: string }
  | { kind: 'list'; items: Operand[] };

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Parse failure at a 0-based offset within the line. */
export class LineError extends Error {
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

export class Scanner {
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

function readQuoted(s: Scanner): Operand {
  const start = s.pos;
  const quote = s.peek() as string;
  let value = '';
  s.pos++;
  while (!s.atEnd()) {
    const char = s.peek() as string;
    if (char === quote) {
      s.pos++;
      const template = [...value.matchAll(TEMPLATE_REFERENCE)]
        .map((match) => match[1] as string)
        .filter((path) => PATH_PATTERN.test(path));
      return {
        type: 'string',
        value,
        text: s.text.slice(start, s.pos),
        ...(template.length ? { template } : {}),
      };
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

export function readReference(s: Scanner): { path: string; text: string } {
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

export function readScalar(s: Scanner, inList: boolean): Operand {
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

export function readRegex(s: Scanner): Expected {
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
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '');
    throw new LineError(
      `invalid regex /${source}/${flags}: ${reason}`,
      start,
      'fix the regular expression (JavaScript syntax)',
    );
  }
  return { kind: 'regex', source, flags };
}

export function readList(s: Scanner): Expected {
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
