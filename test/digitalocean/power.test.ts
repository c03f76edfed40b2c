// Power actions: sent in parallel, the fault put on the timeline when the API accepts it, a locked droplet
// waited out, completion watched by one shared poll over the action list.
import { beforeAll, describe, expect, it } from 'vitest';
import { everything, runDo, withEmulator } from './helpers.js';

const api = withEmulator({ actionDelayMs: 150 });

beforeAll(async () => {
  const created = await runDo(
    'op: droplets.ensure\nnames: [redis-1, redis-2, redis-3]\nregion: nyc1\nsize: s-1vcpu-1gb\nimage: ubuntu-24-04-x64\ntags: [power, redis]',
    api.target,
  );
  expect(created.outcome.ok, created.outcome.error).toBe(true);
});

function dropletStatus(name: string): Promise<string | undefined> {
  return runDo('op: droplets.list\ntag: power', api.target).then(
    (run) => (run.outcome.data as { droplets: Record<string, { status: string }> }).droplets[name]?.status,
  );
}

describe('droplets.action', () => {
  it('power_off by name: a fault on the timeline at acceptance, waits until complete', async () => {
    const run = await runDo('op: droplets.action\ntype: power_off\nnames: [redis-1]', api.target);
    expect(run.outcome.ok, run.outcome.error).toBe(true);
    // Timed at acceptance (RTOs count from there), and again when the API reports the action completed.
    expect(run.t.timeline).toEqual([
      { source: 'fault', name: 'power_off', detail: 'redis-1 127.10.0.10' },
      expect.objectContaining({
        source: 'fault-completed',
        name: 'power_off',
        detail: 'redis-1 127.10.0.10',
      }),
    ]);
    expect(run.outcome.data).toMatchObject({
      type: 'power_off',
      droplets: { 'redis-1': { private_ip: '127.10.0.10', action_status: 'completed' } },
    });
    expect(await dropletStatus('redis-1')).toBe('off');
    expect(everything(run)).not.toContain(api.token);
  });

  it('power_on is not a fault; by tag, every droplet in parallel, one poll request per round', async () => {
    const before = api.emulator.requests.length;
    const run = await runDo('op: droplets.action\ntype: reboot\ntag: power', api.target);
    expect(run.outcome.ok, run.outcome.error).toBe(true);
    expect(run.t.timeline).toEqual([]);
    expect(Object.keys((run.outcome.data as { droplets: object }).droplets)).toEqual([
      'redis-1',
      'redis-2',
      'redis-3',
    ]);
    const requests = api.emulator.requests.slice(before);
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(3);
    const polls = requests.filter((r) => r.method === 'GET' && r.path === '/v2/actions');
    const perActionGets = requests.filter((r) => /^\/v2\/actions\/\d+$/.test(r.path));
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(perActionGets).toEqual([]);
    expect(run.t.progress.at(-1)?.message).toMatch(/^3 of 3 reboot actions completed, \d+ s$/);
  });

  it('a droplet locked by a pending action (422) is waited out, then the action is sent again', async () => {
    const started = await runDo(
      'op: droplets.action\ntype: power_cycle\nnames: [redis-2]\nwait: false',
      api.target,
    );
    expect(started.outcome.ok, started.outcome.error).toBe(true);
    const before = api.emulator.requests.length;
    const run = await runDo('op: droplets.action\ntype: shutdown\nnames: [redis-2]', api.target);
    expect(run.outcome.ok, run.outcome.error).toBe(true);
    const posts = api.emulator.requests.slice(before).filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.slice(0, -1).map((r) => r.status)).toEqual(posts.slice(0, -1).map(() => 422));
    expect(posts.at(-1)?.status).toBe(201);
    expect(
      run.t.output.some(
        (o) =>
          o.line.includes('redis-2 is busy with another action') &&
          o.line.includes('Droplet already has a pending event.'),
      ),
    ).toBe(true);
    expect(run.t.timeline).toEqual([
      { source: 'fault', name: 'shutdown', detail: 'redis-2 127.10.0.11' },
      expect.objectContaining({ source: 'fault-completed', name: 'shutdown', detail: 'redis-2 127.10.0.11' }),
    ]);
    expect(await dropletStatus('redis-2')).toBe('off');
  });

  it('names a droplet that does not exist with the ones that do', async () => {
    const run = await runDo('op: droplets.action\ntype: power_on\nnames: [redis-9]', api.target);
    expect(run.outcome.ok).toBe(false);
    expect(run.outcome.error).toMatch(/no droplet named redis-9; known: .*redis-1/);
  });
});
