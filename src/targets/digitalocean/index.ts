// The DigitalOcean target's public surface, for callers outside a runbook step (the lab's `lab up`,
// bench/provision): the same dots-wrapper code path the `do` action uses.
import { performance } from 'node:perf_hooks';
import type { TargetInfo } from '../../contract/action.js';
import {
  type CreateDropletsRequest,
  type DropletSummary,
  ensureDroplets,
  summarizeDroplet,
  waitForActive,
} from './droplets.js';
import { RateLimiter } from './rate-limit.js';
import { ApiSession } from './session.js';

export { CredentialsError, describeTokenSources, resolveDigitalOceanTarget } from './credentials.js';
export type { CreateDropletsRequest, DropletSummary } from './droplets.js';
export { DoApiError } from './errors.js';
export { inventoryFor } from './inventory.js';
export { describeCost } from './pricing.js';
export { ApiSession, DoStepError, openSession } from './session.js';

export interface ProvisionOptions {
  signal?: AbortSignal;
  /** "3 of 5 droplets active, 2 s", once per poll round. */
  onProgress?: (message: string, done?: number, total?: number) => void;
  /** Retries, adoption notices, cost: one line each. */
  onOutput?: (line: string) => void;
  /** Wait for every droplet to be active (default true). */
  wait?: boolean;
  timeoutMs?: number;
}

export interface ProvisionResult {
  droplets: DropletSummary[];
  created: string[];
  adopted: string[];
  /** Poll rounds spent waiting (each costs one list request per 200 droplets). */
  pollRounds: number;
  elapsedMs: number;
}

/** Creates (or adopts) droplets and waits until they are active: what a droplets.ensure step does. */
export async function provisionDroplets(
  target: TargetInfo,
  request: CreateDropletsRequest,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const started = performance.now();
  const notify = options.onOutput ?? (() => {});
  const session = await ApiSession.open({
    target,
    signal: options.signal ?? new AbortController().signal,
    limiter: new RateLimiter(),
    notify,
  });
  const ensured = await ensureDroplets(session, request, { notify });
  let pollRounds = 0;
  const droplets =
    options.wait === false
      ? ensured.droplets
      : await waitForActive(
          session,
          {
            now: () => performance.now() - started,
            progress: (message, done, total) => {
              pollRounds++;
              options.onProgress?.(message, done, total);
            },
          },
          {
            names: request.names,
            tag: request.tags[0],
            created: ensured.created,
            timeoutMs: options.timeoutMs ?? 15 * 60_000,
          },
        );
  return {
    droplets: droplets.map(summarizeDroplet),
    created: ensured.created,
    adopted: ensured.adopted,
    pollRounds,
    elapsedMs: performance.now() - started,
  };
}
