// Sends one HTTP request and turns what came back (or why nothing did) into data and plain-language errors.
import { type HostReach, OffHostConnectionRefused } from '../../targets/host-guard.js';
import { guardedFetch } from './guarded-fetch.js';

/** Bounds a request when the block sets no timeout=, so a silent server cannot hold a step forever. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** data.text keeps this much of the body; JSON is parsed from the whole body. */
export const TEXT_LIMIT = 4096;
/** How much of an unexpected body an error message quotes. */
const EXCERPT_LIMIT = 300;

export interface HttpData {
  method: string;
  /** The URL requested, with secrets masked. */
  url: string;
  status: number;
  statusText: string;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /** The parsed body when the server said it is JSON (or it parses as JSON). */
  json?: unknown;
  /** The body as text, cut at TEXT_LIMIT characters. */
  text: string;
  truncated: boolean;
  durationMs: number;
}

export type RequestResult =
  | { ok: true; data: HttpData }
  | { ok: false; summary: string; error: string; data?: HttpData; unreachable?: boolean };

export interface RequestInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  now: () => number;
  /** Masks secrets in anything that ends up in data or messages. */
  redact: (text: string) => string;
  /** Loopback only on the lab target: checked for the URL and every redirect before connecting. */
  reach: HostReach;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_LIMIT ? `${flat.slice(0, EXCERPT_LIMIT)}…` : flat;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkError(error: unknown, target: string): { summary: string; error: string } {
  const code = networkCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return {
        summary: 'connection refused',
        error: `${target}: connection refused — nothing listens at ${hostOf(target)}; start the service (in the lab: drillbook lab up --monitoring) or fix url=`,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        summary: 'unknown host',
        error: `${target}: the host name does not resolve (${code}); fix url=`,
      };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return {
        summary: 'connection reset',
        error: `${target}: the server closed the connection before answering (${code}); check its logs`,
      };
    default: {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      const message = cause ?? (error as Error).message ?? String(error);
      return { summary: 'request failed', error: `${target}: ${message}${code ? ` (${code})` : ''}` };
    }
  }
}

function hostOf(target: string): string {
  try {
    return new URL(target.slice(target.indexOf(' ') + 1)).host;
  } catch {
    return 'that address';
  }
}

function parseJsonBody(text: string, contentType: string): { json?: unknown; invalid?: string } {
  const declared = /[/+]json\b/i.test(contentType);
  const looksLikeJson = /^\s*[[{]/.test(text);
  if (!declared && !looksLikeJson) return {};
  try {
    return { json: JSON.parse(text) };
  } catch (error) {
    return declared ? { invalid: (error as Error).message } : {};
  }
}

export async function sendRequest(input: RequestInput): Promise<RequestResult> {
  const url = input.redact(input.url);
  const target = `${input.method} ${url}`;
  const started = input.now();
  let response: Response;
  try {
    response = await guardedFetch(
      input.url,
      {
        method: input.method,
        headers: input.headers,
        ...(input.body === undefined ? {} : { body: input.body }),
        signal: input.signal,
      },
      input.reach,
    );
  } catch (error) {
    if (error instanceof OffHostConnectionRefused) {
      return {
        ok: false,
        summary: 'not sent: the lab connects to loopback only',
        error: input.redact(error.message),
      };
    }
    if (input.signal.aborted) throw error;
    const described = describeNetworkError(error, target);
    const code = networkCode(error);
    const unreachable = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
    return { ok: false, summary: described.summary, error: input.redact(described.error), unreachable };
  }
  let body: string;
  try {
    body = await response.text();
  } catch (error) {
    if (input.signal.aborted) throw error;
    const described = describeNetworkError(error, target);
    return { ok: false, summary: 'body cut off', error: input.redact(described.error) };
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = input.redact(value);
  });
  const parsed = parseJsonBody(body, headers['content-type'] ?? '');
  const shown = input.redact(body);
  const data: HttpData = {
    method: input.method,
    url,
    status: response.status,
    statusText: response.statusText,
    headers,
    ...(parsed.json === undefined ? {} : { json: parsed.json }),
    text: shown.slice(0, TEXT_LIMIT),
    truncated: shown.length > TEXT_LIMIT,
    durationMs: Math.round(input.now() - started),
  };
  if (parsed.invalid) {
    return {
      ok: false,
      summary: `${response.status}, invalid JSON`,
      error: `${target} answered ${response.status} with content-type ${headers['content-type']} but the body is not valid JSON (${parsed.invalid}): ${excerpt(shown)}`,
      data,
    };
  }
  return { ok: true, data };
}

/** The error for a status the block did not expect, quoting the start of the body. */
export function unexpectedStatus(data: HttpData, expected: string): string {
  const body = data.text ? `: ${excerpt(data.text)}` : ' (empty body)';
  return `${data.method} ${data.url} answered ${data.status} ${data.statusText}, expected ${expected}${body}`;
}
