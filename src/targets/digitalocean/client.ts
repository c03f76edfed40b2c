// dots-wrapper's own client, with its axios instance instrumented: every request carries the step's
// AbortSignal and waits for the shared rate limiter; every response feeds the limiter its headers.
import type { createApiClient as createDotsClient, modules } from 'dots-wrapper';
import { cjsExports } from '../cjs-exports.js';
import type { RateLimiter } from './rate-limit.js';

export type DotsClient = ReturnType<typeof createDotsClient>;
type HttpClient = ReturnType<typeof modules.common.createContext>['httpClient'];

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface ApiClientOptions {
  token: string;
  /** Base URL including /v2, e.g. https://api.digitalocean.com/v2 or the lab emulator's URL. */
  endpoint: string;
  requestTimeoutInMs?: number;
  /** Aborts every request in flight and every rate-limit wait. */
  signal?: AbortSignal;
  limiter?: RateLimiter;
  /** Told when a request waits for the rate-limit quota. */
  onRateLimitWait?: (message: string) => void;
}

function instrument(http: HttpClient, options: ApiClientOptions): void {
  http.interceptors.request.use(async (config) => {
    if (options.signal) config.signal = options.signal;
    await options.limiter?.beforeRequest(options.signal, options.onRateLimitWait);
    return config;
  });
  http.interceptors.response.use(
    (response) => {
      options.limiter?.observe(response.headers as Record<string, unknown>);
      return response;
    },
    (error: { response?: { headers?: Record<string, unknown> } }) => {
      if (error?.response?.headers) options.limiter?.observe(error.response.headers);
      return Promise.reject(error);
    },
  );
}

/**
 * The dots-wrapper client for one step: same code path for the real API and the lab emulator. dots-wrapper
 * (with axios) is loaded here on first use rather than at start-up, which it would slow by a third.
 */
export async function createApiClient(options: ApiClientOptions): Promise<DotsClient> {
  const { modules } = cjsExports(await import('dots-wrapper'), 'modules');
  const factory = modules.common.createApiClient({
    modules,
    createContext: (input) => {
      const context = modules.common.createContext(input);
      instrument(context.httpClient, options);
      return context;
    },
  });
  return factory({
    token: options.token,
    endpoint: options.endpoint,
    requestTimeoutInMs: options.requestTimeoutInMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
}
