// DigitalOcean's rate-limit headers, shared by every request of a run: when the quota is spent, wait for
// ratelimit-reset; when it runs low, pollers spread what is left evenly until the reset.
import { setTimeout as sleep } from 'node:timers/promises';

function headerNumber(headers: Record<string, unknown>, name: string): number | undefined {
  const raw = headers[name];
  const value = typeof raw === 'string' ? Number(raw) : typeof raw === 'number' ? raw : Number.NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** The longest drillbook waits for a rate-limit reset; DigitalOcean's hourly window can reset an hour away. */
export const RATE_LIMIT_WAIT_MAX_MS = 60_000;

/** A reset too far away to wait for: the step fails naming when to run it again. */
export class RateLimitTooFar extends Error {
  constructor(
    readonly resetAt: number,
    readonly waitMs: number,
    what: string,
  ) {
    super(
      `${what}: the API rate limit resets at ${new Date(resetAt).toISOString()} (in ${Math.ceil(waitMs / 60_000)} min), longer than drillbook waits (${RATE_LIMIT_WAIT_MAX_MS / 1000} s). Nothing more was sent; run the step again after that time (drillbook run … --resume continues here)`,
    );
    this.name = 'RateLimitTooFar';
  }
}

/** Below this many remaining requests, pollers slow down (the API also allows only 250 per minute). */
const LOW_WATER = 250;

export class RateLimiter {
  private remaining: number | undefined;
  /** Epoch ms when the oldest counted request expires. */
  private resetAt: number | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  observe(headers: Record<string, unknown>): void {
    const remaining = headerNumber(headers, 'ratelimit-remaining');
    const reset = headerNumber(headers, 'ratelimit-reset');
    if (remaining !== undefined) this.remaining = remaining;
    if (reset !== undefined) this.resetAt = reset * 1000;
  }

  /** Milliseconds until the quota resets, when it is known and in the future. */
  msUntilReset(): number | undefined {
    if (this.resetAt === undefined) return undefined;
    const ms = this.resetAt - this.clock();
    return ms > 0 ? ms : undefined;
  }

  /** Waits for ratelimit-reset when the quota is spent; onWait tells the operator why nothing moves. */
  async beforeRequest(signal?: AbortSignal, onWait: (message: string) => void = () => {}): Promise<void> {
    if (this.remaining === undefined || this.remaining > 0) return;
    const wait = this.msUntilReset();
    if (wait === undefined) return;
    if (wait > RATE_LIMIT_WAIT_MAX_MS)
      throw new RateLimitTooFar(Date.now() + wait, wait, 'rate limit reached');
    onWait(`API rate limit reached; waiting ${(wait / 1000).toFixed(1)} s for ratelimit-reset`);
    await sleep(wait, undefined, { signal });
    this.remaining = undefined;
  }

  /**
   * The shortest poll interval that does not spend the quota faster than it refills: what remains,
   * spread evenly over the time until the reset. 0 when the headers say nothing.
   */
  minimumPollIntervalMs(requestsPerPoll: number): number {
    const wait = this.msUntilReset();
    if (this.remaining === undefined || wait === undefined || this.remaining > LOW_WATER) return 0;
    return Math.ceil((wait * requestsPerPoll) / Math.max(1, this.remaining));
  }
}
