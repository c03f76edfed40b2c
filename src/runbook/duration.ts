// Durations as written in runbooks: 500ms, 30s, 2m, 1h, or combined like 1m30s.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * The longest delay Node's timers (setTimeout, AbortSignal.timeout) honour: 2^31-1 ms, about 24.8 days.
 * A longer one overflows to 1 ms, so timeout=600h would kill a step at once; such durations are refused.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

export const DURATION_HINT =
  'write a duration like 500ms, 30s, 2m, 1h or 1m30s, at most 596h (about 24.8 days)';

/** Milliseconds written by text, however large; undefined when the text is not a duration. */
function totalMs(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * (UNIT_MS[unit as string] as number);
  }
  return Math.round(total);
}

/** Milliseconds for a duration such as "30s" or "1m30s"; undefined when it is not one or is too long. */
export function parseDuration(text: string): number | undefined {
  const ms = totalMs(text);
  return ms === undefined || ms > MAX_DURATION_MS ? undefined : ms;
}

/** Why text is not a usable duration (naming key=text), or undefined when it is one. */
export function durationProblem(key: string, text: string): string | undefined {
  const ms = totalMs(text);
  if (ms === undefined) return `${key}=${text} is not a duration`;
  if (ms > MAX_DURATION_MS) return `${key}=${text} is longer than the longest timer Node can set (596h)`;
  return undefined;
}
