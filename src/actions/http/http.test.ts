import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  parseBlock,
  parsedAction,
  TEST_SECRET_MASK,
  type TestContextOptions,
} from '../test-context.js';
import { httpAction } from './index.js';

const HOST = '127.70.1.1';
let server: Server;
let base: string;
const received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> =
  [];
const openSockets = new Set<import('node:net').Socket>();

function reply(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

const ALERT = {
  labels: { alertname: 'RedisMasterChanged', severity: 'page', master_name: 'mymaster' },
  startsAt: new Date(Date.now() - 2000).toISOString(),
  endsAt: new Date(Date.now() + 60_000).toISOString(),
  fingerprint: 'abc123',
  status: { state: 'active', silencedBy: [], inhibitedBy: [] },
  annotations: {},
};
let alertPolls = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = req.url ?? '/';
      if (path.startsWith('/echo'))
        return reply(res, 201, JSON.stringify({ got: JSON.parse(body || 'null') }));
      if (path === '/broken-json') return reply(res, 200, '{"data": [1, 2');
      if (path === '/plain') return reply(res, 200, 'x'.repeat(10_000), 'text/plain');
      if (path === '/fail') return reply(res, 503, '{"error":"alertmanager is not ready yet"}');
      if (path === '/hang') return; // never answers
      if (path === '/alerts') {
        alertPolls++;
        return reply(res, 200, JSON.stringify(alertPolls >= 3 ? [ALERT] : []));
      }
      if (path === '/prometheus')
        return reply(
          res,
          200,
          JSON.stringify({ status: 'success', data: { result: [{ metric: {}, value: [0, '1'] }] } }),
        );
      reply(res, 404, 'not found', 'text/plain');
    });
  });
  server.on('connection', (socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of openSockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function setup(attrs: Record<string, string>, body = '', options: TestContextOptions = {}) {
  const { spec, action } = parsedAction(httpAction, { attrs, body });
  const t = createTestContext({
    ...options,
    runbook: { file: 'book.md' },
    action: { ...action, loc: { file: 'book.md', line: 7, column: 1 }, bodyLine: 8, ...options.action },
  });
  return { spec, t, run: () => httpAction.run(spec, t.ctx) };
}

describe('http parse', () => {
  it('defaults to a safe GET expecting 2xx; POST is mutating', () => {
    const get = parsedAction(httpAction, { attrs: { url: 'http://127.0.0.1/x' } });
    expect(get.spec).toMatchObject({ method: 'GET', expectStatus: [{ class: 2 }], headers: [] });
    expect(get.action.safety).toBe('safe');
    const post = parsedAction(httpAction, {
      attrs: { url: 'http://127.0.0.1/x', method: 'POST' },
      body: 'a: 1\n',
    });
    expect(post.spec.body).toEqual({ a: 1 });
    expect(post.action.safety).toBe('mutating');
  });

  it('reports a GET with a body, a bad url, bad headers, a bad status and a bad expectation', () => {
    const problems = (attrs: Record<string, string>, body = '') =>
      parseBlock(httpAction, { attrs, body }).problems.map((p) => p.message);
    expect(problems({ url: 'http://h/x' }, '{"a": 1}')).toEqual(['a GET request has no body']);
    expect(problems({ url: 'ftp://h/x' })[0]).toContain('is not an http:// or https:// address');
    expect(problems({ url: 'http://h/x', headers: 'Accept application/json' })[0]).toContain(
      'is not "Name: value"',
    );
    expect(problems({ url: 'http://h/x', 'expect-status': '2x' })[0]).toContain('"2x" is not a status');
    expect(problems({ url: 'http://h/x', expect: 'json.0 = 1' })[0]).toContain('unknown operator');
    expect(problems({ url: 'http://h/x', method: 'POST' }, 'a: [1\n')[0]).toContain('not valid YAML or JSON');
  });

  it('lists the results it reads: url, headers, body strings and expect operands, not the response path', () => {
    const { spec } = parsedAction(httpAction, {
      attrs: {
        url: 'http://{{ vars.host }}/x',
        method: 'POST',
        headers: 'X-Run: {{ run.id }}',
        expect: 'json.got.master == {{ master.address }}',
      },
      body: 'node: "{{ inventory.redis-1 }}"\n',
    });
    expect(httpAction.references?.(spec).sort()).toEqual(
      ['inventory.redis-1', 'master.address', 'run.id', 'vars.host'].sort(),
    );
  });
});

describe('http run', () => {
  it('POSTs the rendered body as JSON and keeps status, headers and parsed json', async () => {
    const { t, run } = setup(
      {
        url: `${base}/echo?run={{ run.id }}`,
        method: 'POST',
        headers: 'X-Token: {{ vars.token }}',
        'expect-status': '201',
      },
      'node: "{{ vars.node }}"\nport: "{{ vars.port_number }}"\nlist: [a, "{{ vars.node }}"]\n',
      { vars: { node: 'redis-1', token: 's3cret', port_number: '6379' }, secretVars: ['token'] },
    );
    const outcome = await run();
    expect(outcome.ok).toBe(true);
    const sent = received.at(-1);
    expect(sent?.url).toBe('/echo?run=test-run');
    expect(sent?.headers['x-token']).toBe('s3cret');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent?.body ?? '')).toEqual({ node: 'redis-1', port: '6379', list: ['a', 'redis-1'] });
    expect(outcome.data).toMatchObject({ status: 201, json: { got: { node: 'redis-1' } } });
    expect(outcome.summary).toMatch(/^201 Created in \d+ ms$/);
    expect(
      httpAction.preview(
        parsedAction(httpAction, { attrs: { url: 'http://x/{{ vars.token }}' } }).spec,
        t.ctx,
      )[0],
    ).toBe(`GET http://x/${TEST_SECRET_MASK}`);
  });

  it('fails on an unexpected status, quoting the body', async () => {
    const { run } = setup({ url: `${base}/fail` });
    const outcome = await run();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(
      `book.md:7: GET ${base}/fail answered 503 Service Unavailable, expected 2xx: {"error":"alertmanager is not ready yet"}`,
    );
    expect(outcome.data).toMatchObject({ status: 503, json: { error: 'alertmanager is not ready yet' } });
  });

  it('accepts the status named by expect-status', async () => {
    expect((await setup({ url: `${base}/fail`, 'expect-status': '200,5xx' }).run()).ok).toBe(true);
  });

  it('says when nothing listens, naming the address', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, HOST, resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const outcome = await setup({ url: `http://${HOST}:${port}/api/v2/alerts` }).run();
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toBe('connection refused');
    expect(outcome.error).toContain(`connection refused — nothing listens at ${HOST}:${port}`);
  });

  it('passes as skipped with if-unreachable=skip when nothing listens, and still fails on a bad status', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, HOST, resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { run, t } = setup({ url: `http://${HOST}:${port}/api/v2/alerts`, 'if-unreachable': 'skip' });
    const outcome = await run();
    expect(outcome).toMatchObject({
      ok: true,
      summary: `skipped: connection refused (${HOST}:${port})`,
      data: { skipped: true, reason: 'connection refused' },
    });
    expect(t.output[0]?.line).toContain('skipped (if-unreachable=skip)');
    expect((await setup({ url: `${base}/fail`, 'if-unreachable': 'skip' }).run()).ok).toBe(false);
  });

  it('reports JSON that does not parse when the server says it is JSON', async () => {
    const outcome = await setup({ url: `${base}/broken-json` }).run();
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toBe('200, invalid JSON');
    expect(outcome.error).toContain('is not valid JSON');
    expect(outcome.error).toContain('{"data": [1, 2');
  });

  it('keeps at most 4 KiB of a text body and marks it truncated', async () => {
    const outcome = await setup({ url: `${base}/plain` }).run();
    expect(outcome.data).toMatchObject({ truncated: true });
    expect((outcome.data as { text: string }).text).toHaveLength(4096);
    expect(outcome.data).not.toHaveProperty('json');
  });

  it('ends a request that never answers when timeout= aborts it', async () => {
    const { run } = setup({ url: `${base}/hang` }, '', { action: { timeoutMs: 200 } });
    await expect(run()).rejects.toThrow();
  });

  it('gives expect= a verdict over the response, so within= can wait for it', async () => {
    const { run, t } = setup(
      {
        url: `${base}/alerts`,
        expect: 'json.0.labels.alertname == {{ vars.alert }}',
      },
      '',
      { vars: { alert: 'RedisMasterChanged' } },
    );
    alertPolls = 0;
    const first = await run();
    expect(first.ok).toBe(false);
    expect(first.error).toContain('json.0.labels.alertname == {{ vars.alert }} does not hold');
    expect(first.checks?.[0]).toMatchObject({
      ok: false,
      actual: '<missing: segment "0" not found in json>',
    });
    await run();
    const third = await run();
    expect(third.ok).toBe(true);
    expect(third.summary).toContain('1 items; json.0.labels.alertname == {{ vars.alert }}');
    expect(third.checks?.[0]).toMatchObject({ ok: true, actual: 'RedisMasterChanged' });
    expect(t.timeline).toEqual([
      {
        source: 'alert',
        name: 'RedisMasterChanged',
        detail: `active since ${ALERT.startsAt} (master_name=mymaster, severity=page)`,
      },
    ]);
    await run();
    expect(t.timeline).toHaveLength(1);
  });

  it('leaves non-alert JSON off the timeline', async () => {
    const { run, t } = setup({ url: `${base}/prometheus`, expect: 'json.data.result.0.value.1 == 1' });
    expect((await run()).ok).toBe(true);
    expect(t.timeline).toEqual([]);
  });

  it('fails with the missing path when a template cannot be rendered', async () => {
    const outcome = await setup({ url: `${base}/{{ alerts.json.0 }}` }).run();
    expect(outcome).toMatchObject({ ok: false, summary: 'missing alerts.json.0' });
    expect(outcome.error).toContain('book.md:7: {{ alerts.json.0 }}: nothing is named "alerts"');
  });
});
