// A catastrophic regex in a check fails the check instead of spinning forever (issue #15 item 15).
import { describe, expect, it } from 'vitest';
import { boundedTest, RegexTimeoutError } from './bounded-regex.js';
import { evaluateLine } from './evaluate.js';
import { parseCheck } from './parse.js';

const context = (values: Record<string, unknown>) => ({
  resolve: (path: string) => values[path.replace(/^vars\./, '')],
  redact: (text: string) => text,
});

function check(line: string, values: Record<string, unknown>) {
  const spec = parseCheck(line, (problem) => {
    throw new Error(problem.message);
  });
  return evaluateLine(spec?.lines[0] as never, context(values));
}

describe('user regexes run with a time bound', () => {
  it('fails a check whose pattern backtracks catastrophically, saying why, instead of hanging', () => {
    const result = check('vars.text matches /^(a+)+$/', { text: `${'a'.repeat(40)}!` });
    expect(result.ok).toBe(false);
    expect(result.expected).toContain('did not finish within 1000 ms on a value of 41 characters');
    expect(result.expected).toContain('simplify the pattern');
  });

  it('fails !matches too: a pattern that never finished proved nothing', () => {
    const result = check('vars.text !matches /^(a+)+$/', { text: `${'a'.repeat(40)}!` });
    expect(result.ok).toBe(false);
    expect(result.expected).toContain('did not finish within');
  });

  it('throws a RegexTimeoutError from boundedTest, and the next evaluation works normally', () => {
    expect(() => boundedTest(/^(a|aa)+$/, `${'a'.repeat(50)}b`, 50)).toThrow(RegexTimeoutError);
    expect(boundedTest(/^up$/i, 'UP')).toBe(true);
  });

  it.each([
    ['vars.role matches /^master$/', { role: 'master' }, true],
    ['vars.role matches /^MASTER$/i', { role: 'master' }, true],
    ['vars.role matches /^replica/', { role: 'master' }, false],
  ])('still evaluates ordinary patterns: %s', (line, values, ok) => {
    expect(check(line, values).ok).toBe(ok);
  });
});
