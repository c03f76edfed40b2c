// What an ```http block says: method, URL, headers, the JSON body (the block body as YAML or JSON), which
// statuses count as success, and an optional expectation on the response that within= can wait for.
import { parseDocument } from 'yaml';
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';
import { parseExpectation } from '../check/expect.js';
import type { CheckLine } from '../check/parse.js';

export type HttpMethod = 'GET' | 'POST';

/** One accepted status: an exact code (200) or a class (2 for 2xx). */
export type StatusPattern = { code: number } | { class: number };

export interface HttpHeader {
  name: string;
  /** May hold {{ path }} references. */
  value: string;
}

export interface HttpSpec {
  method: HttpMethod;
  /** May hold {{ path }} references. */
  url: string;
  headers: HttpHeader[];
  expectStatus: StatusPattern[];
  /** As written, for messages: "2xx", "200,201". */
  expectStatusText: string;
  /** A check line over the response ({ status, headers, json, text }); the action fails until it holds. */
  expect?: CheckLine;
  /** The parsed body (POST only); string values may hold {{ path }} references. */
  body?: unknown;
  /** 'skip': nothing listening (refused, unknown host) passes as skipped, for optional services such as monitoring. */
  ifUnreachable: 'fail' | 'skip';
}

export const httpAttributes = z.strictObject({
  method: z.enum(['GET', 'POST', 'get', 'post'], { error: 'method= is GET or POST' }).optional(),
  url: z.string().min(1, 'url= needs an http:// or https:// address'),
  headers: z.string().optional(),
  'expect-status': z.string().optional(),
  expect: z.string().min(1, 'expect= needs a comparison, e.g. json.0.status.state == active').optional(),
  'if-unreachable': z
    .enum(['fail', 'skip'], { error: 'if-unreachable= is fail (default) or skip' })
    .optional(),
});

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const STATUS_ITEM = /^([1-5])(?:xx|\d\d)$/i;

function parseHeaders(text: string, report: (problem: BlockProblem) => void): HttpHeader[] | undefined {
  const headers: HttpHeader[] = [];
  let ok = true;
  for (const item of text.split(';')) {
    const entry = item.trim();
    if (!entry) continue;
    const colon = entry.indexOf(':');
    const name = colon < 0 ? '' : entry.slice(0, colon).trim();
    if (colon < 0 || !HEADER_NAME.test(name)) {
      report({
        line: 0,
        message: `headers="${text}": "${entry}" is not "Name: value"`,
        hint: 'write headers="Accept: application/json; X-Scope: drill" (separate headers with ;)',
      });
      ok = false;
      continue;
    }
    headers.push({ name, value: entry.slice(colon + 1).trim() });
  }
  return ok ? headers : undefined;
}

function parseExpectStatus(
  text: string,
  report: (problem: BlockProblem) => void,
): StatusPattern[] | undefined {
  const patterns: StatusPattern[] = [];
  for (const item of text.split(',')) {
    const entry = item.trim();
    const match = STATUS_ITEM.exec(entry);
    if (!match) {
      report({
        line: 0,
        message: `expect-status="${text}": "${entry}" is not a status`,
        hint: 'write a code or a class, comma-separated: expect-status=200, expect-status="200,201", expect-status=2xx',
      });
      return undefined;
    }
    patterns.push(/xx$/i.test(entry) ? { class: Number(match[1]) } : { code: Number(entry) });
  }
  return patterns;
}

function parseBody(body: string, report: (problem: BlockProblem) => void): { value: unknown } | undefined {
  const document = parseDocument(body);
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const at = error.linePos?.[0];
      report({
        message: `http body is not valid YAML or JSON: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
        hint: 'write the JSON payload as JSON or as YAML (key: value lines)',
        ...(at ? { line: at.line, column: at.col } : { line: 1 }),
      });
    }
    return undefined;
  }
  return { value: document.toJS() };
}

export function parseHttp(
  input: { attrs: Record<string, string>; body: string },
  report: (problem: BlockProblem) => void,
): HttpSpec | undefined {
  const { attrs, body } = input;
  const method = (attrs.method?.toUpperCase() ?? 'GET') as HttpMethod;
  let ok = true;
  const url = attrs.url ?? '';
  if (!/^https?:\/\//i.test(url) && !url.startsWith('{{')) {
    report({
      line: 0,
      message: `url="${url}" is not an http:// or https:// address`,
      hint: 'write the whole address, e.g. url="http://127.0.0.1:9093/api/v2/alerts"',
    });
    ok = false;
  }
  const headers = attrs.headers === undefined ? [] : parseHeaders(attrs.headers, report);
  const expectStatusText = attrs['expect-status'] ?? '2xx';
  const expectStatus = parseExpectStatus(expectStatusText, report);
  const expect = attrs.expect === undefined ? undefined : parseExpectation(attrs.expect, report);
  if (attrs.expect !== undefined && !expect) ok = false;

  let parsedBody: { value: unknown } | undefined;
  if (body.trim()) {
    if (method === 'GET') {
      report({
        line: 1,
        message: 'a GET request has no body',
        hint: 'add method=POST to send the body as JSON, or remove the body',
      });
      ok = false;
    } else {
      parsedBody = parseBody(body, report);
      if (!parsedBody) ok = false;
    }
  }
  if (!ok || !headers || !expectStatus) return undefined;
  return {
    method,
    url,
    headers,
    expectStatus,
    expectStatusText,
    ifUnreachable: attrs['if-unreachable'] === 'skip' ? 'skip' : 'fail',
    ...(expect ? { expect } : {}),
    ...(parsedBody ? { body: parsedBody.value } : {}),
  };
}

export function statusAccepted(status: number, patterns: StatusPattern[]): boolean {
  return patterns.some((p) => ('code' in p ? p.code === status : Math.floor(status / 100) === p.class));
}
