// Turns axios failures into errors that say what the API said, never carrying the request (whose headers
// hold the token) along with them.
import { describeTokenSources } from './credentials.js';

export const TOKEN_MASK = '••••••';

export type FailureKind = 'http' | 'timeout' | 'network' | 'aborted';

/** What is known about a failed request; `detail` is the transport's own words (timeouts, network errors). */
interface DoApiFailure {
  kind: FailureKind;
  method: string;
  path: string;
  status?: number;
  apiId?: string;
  apiMessage?: string;
  requestId?: string;
  retryAfterSeconds?: number;
  detail?: string;
}

/** A failed DigitalOcean API request: method, path, status, the API's own id/message and request id. */
export class DoApiError extends Error {
  readonly kind: FailureKind;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  /** The API's error id, e.g. "unprocessable_entity". */
  readonly apiId?: string;
  /** The API's own message, e.g. "Droplet already has a pending event." */
  readonly apiMessage?: string;
  readonly requestId?: string;
  /** Seconds from a 429/503 retry-after header. */
  readonly retryAfterSeconds?: number;

  constructor(fields: DoApiFailure) {
    super(describeFailure(fields));
    this.name = 'DoApiError';
    this.kind = fields.kind;
    this.method = fields.method;
    this.path = fields.path;
    this.status = fields.status;
    this.apiId = fields.apiId;
    this.apiMessage = fields.apiMessage;
    this.requestId = fields.requestId;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }

  /** The server surely did not act: a request rejected before processing (rate limit, bad input, auth). */
  get rejected(): boolean {
    return this.kind === 'http' && this.status !== undefined && this.status < 500;
  }

  /** The request may or may not have taken effect: a 5xx, a timeout or a dropped connection. */
  get ambiguous(): boolean {
    return this.kind === 'timeout' || this.kind === 'network' || (this.status ?? 0) >= 500;
  }
}

function describeFailure(fields: DoApiFailure): string {
  const where = `${fields.method} ${fields.path}`;
  const request = fields.requestId ? ` (request id ${fields.requestId})` : '';
  switch (fields.kind) {
    case 'aborted':
      return `${where} aborted`;
    case 'timeout':
      return `${where} got no answer in time${fields.detail ? ` (${fields.detail})` : ''}`;
    case 'network':
      return `${where} failed to reach the API${fields.detail ? `: ${fields.detail}` : ''}`;
    case 'http': {
      const api = [fields.apiId, fields.apiMessage ? `"${fields.apiMessage}"` : undefined]
        .filter(Boolean)
        .join(' ');
      return `${where} → ${fields.status}${api ? ` ${api}` : ''}${request}`;
    }
  }
}

interface AxiosLikeError {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  config?: { method?: string; url?: string; baseURL?: string; params?: Record<string, unknown> };
  response?: { status: number; data?: unknown; headers?: Record<string, unknown> };
}

function pathOf(config: AxiosLikeError['config']): string {
  if (!config) return '(unknown request)';
  const base = config.baseURL ? new URL(config.baseURL).pathname.replace(/\/+$/, '') : '';
  const query = Object.entries(config.params ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return `${base}${config.url ?? ''}${query ? `?${query}` : ''}`;
}

function headerString(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Replaces the token wherever it might appear in text (it should not; this is the second lock). */
export function scrubToken(text: string, token: string): string {
  return token.length >= 3 ? text.split(token).join(TOKEN_MASK) : text;
}

/** Translates whatever a dots-wrapper call threw into a DoApiError (or rethrows a non-HTTP bug as is). */
export function toApiError(error: unknown, signal?: AbortSignal): DoApiError {
  if (error instanceof DoApiError) return error;
  const axiosError = error as AxiosLikeError;
  if (!axiosError?.isAxiosError) throw error;
  const method = (axiosError.config?.method ?? 'GET').toUpperCase();
  const path = pathOf(axiosError.config);
  if (signal?.aborted || axiosError.code === 'ERR_CANCELED')
    return new DoApiError({ kind: 'aborted', method, path });
  const response = axiosError.response;
  if (!response) {
    const timedOut = axiosError.code === 'ECONNABORTED' || axiosError.code === 'ETIMEDOUT';
    return new DoApiError({
      kind: timedOut ? 'timeout' : 'network',
      method,
      path,
      detail: axiosError.code ?? axiosError.message,
    });
  }
  return httpApiError(method, path, response.status, response.data, response.headers);
}

/**
 * The DoApiError of an HTTP error answer, from its JSON body ({ id, message, request_id }) and its headers
 * (x-request-id, retry-after): one reading for dots-wrapper's answers and the lab-only endpoints'.
 */
export function httpApiError(
  method: string,
  path: string,
  status: number,
  data: unknown,
  headers: Record<string, unknown> | undefined,
): DoApiError {
  const body = (data ?? {}) as { id?: unknown; message?: unknown; request_id?: unknown };
  const retryAfter = Number(headerString(headers, 'retry-after'));
  return new DoApiError({
    kind: 'http',
    method,
    path,
    status,
    apiId: typeof body.id === 'string' ? body.id : undefined,
    apiMessage: typeof body.message === 'string' ? body.message : undefined,
    requestId:
      (typeof body.request_id === 'string' ? body.request_id : undefined) ??
      headerString(headers, 'x-request-id'),
    retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
  });
}

/** What to tell the operator after the final failure, with the next thing to try. */
export function explainFailure(error: DoApiError, target: { name: string; tokenSource?: string }): string {
  const tokenSource = target.tokenSource;
  if (error.status === 401 && target.name === 'lab') {
    return `the lab emulator rejected its own token: ${error.message}. The lab was probably restarted under this run; run \`drillbook lab status\`, then run the step again.`;
  }
  if (error.status === 401) {
    const from = tokenSource ? ` (token from ${tokenSource})` : '';
    return `DigitalOcean rejected the API token${from}: ${error.message}. Check the token in ${describeTokenSources()}; it may be expired or revoked.`;
  }
  if (error.status === 403)
    return `${error.message}. The token lacks the scope for this request: use a token with write access.`;
  if (error.status === 429)
    return `${error.message}. Still rate limited after retrying; wait for the quota to reset and run the step again.`;
  const unavailable = error.kind === 'timeout' || error.kind === 'network' || (error.status ?? 0) >= 500;
  if (unavailable && target.name === 'lab') {
    return `${error.message}. Gave up after retries; the lab emulator may have stopped: run \`drillbook lab status\` (\`drillbook lab up\` starts it again), then run the step again.`;
  }
  if (unavailable) {
    return `${error.message}. Gave up after retries; the API may be degraded (https://status.digitalocean.com). Re-running the step is safe: it adopts what was created.`;
  }
  return error.message;
}
