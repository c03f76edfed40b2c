// SENTINEL FAILOVER observed through the event stream, in order, merged across Sentinels; `wait` resolving
// on the event and, when the subscription cannot see it, by polling (127.40.3.x).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentinelAction } from '../../src/actions/sentinel/index.js';
import { parsedAction } from '../../src/actions/test-context.js';
import { type WaitData, waitAction } from '../../src/actions/wait/index.js';
import { runSentinelEvents } from '../../src/targets/redis/sentinel-events.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { clusterContext, runInContext } from './fixture.js';

const run = promisify(execFile);
let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.40.3' });
});
afterAll(async () => {
  await cluster?.stop();
});

/**
 * Changes a setting on the restarted sentinel-3 every 200 ms until the stream reports the +set it causes:
 * whenever its resubscription lands, the next one must come through (undefined if none did in time).
 */
async function setSeenFromSentinel3(stream: ReturnType<typeof runSentinelEvents>, timeoutMs: number) {
  const sentinel = await cluster.client('sentinel-3');
  const seen = stream.waitFor((e) => e.name === '+set' && e.seenBy.includes('sentinel-3'), { timeoutMs });
  let event: Awaited<typeof seen> | undefined;
  let gaveUp = false;
  seen.then(
    (e) => {
      event = e;
    },
    () => {
      gaveUp = true;
    },
  );
  while (!event && !gaveUp) {
    await sentinel.call('SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', '1000');
    await Promise.race([seen.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  return event;
}

const ORDER = [
  '+new-epoch',
  '+try-failover',
  '+elected-leader',
  '+selected-slave',
  '+promoted-slave',
  '+failover-end',
  '+switch-master',
];

describe('failover through the event stream', () => {
  it('sees SENTINEL FAILOVER phase by phase, merged across Sentinels, and wait resolves on +switch-master', async () => {
    const t = clusterContext(cluster);
    try {
      const before = await cluster.currentMaster();
      const failover = await runInContext(
        t,
        sentinelAction,
        { node: 'sentinel-1' },
        'SENTINEL FAILOVER mymaster',
      );
      expect(failover.ok).toBe(true);
      expect(t.timeline.find((e) => e.source === 'fault')).toEqual({
        source: 'fault',
        name: 'SENTINEL FAILOVER',
        detail: 'sentinel sentinel-1 (127.40.3.21:26379): SENTINEL FAILOVER mymaster',
      });

      const waited = await runInContext(t, waitAction, { event: '+switch-master' });
      expect(waited.ok).toBe(true);
      const data = waited.data as WaitData;
      expect(data).toMatchObject({ via: 'stream', from: before, to: cluster.node('redis-2').address });
      expect(data.seenBy.length).toBeGreaterThanOrEqual(1);

      // After the switch: the old master rejoins as a replica and all Sentinels name the new one.
      for (const until of ['replication', 'agreement']) {
        const { spec, action } = parsedAction(waitAction, { attrs: { until } });
        const held = await waitAction.run(spec, {
          ...t.ctx,
          action: { ...t.ctx.action, ...action, timeoutMs: 20_000 },
        });
        expect(held.ok, held.error).toBe(true);
        expect(held.summary).toMatch(/held after \d+\.\d s \(\d+ attempts?\)$/);
      }

      const stream = runSentinelEvents(t.ctx, [], {
        connectTimeoutMs: 1000,
        commandTimeoutMs: 1000,
        reach: 'loopback-only',
      });
      const names = stream.events.map((e) => e.name);
      const positions = ORDER.map((name) => names.indexOf(name));
      expect(
        positions.every((p) => p >= 0),
        names.join(' '),
      ).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      const times = ORDER.map((name) => stream.events.find((e) => e.name === name)?.t ?? -1);
      expect([...times].sort((a, b) => a - b)).toEqual(times);

      // Every Sentinel announces the switch; merged into one event that knows who saw it when.
      const switched = await stream.waitFor((e) => e.name === '+switch-master' && e.seenBy.length === 3, {
        timeoutMs: 10_000,
      });
      expect(new Set(switched.seenBy)).toEqual(new Set(['sentinel-1', 'sentinel-2', 'sentinel-3']));
      expect(stream.events.filter((e) => e.name === '+switch-master')).toHaveLength(1);
      expect(Object.keys(switched.seenAt)).toHaveLength(3);
    } finally {
      await t.close();
    }
    const settled = t.timeline.filter((e) => e.source === 'sentinel').map((e) => e.name);
    expect(settled).toEqual(expect.arrayContaining(ORDER));
    expect(t.timeline.find((e) => e.name === '+switch-master')?.seenBy).toHaveLength(3);
    await cluster.waitHealthy();
  });

  it('wait falls back to polling GET-MASTER-ADDR-BY-NAME when the subscription cannot see events', async () => {
    for (const sentinel of cluster.sentinels) {
      const client = await cluster.client(sentinel.name);
      await client.call(
        'ACL',
        'SETUSER',
        'poller',
        'on',
        '>poller-pass',
        '+@all',
        '-psubscribe',
        '-subscribe',
      );
    }
    const t = clusterContext(cluster, { vars: { poller_password: 'poller-pass' } });
    try {
      const before = await cluster.currentMaster();
      const survey = await runInContext(
        t,
        sentinelAction,
        { node: 'all', username: 'poller', password: 'poller_password' },
        'SENTINEL MASTERS',
      );
      expect(survey.ok).toBe(true);
      const sentinel = await cluster.client('sentinel-2');
      await cluster.waitHealthy();
      await sentinel.call('SENTINEL', 'FAILOVER', 'mymaster');
      const waited = await runInContext(t, waitAction, {
        event: '+switch-master',
        username: 'poller',
        password: 'poller_password',
      });
      expect(waited.ok, waited.error).toBe(true);
      expect(waited.data).toMatchObject({ via: 'poll', from: before });
      expect(t.timeline.filter((e) => e.name === 'subscription-refused')).toHaveLength(3);
      expect(t.timeline.find((e) => e.name === 'subscription-refused')?.detail).toMatch(
        /^sentinel-\d \(127\.40\.3\.2\d:26379\): NOPERM/,
      );
      expect((waited.data as WaitData).to).not.toBe(before);
    } finally {
      await t.close();
    }
  });

  it('the stream resubscribes when a Sentinel restarts', async () => {
    const t = clusterContext(cluster);
    try {
      const stream = runSentinelEvents(
        t.ctx,
        cluster.sentinels.map((s) => ({ name: s.name, host: s.host, port: s.port, address: s.address })),
        {
          connectTimeoutMs: 1000,
          commandTimeoutMs: 1000,
          reach: 'loopback-only',
        },
      );
      await stream.ready();
      expect(stream.connected.size).toBe(3);
      await cluster.restart('sentinel-3');
      const event = await setSeenFromSentinel3(stream, 10_000);
      expect(event?.master?.name).toBe('mymaster');
    } finally {
      await t.close();
    }
    const connections = t.timeline.filter(
      (e) => e.source === 'sentinel-stream' && e.detail.startsWith('sentinel-3'),
    );
    expect(connections.map((e) => e.name)).toEqual(['subscribed', 'subscription-lost', 'subscribed']);
  });

  it('the stream resubscribes to a Sentinel restarted behind a connection that never saw it go', async () => {
    // A power cut or a partition: the restarted Sentinel's FIN never reaches the subscriber, whose socket
    // stays open with nobody behind it. nftables drops every FIN sentinel-3 sends on exactly that
    // connection (the subscriber's local port) while it restarts; anything else, such as the reset its
    // machine answers to data for a socket that no longer exists, still arrives.
    const t = clusterContext(cluster);
    const table = `drillbook_events_restart_${process.pid}`;
    try {
      const stream = runSentinelEvents(
        t.ctx,
        cluster.sentinels.map((s) => ({ name: s.name, host: s.host, port: s.port, address: s.address })),
        { connectTimeoutMs: 1000, commandTimeoutMs: 1000, reach: 'loopback-only' },
      );
      await stream.ready();
      expect(stream.connected.size).toBe(3);
      const sentinel3 = cluster.node('sentinel-3');
      const before = await cluster.client('sentinel-3');
      const clients = String(await before.call('CLIENT', 'LIST'));
      const port = /addr=[\d.]+:(\d+) .*name=drillbook-events/.exec(clients)?.[1];
      expect(port, clients).toBeDefined();
      before.disconnect();
      await run('nft', ['add', 'table', 'ip', table]);
      await run('nft', [`add chain ip ${table} out { type filter hook output priority 0; policy accept; }`]);
      await run('nft', [
        `add rule ip ${table} out ip saddr ${sentinel3.host} tcp sport ${sentinel3.port} tcp dport ${port} tcp flags & fin == fin drop`,
      ]);
      await cluster.restart('sentinel-3');
      const event = await setSeenFromSentinel3(stream, 15_000);
      expect(event?.master?.name).toBe('mymaster');
    } finally {
      await run('nft', ['delete', 'table', 'ip', table]).catch(() => undefined);
      await t.close();
    }
    const connections = t.timeline.filter(
      (e) => e.source === 'sentinel-stream' && e.detail.startsWith('sentinel-3'),
    );
    expect(connections.map((e) => e.name)).toEqual(['subscribed', 'subscription-lost', 'subscribed']);
  });

  it('wait until= a verification reports the last expected vs actual when it never holds', async () => {
    await cluster.waitHealthy();
    const t = clusterContext(cluster);
    const sentinel = await cluster.client('sentinel-2');
    try {
      await sentinel.call('SENTINEL', 'SET', 'mymaster', 'quorum', '4');
      const { spec, action } = parsedAction(waitAction, { attrs: { until: 'health', interval: '200ms' } });
      const outcome = await waitAction.run(spec, {
        ...t.ctx,
        action: { ...t.ctx.action, ...action, timeoutMs: 1000 },
      });
      expect(outcome.ok).toBe(false);
      expect(outcome.summary).toMatch(/^health did not hold within 1 s \(\d+ attempts\)$/);
      expect(outcome.error).toContain(
        'sentinel-2 (127.40.3.22:26379) CKQUORUM mymaster: expected OK, got NOQUORUM',
      );
    } finally {
      await sentinel.call('SENTINEL', 'SET', 'mymaster', 'quorum', '2');
      await t.close();
    }
  });

  it('wait times out with a message naming what it subscribed to', async () => {
    const t = clusterContext(cluster);
    try {
      const { spec, action } = parsedAction(waitAction, { attrs: { event: '+odown' } });
      const outcome = await waitAction.run(spec, {
        ...t.ctx,
        action: { ...t.ctx.action, ...action, timeoutMs: 1500 },
      });
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(
        /no \+odown for mymaster from any Sentinel within 2 s \(subscribed to sentinel-\d, sentinel-\d, sentinel-\d of sentinel-1, sentinel-2, sentinel-3/,
      );
    } finally {
      await t.close();
    }
  });
});
