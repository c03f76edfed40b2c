// One step's view of the API: the dots-wrapper client plus doctl-like retries (5xx and network errors up
// to 5 times with exponential backoff; 429 honouring retry-after / ratelimit-reset) and clean final errors.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext, ApiTuning, TargetInfo } from '../../contract/action.js';
import { createApiClient, DEFAULT_REQUEST_TIMEOUT_MS, type DotsClient } from './client.js';
import { type DoApiError, explainFailure, scrubToken, toApiError } from './errors.js';
import { type LabEndpointRequest, sendLabRequest } from './lab-endpoint.js';
import { type PollOptions, pollUntilDone } from './poll.js';
import { RATE_LIMIT_WAIT_MAX_MS, RateLimiter, RateLimitTooFar } from './rate-limit.js';

const MAX_RETRIES = 5;
const DEFAULT_RETRY_WAIT_MIN_MS = 1000;
const RETRY_WAIT_MAX_MS = 30_000;

export type RetryPolicy =
  /** Reads, deletes and actions whose repetition converges: retry 429, 5xx and network errors. */
  | 'all'
  /**
   * Creates: retry only when the server surely did not act (429). After an ambiguous failure the caller
   * looks again and adopts what exists, so a retry can never create a second resource.
   */
  | 'rejected-only';

export interface SessionOptions {
  target: TargetInfo;
  signal: AbortSignal;
  limiter: RateLimiter;
  /** Told about every retry and rate-limit wait, as one line. */
  notify: (line: string) => void;
}

/** A final API failure: message already explains what to do; the DoApiError is kept for callers' decisions. */
export class DoStepError extends Error {
  constructor(
    message: string,
    readonly apiError?: DoApiError,
  ) {
    super(message);
    this.name = 'DoStepError';
  }
}

export class ApiSession {
  readonly client: DotsClient;
  readonly limiter: RateLimiter;
  readonly tuning: Required<ApiTuning>;
  private readonly options: SessionOptions;

  private constructor(options: SessionOptions, client: DotsClient) {
    this.options = options;
    this.client = client;
    this.limiter = options.limiter;
    this.tuning = {
      requestTimeoutMs: options.target.api?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      retryWaitMinMs: options.target.api?.retryWaitMinMs ?? DEFAULT_RETRY_WAIT_MIN_MS,
      // The lab's droplets boot in about a second; real ones take tens of seconds.
      pollIntervalMs: options.target.api?.pollIntervalMs ?? (options.target.name === 'lab' ? 250 : 2000),
    };
  }

  static async open(options: SessionOptions): Promise<ApiSession> {
    const client = await createApiClient({
      token: options.target.token,
      endpoint: options.target.apiUrl,
      requestTimeoutInMs: options.target.api?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      signal: options.signal,
      limiter: options.limiter,
      onRateLimitWait: options.notify,
    });
    return new ApiSession(options, client);
  }

  /** The step's one poll loop, paced by this session's interval, rate-limit quota and abort signal. */
  poll(
    ctx: PollOptions['ctx'],
    options: Pick<PollOptions, 'what' | 'timeoutMs' | 'round' | 'requestsPerRound' | 'maxIntervalMs'>,
  ): ReturnType<typeof pollUntilDone> {
    return pollUntilDone({
      ctx,
      signal: this.signal,
      limiter: this.limiter,
      intervalMs: this.tuning.pollIntervalMs,
      ...options,
    });
  }

  get signal(): AbortSignal {
    return this.options.signal;
  }

  /** Masks the token in any text headed for the operator. */
  scrub(text: string): string {
    return scrubToken(text, this.options.target.token);
  }

  /** The final, operator-facing error for an API failure. */
  fail(error: DoApiError): DoStepError {
    return new DoStepError(this.scrub(explainFailure(error, this.options.target)), error);
  }

  /**
   * Sends one request through dots-wrapper with retries. Throws DoStepError when it finally fails
   * (the DoApiError is attached so callers can react, e.g. to a 404 or a locked droplet).
   */
  async call<T>(send: (client: DotsClient) => Promise<{ data: T }>, policy: RetryPolicy = 'all'): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let failure: DoApiError;
      try {
        const response = await send(this.client);
        return response.data;
      } catch (error) {
        if (error instanceof RateLimitTooFar) throw new DoStepError(this.scrub(error.message));
        failure = toApiError(error, this.signal);
      }
      if (failure.kind === 'aborted') throw new DoStepError(this.scrub(failure.message), failure);
      const wait = this.retryWait(failure, attempt, policy);
      if (failure.status === 429 && wait !== undefined && wait > RATE_LIMIT_WAIT_MAX_MS) {
        throw new DoStepError(
          this.scrub(new RateLimitTooFar(Date.now() + wait, wait, failure.message).message),
          failure,
        );
      }
      if (wait === undefined) throw this.fail(failure);
      this.options.notify(
        this.scrub(
          `${failure.message}; retrying in ${(wait / 1000).toFixed(1)} s (retry ${attempt + 1} of ${MAX_RETRIES})`,
        ),
      );
      try {
        await sleep(wait, undefined, { signal: this.signal });
      } catch {
        throw new DoStepError(`${failure.method} ${failure.path} aborted while waiting to retry`, failure);
      }
    }
  }

  /**
   * A lab-only endpoint (/v2/_lab/…, unknown to dots-wrapper) with this session's retries, rate limiter,
   * request timeout and abort signal. Use 'rejected-only' for a request that must not be repeated blindly.
   */
  labRequest<T>(
    method: LabEndpointRequest['method'],
    path: string,
    options: { body?: unknown; policy?: RetryPolicy } = {},
  ): Promise<T> {
    const request: LabEndpointRequest = {
      apiUrl: this.options.target.apiUrl,
      token: this.options.target.token,
      method,
      path,
      body: options.body,
      signal: this.signal,
      limiter: this.limiter,
      timeoutMs: this.tuning.requestTimeoutMs,
      onRateLimitWait: this.options.notify,
    };
    return this.call(async () => ({ data: (await sendLabRequest(request)) as T }), options.policy);
  }

  /** How long to wait before retrying, or undefined when this failure is final. */
  private retryWait(failure: DoApiError, attempt: number, policy: RetryPolicy): number | undefined {
    if (attempt >= MAX_RETRIES) return undefined;
    if (failure.status === 429) {
      if (failure.retryAfterSeconds !== undefined) return failure.retryAfterSeconds * 1000;
      return this.limiter.msUntilReset() ?? this.backoff(attempt);
    }
    if (!failure.ambiguous || policy === 'rejected-only') return undefined;
    if (failure.status === 503 && failure.retryAfterSeconds !== undefined)
      return failure.retryAfterSeconds * 1000;
    return this.backoff(attempt);
  }

  /**
   * After a create failed: rethrows unless the server may have created anyway (an ambiguous failure) and
   * retries remain; otherwise says so and waits, so the caller looks again before it sends another create.
   */
  async waitToLookAgain(
    error: unknown,
    attempt: number,
    what: string,
    notify: (line: string) => void,
  ): Promise<void> {
    const apiError = error instanceof DoStepError ? error.apiError : undefined;
    if (!apiError?.ambiguous || attempt >= MAX_RETRIES) throw error;
    const wait = this.backoff(attempt);
    notify(
      this.scrub(
        `${apiError.message}; ${what} may exist anyway, so looking again in ${(wait / 1000).toFixed(1)} s before retrying (retry ${attempt + 1} of ${MAX_RETRIES})`,
      ),
    );
    await sleep(wait, undefined, { signal: this.signal });
  }

  /** Exponential backoff from retryWaitMinMs, capped, with a little jitter so parallel steps spread out. */
  backoff(attempt: number): number {
    const base = Math.min(RETRY_WAIT_MAX_MS, this.tuning.retryWaitMinMs * 2 ** attempt);
    return Math.round(base * (0.9 + Math.random() * 0.2));
  }
}

/** The session for one action: its target, its signal, the run's shared rate limiter. */
export async function openSession(
  ctx: Pick<ActionContext, 'target' | 'resources' | 'signal' | 'output'>,
): Promise<ApiSession> {
  const target = await ctx.target();
  const notify = (line: string) => ctx.output(line, 'info');
  const limiter = ctx.resources.get(
    `digitalocean.rate-limit ${target.apiUrl}`,
    () => new RateLimiter(),
    () => {},
  );
  return ApiSession.open({ target, signal: ctx.signal, limiter, notify });
}
