// The lab action kind against the emulator over HTTP (droplets as data here; test/lab/failover.test.ts
// freezes real processes).

import { setTimeout as sleep } from 'node:timers/promises';
import { createApiClient } from 'dots-wrapper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TargetInfo } from '../../contract/action.js';
import { type Emulator, startEmulator } from '../../lab/emulator/index.js';
import { createTestContext, parseBlock, parsedAction } from '../test-context.js';
import { labAction } from './index.js';

const TOKEN = 'lab-action-test-token';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    token: TOKEN,
    bootDelayMs: 10,
    actionDelayMs: 10,
    defaultVpcRange: '127.35.0.0/24',
  });
  const client = createApiClient({ endpoint: emulator.url, token: TOKEN });
  await client.droplet.createDroplet({
    name: 'redis-1',
    region: 'nyc3',
    size: 's-1vcpu-1gb',
    image: 'ubuntu-24-04-x64',
  });
  while ((await client.droplet.listDroplets({})).data.droplets[0]?.status !== 'active') await sleep(10);
});

afterEach(() => {
  emulator.faults.clear();
});

afterAll(async () => {
  await emulator?.close();
});

// Short retry waits so the retry tests take milliseconds, as a real lab's emulator would answer.
const labTarget = () => ({
  name: 'lab' as const,
  apiUrl: emulator.url,
  token: TOKEN,
  api: { requestTimeoutMs: 2000, retryWaitMinMs: 20 },
});

function context(attrs: Record<string, string>, target: TargetInfo = labTarget()) {
  const { spec, action } = parsedAction(labAction, { attrs });
  return { spec, t: createTestContext({ action, target, secrets: [TOKEN] }) };
}

describe('lab action', () => {
  it('parses op and node, and reports a bad op or a body', () => {
    expect(parseBlock(labAction, { attrs: { op: 'freeze', node: 'redis-1' } }).problems).toEqual([]);
    expect(parseBlock(labAction, { attrs: { op: 'pause', node: 'redis-1' } }).problems[0]?.message).toContain(
      'op= is freeze, thaw, partition, heal, delay, loss',
    );
    expect(
      parseBlock(labAction, { attrs: { op: 'thaw', node: 'redis-1' }, body: 'x\n' }).problems[0]?.message,
    ).toBe('a lab block takes no body');
  });

  it('checks what each op needs, and reads durations and percentages', () => {
    const problem = (attrs: Record<string, string>) => parseBlock(labAction, { attrs }).problems[0]?.message;
    expect(problem({ op: 'partition', from: 'redis-1' })).toBe('op=partition needs to=');
    expect(problem({ op: 'partition', from: 'a', to: 'b', node: 'c' })).toBe(
      'op=partition does not take node=',
    );
    expect(problem({ op: 'delay', node: 'redis-1', delay: 'soon' })).toMatch(
      /delay="soon" is not a duration/,
    );
    expect(problem({ op: 'loss', node: 'redis-1', loss: '150%' })).toMatch(
      /not a percentage from 0% to 100%/,
    );
    expect(problem({ op: 'freeze' })).toBe('op=freeze needs node=');
    expect(parsedAction(labAction, { attrs: { op: 'partition', from: 'a', to: 'operator' } }).spec).toEqual({
      op: 'partition',
      name: 'partition',
      from: 'a',
      to: 'operator',
      direction: 'both',
    });
    expect(parsedAction(labAction, { attrs: { op: 'heal' } }).spec).toEqual({ op: 'heal' });
    expect(parsedAction(labAction, { attrs: { op: 'delay', node: 'a', delay: '1m30s' } }).spec).toMatchObject(
      {
        delayMs: 90_000,
      },
    );
    expect(parsedAction(labAction, { attrs: { op: 'loss', node: 'a', loss: '12.5%' } }).spec).toMatchObject({
      lossPercent: 12.5,
    });
  });

  it('a partition in the loopback lab fails saying it needs --lab-mode container', async () => {
    const blocks: Record<string, string>[] = [
      { op: 'partition', from: 'redis-1', to: 'operator' },
      { op: 'heal' },
      { op: 'delay', node: 'redis-1', delay: '100ms' },
    ];
    for (const attrs of blocks) {
      const { spec, t } = context(attrs);
      const outcome = await labAction.run(spec, t.ctx);
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(/needs the container lab .*--lab-mode container/);
      expect(t.timeline).toEqual([]);
    }
  });

  it('freezes a droplet, puts the fault on the timeline, then thaws it', async () => {
    const freeze = context({ op: 'freeze', node: 'redis-1' });
    const frozen = await labAction.run(freeze.spec, freeze.t.ctx);
    expect(frozen).toMatchObject({
      ok: true,
      data: { op: 'freeze', frozen: true, droplet: { name: 'redis-1', private_ip: '127.35.0.10' } },
    });
    expect(freeze.t.timeline).toEqual([{ source: 'fault', name: 'freeze', detail: 'redis-1 127.35.0.10' }]);
    const listed = (await createApiClient({ endpoint: emulator.url, token: TOKEN }).droplet.listDroplets({}))
      .data;
    expect((listed.droplets[0] as unknown as { lab_frozen?: boolean }).lab_frozen).toBe(true);
    const thaw = context({ op: 'thaw', node: 'redis-1' });
    expect(await labAction.run(thaw.spec, thaw.t.ctx)).toMatchObject({
      ok: true,
      summary: 'redis-1 127.35.0.10 thawed (SIGCONT)',
    });
    expect(thaw.t.timeline[0]).toMatchObject({ source: 'lab', name: 'thaw' });
  });

  it('retries a droplet listing and a lab request the emulator answers 503, saying so', async () => {
    emulator.faults.add({ method: 'GET', path: '/v2/droplets', kind: 'status', status: 503, times: 1 });
    emulator.faults.add({ method: 'POST', path: '/v2/_lab/droplets', kind: 'status', status: 503, times: 2 });
    const freeze = context({ op: 'freeze', node: 'redis-1' });
    expect(await labAction.run(freeze.spec, freeze.t.ctx)).toMatchObject({ ok: true });
    const retries = freeze.t.output.filter((line) => line.line.includes('retrying in'));
    expect(retries.map((line) => line.line)).toEqual([
      expect.stringMatching(/^GET \/v2\/droplets\?page=1&per_page=200 → 503 .*retry 1 of 5\)$/),
      expect.stringMatching(/^POST \/v2\/_lab\/droplets\/\d+\/freeze → 503 .*retry 1 of 5\)$/),
      expect.stringMatching(/^POST \/v2\/_lab\/droplets\/\d+\/freeze → 503 .*retry 2 of 5\)$/),
    ]);
    const thaw = context({ op: 'thaw', node: 'redis-1' });
    expect(await labAction.run(thaw.spec, thaw.t.ctx)).toMatchObject({ ok: true });
  });

  it('gives up on a lab request that keeps failing, naming the droplet and what to do', async () => {
    emulator.faults.add({ method: 'POST', path: '/v2/_lab/droplets', kind: 'status', status: 500 });
    const { spec, t } = context({ op: 'freeze', node: 'redis-1' });
    const outcome = await labAction.run(spec, t.ctx);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(
      /^test\.md:1: redis-1 127\.35\.0\.10: POST \/v2\/_lab\/droplets\/\d+\/freeze → 500 .*Gave up after retries; the lab emulator may have stopped: run `drillbook lab status`/,
    );
    expect(t.output.filter((line) => line.line.includes('retrying in'))).toHaveLength(5);
    expect(t.timeline).toEqual([]);
  });

  it('stops waiting for a slow lab request when the run is aborted', async () => {
    // Far longer than the test's timeout: only the abort can end this request in time.
    emulator.faults.add({ method: 'DELETE', path: '/v2/_lab/partitions', kind: 'latency', ms: 60_000 });
    const { spec, t } = context({ op: 'heal' });
    const running = labAction.run(spec, t.ctx);
    await sleep(50);
    t.abort();
    const outcome = await running;
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.error).toBe('test.md:1: DELETE /v2/_lab/partitions aborted');
    expect(t.timeline).toEqual([]);
  });

  it('names the droplets the lab has when the node is unknown', async () => {
    const { spec, t } = context({ op: 'freeze', node: 'redis-9' });
    const outcome = await labAction.run(spec, t.ctx);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('the lab has no droplet named redis-9 (it has redis-1)');
  });

  it('refuses to run against DigitalOcean, saying what to do instead', async () => {
    const { spec, t } = context(
      { op: 'freeze', node: 'redis-1' },
      { name: 'digitalocean' as never, apiUrl: 'http://127.0.0.1:9/v2', token: 'x' },
    );
    const outcome = await labAction.run(spec, t.ctx);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('works only against the lab (--target lab)');
    const partition = context(
      { op: 'partition', from: 'redis-1', to: 'redis-2' },
      { name: 'digitalocean' as never, apiUrl: 'http://127.0.0.1:9/v2', token: 'x' },
    );
    expect((await labAction.run(partition.spec, partition.t.ctx)).error).toMatch(
      /cannot partition a VPC; cut the traffic with a Cloud Firewall change/,
    );
  });
});
