// What the API does on a bad day, and what the operator is told: 401/422 with the API's own message,
// 429 honouring retry-after, 5xx retried, a create whose answer never came adopted instead of repeated.
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetInfo } from '../../src/contract/action.js';
import { type DoRun, everything, newToken, runDo, withEmulator } from './helpers.js';

const api = withEmulator({}, { each: true });
const runs: DoRun[] = [];

async function run(body: string, on: TargetInfo = api.target): Promise<DoRun> {
  const result = await runDo(body, on);
  runs.push(result);
  return result;
}

afterEach(async () => {
  for (const done of runs.splice(0)) expect(everything(done)).not.toContain(api.token);
});

const oneDroplet = `op: droplets.ensure
names: [redis-1]
region: nyc1
size: s-1vcpu-1gb
image: ubuntu-24-04-x64
tags: [drill, redis]`;

describe('API failures', () => {
  it('401: names the token sources and the API message, never the token', async () => {
    const wrong = newToken();
    const result = await run('op: account.get', { ...api.target, token: wrong });
    expect(result.outcome.ok).toBe(false);
    expect(result.outcome.error).toContain(
      'DigitalOcean rejected the API token (token from DIGITALOCEAN_ACCESS_TOKEN)',
    );
    expect(result.outcome.error).toContain('401 unauthorized "Unable to authenticate you"');
    expect(result.outcome.error).toMatch(/DIGITALOCEAN_TOKEN, or doctl's config file .*config\.yaml/);
    expect(result.outcome.error).toMatch(/request id [0-9a-f-]{36}/);
    expect(everything(result)).not.toContain(wrong);
    expect(api.emulator.requests).toHaveLength(1);
  });

  it('401 on the lab target says the lab rejected its own token, not to set DIGITALOCEAN_ACCESS_TOKEN', async () => {
    const result = await run('op: account.get', {
      ...api.target,
      name: 'lab',
      tokenSource: undefined,
      token: newToken(),
    });
    expect(result.outcome.error).toContain('the lab emulator rejected its own token');
    expect(result.outcome.error).not.toContain('DIGITALOCEAN_ACCESS_TOKEN');
  });

  it('422: shows the API message naming the field, with the request id, and does not retry', async () => {
    const result = await run(oneDroplet.replace('s-1vcpu-1gb', 's-nope'));
    expect(result.outcome.ok).toBe(false);
    expect(result.outcome.error).toMatch(
      /POST \/v2\/droplets → 422 unprocessable_entity "size "s-nope" is not a size .*" \(request id [0-9a-f-]{36}\)/,
    );
    expect(result.outcome.error).toContain('test.md:1');
    expect(api.emulator.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('429: waits the retry-after seconds, then succeeds', async () => {
    api.emulator.faults.add({
      method: 'GET',
      path: '/v2/account',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    const result = await run('op: account.get');
    expect(result.outcome.ok, result.outcome.error).toBe(true);
    const [limited, retried] = api.emulator.requests;
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(result.t.output.some((o) => /→ 429 .*retrying in 1\.0 s \(retry 1 of 5\)/.test(o.line))).toBe(
      true,
    );
  });

  it('429 whose reset is an hour away: fails at once naming the reset time instead of waiting', async () => {
    api.emulator.faults.add({
      method: 'GET',
      path: '/v2/account',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 3600,
      times: 1,
    });
    const started = Date.now();
    const result = await run('op: account.get');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.outcome.ok).toBe(false);
    expect(result.outcome.error).toMatch(
      /GET \/v2\/account → 429 .*: the API rate limit resets at \d{4}-\d\d-\d\dT[\d:.]+Z \(in 60 min\), longer than drillbook waits \(60 s\)\. Nothing more was sent; run the step again after that time/,
    );
    expect(api.emulator.requests.map((r) => r.status)).toEqual([429]);
  });

  it('5xx on a read: retried with backoff, then succeeds', async () => {
    api.emulator.faults.add({ method: 'GET', path: '/v2/account', kind: 'status', status: 503, times: 2 });
    const result = await run('op: account.get');
    expect(result.outcome.ok, result.outcome.error).toBe(true);
    expect(api.emulator.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('5xx every time: gives up after 5 retries with the API message and what to do', async () => {
    api.emulator.faults.add({ method: 'GET', path: '/v2/account', kind: 'status', status: 500 });
    const result = await run('op: account.get');
    expect(result.outcome.ok).toBe(false);
    expect(api.emulator.requests).toHaveLength(6);
    expect(result.outcome.error).toMatch(
      /GET \/v2\/account → 500 server_error "Server was unable to give you a response/,
    );
    expect(result.outcome.error).toContain('Gave up after retries');
  });

  it('5xx on a create: looks again before retrying and creates each droplet once', async () => {
    api.emulator.faults.add({ method: 'POST', path: '/v2/droplets', kind: 'status', status: 500, times: 1 });
    const result = await run(oneDroplet);
    expect(result.outcome.ok, result.outcome.error).toBe(true);
    expect(api.emulator.droplets().map((d) => d.name)).toEqual(['redis-1']);
    expect(result.outcome.data).toMatchObject({ created: ['redis-1'], adopted: [] });
  });

  it('created but the answer timed out: the retry adopts it, exactly one droplet exists', async () => {
    api.emulator.faults.add({ method: 'POST', path: '/v2/droplets', kind: 'timeout-after-create', times: 1 });
    const result = await run(oneDroplet, {
      ...api.target,
      api: { ...api.target.api, requestTimeoutMs: 300 },
    });
    expect(result.outcome.ok, result.outcome.error).toBe(true);
    expect(api.emulator.droplets().map((d) => d.name)).toEqual(['redis-1']);
    expect(api.emulator.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(result.outcome.data).toMatchObject({ created: ['redis-1'], adopted: [] });
    expect(
      result.t.output.some((o) =>
        /got no answer in time.*the droplets may exist anyway, so looking again/.test(o.line),
      ),
    ).toBe(true);
  });

  it('a VPC whose create answer timed out is found on the next look, not created twice', async () => {
    api.emulator.faults.add({ method: 'POST', path: '/v2/vpcs', kind: 'timeout-after-create', times: 1 });
    const result = await run(
      'op: vpc.ensure\nname: dr-vpc\nregion: nyc1\nip_range: 10.40.0.0/24\nif_default: accept',
      { ...api.target, api: { ...api.target.api, requestTimeoutMs: 300 } },
    );
    expect(result.outcome.ok, result.outcome.error).toBe(true);
    expect(api.emulator.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(result.outcome.data).toMatchObject({ name: 'dr-vpc', created: true });
    expect(result.t.output.map((o) => o.line)).toContainEqual(
      expect.stringMatching(
        /got no answer in time.*the VPC dr-vpc may exist anyway, so looking again in [\d.]+ s before retrying \(retry 1 of 5\)/,
      ),
    );
  });

  it('a re-run after a create that timed out (the step failed) adopts instead of creating', async () => {
    api.emulator.faults.add({ method: 'POST', path: '/v2/droplets', kind: 'timeout-after-create', times: 1 });
    const pending = run(oneDroplet, { ...api.target, api: { ...api.target.api, requestTimeoutMs: 300 } });
    // Once the create has reached the server, every look that would find the droplet fails: the step gives up.
    await expect.poll(() => api.emulator.requests.some((r) => r.method === 'POST')).toBe(true);
    api.emulator.faults.add({ method: 'GET', path: '/v2/droplets', kind: 'status', status: 500, times: 6 });
    const first = await pending;
    expect(first.outcome.ok).toBe(false);
    expect(first.outcome.error).toContain('Re-running the step is safe');
    const second = await run(oneDroplet);
    expect(second.outcome.ok, second.outcome.error).toBe(true);
    expect(second.outcome.data).toMatchObject({ created: [], adopted: ['redis-1'] });
    expect(api.emulator.droplets()).toHaveLength(1);
  });
});
