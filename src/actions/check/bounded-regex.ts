// User regexes (`matches /re/`) run with a time bound: a catastrophic pattern such as /^(a+)+$/ would
// otherwise hold the event loop at 100% CPU, and Ctrl-C (a signal handler, which runs on that loop) would
// never be seen. V8 interrupts a regex inside vm's timeout, so the check fails with a clear message instead.
import { type Context, createContext, Script } from 'node:vm';

/** Longer than any sane match on a check's values; short enough that Ctrl-C is answered within it. */
export const REGEX_TIME_LIMIT_MS = 1000;

const sandbox: { pattern: RegExp; text: string } = { pattern: /$^/, text: '' };
/** Made on the first regex check, not when the kind loads: a vm context is a whole new realm. */
let bound: { script: Script; context: Context } | undefined;

export class RegexTimeoutError extends Error {}

export function boundedTest(pattern: RegExp, text: string, limitMs = REGEX_TIME_LIMIT_MS): boolean {
  sandbox.pattern = pattern;
  sandbox.text = text;
  try {
    bound ??= { script: new Script('pattern.test(text)'), context: createContext(sandbox) };
    return bound.script.runInContext(bound.context, { timeout: limitMs }) === true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
    throw new RegexTimeoutError(
      `/${pattern.source}/${pattern.flags} did not finish within ${limitMs} ms on a value of ${text.length} characters (nested repetition such as (a+)+ backtracks without end); simplify the pattern`,
    );
  } finally {
    sandbox.text = '';
  }
}
