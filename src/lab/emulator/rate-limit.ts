/** A real request budget like the API's: `limit` requests per hour, the window starting at its first request. */
export class RateLimiter {
  private windowEndsAt = 0;
  private remaining: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs = 3_600_000,
  ) {
    this.remaining = limit;
  }

  /** Spends one request; returns false when the budget is exhausted. */
  take(now: number): boolean {
    if (now >= this.windowEndsAt) {
      this.windowEndsAt = now + this.windowMs;
      this.remaining = this.limit;
    }
    if (this.remaining === 0) return false;
    this.remaining -= 1;
    return true;
  }

  headers(now: number): Record<string, string> {
    const resetsAt = this.windowEndsAt > now ? this.windowEndsAt : now + this.windowMs;
    return {
      'ratelimit-limit': String(this.limit),
      'ratelimit-remaining': String(this.remaining),
      'ratelimit-reset': String(Math.ceil(resetsAt / 1000)),
    };
  }

  secondsUntilReset(now: number): number {
    return Math.max(1, Math.ceil((this.windowEndsAt - now) / 1000));
  }
}
