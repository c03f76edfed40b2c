// The lab emulator's own endpoints (/v2/_lab/…), which dots-wrapper does not know: one request sent the way
// the instrumented client sends its own (the step's signal, the shared rate limiter, a request timeout),
// failing with the same DoApiError so ApiSession retries and explains it like any other API call.
import { DoApiError, httpApiError } from './errors.js';
import type { RateLimiter } from './rate-limit.js';

export interface LabEndpointRequest {
  /** Base URL including /v2. */
  apiUrl: string;
  token: string;
  method: 'POST' | 'DELETE';
  /** Below /v2, e.g. /_lab/droplets/7/freeze. */
  path: string;
  body?: unknown;
  signal: AbortSignal;
  limiter: RateLimiter;
  timeoutMs: number;
  onRateLimitWait: (line: string) => void;
}

export async function sendLabRequest(request: LabEndpointRequest): Promise<unknown> {
  const { method, signal } = request;
  const path = `${new URL(request.apiUrl).pathname.replace(/\/+$/, '')}${request.path}`;
  await request.limiter.beforeRequest(signal, request.onRateLimitWait);
  const timeout = AbortSignal.timeout(request.timeoutMs);
  let response: Response;
  try {
    response = await fetch(`${request.apiUrl}${request.path}`, {
      method,
      headers: { authorization: `Bearer ${request.token}`, 'content-type': 'application/json' },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (error) {
    if (signal.aborted) throw new DoApiError({ kind: 'aborted', method, path });
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new DoApiError({
      kind: timeout.aborted ? 'timeout' : 'network',
      method,
      path,
      detail: timeout.aborted ? `${request.timeoutMs} ms` : (cause ?? (error as Error).message),
    });
  }
  const headers = Object.fromEntries(response.headers);
  request.limiter.observe(headers);
  const answer: unknown = await response.json().catch(() => ({}));
  if (response.ok) return answer;
  throw httpApiError(method, path, response.status, answer, headers);
}
