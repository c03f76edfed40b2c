// ONE poll loop per step for everything the step waits on: each round costs a fixed number of list
// requests however many droplets or actions are pending, so polling grows with time, not with count.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext } from '../../contract/action.js';
import type { RateLimiter } from './rate-limit.js';

export interface PollRound {
  done: number;
  total: number;
  /** Set when something the step waits on can no longer succeed (e.g. an action errored). */
  failure?: string;
}

export interface PollOptions {
  ctx: Pick<ActionContext, 'progress' | 'now'>;
  signal: AbortSignal;
  limiter: RateLimiter;
  /** First wait between rounds; grows by half each round up to maxIntervalMs. */
  intervalMs: number;
  maxIntervalMs?: number;
  /** Give up after this long (the step's own timeout usually fires first). */
  timeoutMs: number;
  /** API requests one round sends, to respect the remaining rate-limit quota. */
  requestsPerRound?: number;
  /** e.g. (3, 5) → "droplets active" becomes "3 of 5 droplets active, 42 s". */
  what: string;
  /** One round: look (with list requests only) and count what is done. */
  round: () => Promise<PollRound>;
}

export class PollTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PollTimeout';
  }
}

export class PollFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PollFailure';
  }
}

/** Resolves with the number of rounds when every item is done; throws PollFailure / PollTimeout / AbortError. */
export async function pollUntilDone(options: PollOptions): Promise<{ rounds: number; elapsedMs: number }> {
  const started = options.ctx.now();
  let interval = options.intervalMs;
  const maxInterval = options.maxIntervalMs ?? Math.max(options.intervalMs, 10_000);
  for (let rounds = 1; ; rounds++) {
    const state = await options.round();
    const elapsedMs = options.ctx.now() - started;
    const seconds = Math.round(elapsedMs / 1000);
    options.ctx.progress(
      `${state.done} of ${state.total} ${options.what}, ${seconds} s`,
      state.done,
      state.total,
    );
    if (state.failure) throw new PollFailure(state.failure);
    if (state.done >= state.total) return { rounds, elapsedMs };
    if (elapsedMs >= options.timeoutMs) {
      throw new PollTimeout(
        `waited ${seconds} s and only ${state.done} of ${state.total} ${options.what}; re-run the step to keep waiting (it adopts what exists)`,
      );
    }
    const floor = options.limiter.minimumPollIntervalMs(options.requestsPerRound ?? 1);
    await sleep(Math.max(interval, floor), undefined, { signal: options.signal });
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}
