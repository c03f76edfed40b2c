// Command lines are split like redis-cli splits them (sdssplitargs) BEFORE any {{ }} is filled, so a value
// with spaces or quotes stays exactly one argument and can never inject another.
import { findReferences } from '../../runbook/template.js';

export class TokenizeError extends Error {
  /** 1-based column in the line where the problem is. */
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.name = 'TokenizeError';
    this.column = column;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

function isHex(char: string | undefined): boolean {
  return char !== undefined && /^[0-9a-fA-F]$/.test(char);
}

/**
 * Splits one command line into arguments: whitespace separates; "double quotes" honour \n \r \t \b \a
 * \\ \" and \xHH; 'single quotes' honour only \'; a closing quote must be followed by space or the end.
 * An unquoted {{ path }} is kept whole even though it contains spaces.
 */
export function tokenize(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i] as string)) i++;
    if (i >= n) break;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    let quoteStart = 0;
    for (;;) {
      const char = line[i];
      if (inDouble) {
        if (char === undefined) throw new TokenizeError('unbalanced double quote', quoteStart + 1);
        if (char === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          current += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (char === '\\' && i + 1 < n) {
          const next = line[i + 1] as string;
          current += ESCAPES[next] ?? next;
          i += 2;
          continue;
        }
        if (char === '"') {
          i = afterClosingQuote(line, i);
          break;
        }
        current += char;
        i++;
        continue;
      }
      if (inSingle) {
        if (char === undefined) throw new TokenizeError('unbalanced single quote', quoteStart + 1);
        if (char === '\\' && line[i + 1] === "'") {
          current += "'";
          i += 2;
          continue;
        }
        if (char === "'") {
          i = afterClosingQuote(line, i);
          break;
        }
        current += char;
        i++;
        continue;
      }
      if (char === undefined || /\s/.test(char)) break;
      if (char === '{' && line[i + 1] === '{') {
        const close = line.indexOf('}}', i + 2);
        if (close < 0) throw new TokenizeError('{{ without a closing }}', i + 1);
        current += line.slice(i, close + 2);
        i = close + 2;
        continue;
      }
      if (char === '"') {
        inDouble = true;
        quoteStart = i;
        i++;
        continue;
      }
      if (char === "'") {
        inSingle = true;
        quoteStart = i;
        i++;
        continue;
      }
      current += char;
      i++;
    }
    args.push(current);
  }
  return args;
}

/** Fills {{ }} inside each argument separately: an argument stays one argument whatever the value holds. */
export function fillArguments(args: readonly string[], render: (text: string) => string): string[] {
  return args.map((arg) => (findReferences(arg).length > 0 ? render(arg) : arg));
}

/** Quotes an argument for display the way redis-cli would accept it back. */
export function quoteArgument(arg: string): string {
  if (arg !== '' && /^[^\s"'\\]+$/.test(arg)) return arg;
  const escaped = arg
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

/** Splits a block body into command lines: blank lines and # comments skipped, line numbers kept (1-based). */
export function commandLines(body: string): Array<{ text: string; line: number }> {
  return body
    .split(/\r?\n/)
    .map((text, index) => ({ text: text.trim(), line: index + 1 }))
    .filter((entry) => entry.text !== '' && !entry.text.startsWith('#'));
}

/** Like redis-cli: a closing quote must end the argument; returns the index after it. */
function afterClosingQuote(line: string, quoteAt: number): number {
  const after = line[quoteAt + 1];
  if (after !== undefined && !/\s/.test(after)) {
    throw new TokenizeError('closing quote must be followed by a space', quoteAt + 2);
  }
  return quoteAt + 1;
}
