// The lab's own DigitalOcean API session (`lab up`, `lab status`): the same ApiSession a runbook step uses,
// so the lab's calls get its retries, rate limiter, abort signal and explained failures.
import type { ApiTuning, TargetInfo } from '../contract/action.js';
import { RateLimiter } from '../targets/digitalocean/rate-limit.js';
import { ApiSession } from '../targets/digitalocean/session.js';

/** The emulator is on this machine: a retry may come soon, and droplets are watched closely while they boot. */
export const LAB_API_TUNING: Required<ApiTuning> = {
  requestTimeoutMs: 30_000,
  retryWaitMinMs: 200,
  pollIntervalMs: 100,
};

export interface LabSessionOptions {
  apiUrl: string;
  token: string;
  /** Overrides of LAB_API_TUNING, e.g. a shorter request timeout for `lab status`. */
  api?: ApiTuning;
  signal?: AbortSignal;
  /** Told about every retry and rate-limit wait. */
  notify?: (line: string) => void;
}

export function openLabSession(options: LabSessionOptions): Promise<ApiSession> {
  const target: TargetInfo = {
    name: 'lab',
    apiUrl: options.apiUrl,
    token: options.token,
    api: { ...LAB_API_TUNING, ...options.api },
  };
  return ApiSession.open({
    target,
    signal: options.signal ?? new AbortController().signal,
    limiter: new RateLimiter(),
    notify: options.notify ?? (() => {}),
  });
}
