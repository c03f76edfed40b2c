// The probe against a real cluster: a SIGKILLed master, and read-back accounting of every write.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAction } from '../../src/actions/probe/index.js';
import { createTestContext } from '../../src/actions/test-context.js';
import type { WriteRecord } from '../../src/drill/probe-stats.js';
import { readBack } from '../../src/drill/readback.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { probeBlock, waitFor } from './probe-helpers.js';

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.50.1' });
});

afterAll(async () => {
  await cluster?.stop();
});

describe('probe', () => {
  it('measures a SIGKILL failover and accounts for every acknowledged write', async () => {
    const t = createTestContext({
      vars: { redis_password: cluster.password, sentinels: cluster.sentinelAddresses },
      secretVars: ['redis_password'],
    });
    try {
      const before = await cluster.currentMaster();
      const started = await probeAction.run(probeBlock('start'), t.ctx);
      expect(started.ok, started.error).toBe(true);
      expect(started.data).toMatchObject({ running: true, master_before: before });

      await new Promise((resolve) => setTimeout(resolve, 500));
      const masterName = cluster.nodes.find((n) => n.address === before)?.name ?? 'redis-1';
      await cluster.kill(masterName);
      const after = await waitFor('a new master', async () => {
        const current = await cluster.currentMaster().catch(() => before);
        return current !== before ? current : undefined;
      });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await cluster.restart(masterName);

      const stopped = await probeAction.run(probeBlock('stop'), t.ctx);
      expect(stopped.ok, stopped.error).toBe(true);
      const data = stopped.data as Record<string, number | string | boolean | null>;
      expect(data.master_before).toBe(before);
      expect(data.master_after).toBe(after);
      expect(data.failed_over).toBe(true);
      expect(Number(data.failed) + Number(data.indeterminate)).toBeGreaterThan(0);
      expect(Number(data.acknowledged) + Number(data.failed) + Number(data.indeterminate)).toBe(
        data.attempted,
      );
      expect(Number(data.unavailable_ms)).toBeGreaterThan(0);
      // The bucketed series the charts are drawn from accounts for every write.
      const series = stopped.data as {
        series: Record<'acknowledged' | 'failed' | 'indeterminate', number[]>;
      };
      const sum = (row: number[]) => row.reduce((total, n) => total + n, 0);
      expect(sum(series.series.acknowledged)).toBe(data.acknowledged);
      expect(sum(series.series.failed) + sum(series.series.indeterminate)).toBe(
        Number(data.failed) + Number(data.indeterminate),
      );
      expect(t.timeline.map((e) => e.name)).toEqual(
        expect.arrayContaining(['probe-write-failed', 'probe-recovered']),
      );
      expect(t.published.at(-1)).toMatchObject({ path: 'probe.app' });

      // Independent recount: every acknowledged key the probe wrote, looked up on the new master directly.
      const [host, port] = String(after).split(':');
      const client = new Redis({ host, port: Number(port), password: cluster.password, lazyConnect: true });
      client.on('error', () => {});
      await client.connect();
      const keys = await client.keys(`drill:test-run:app:*`);
      client.disconnect();
      expect(keys.length).toBe(
        Number(data.acknowledged) - Number(data.lost_acknowledged) + Number(data.unacknowledged_present),
      );
    } finally {
      await t.close();
    }
  }, 90_000);

  it('stop without start names the block to add', async () => {
    const t = createTestContext({
      vars: { redis_password: cluster.password, sentinels: cluster.sentinelAddresses },
    });
    const outcome = await probeAction.run(probeBlock('stop', { name: 'ghost' }), t.ctx);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/no probe named ghost is running/);
    await t.close();
  });

  /** Starts a probe, holds writes on the master for pauseMs, and stops the probe while they fail. */
  async function stopDuringPause(pauseMs: number, settle: string) {
    await cluster.waitHealthy();
    const t = createTestContext({
      vars: { redis_password: cluster.password, sentinels: cluster.sentinelAddresses },
      secretVars: ['redis_password'],
    });
    const [host, port] = (await cluster.currentMaster()).split(':');
    const admin = new Redis({ host, port: Number(port), password: cluster.password, lazyConnect: true });
    admin.on('error', () => {});
    try {
      const attrs = { 'write-timeout': '200ms', settle };
      const started = await probeAction.run(probeBlock('start', attrs), t.ctx);
      expect(started.ok, started.error).toBe(true);
      await admin.connect();
      await admin.call('CLIENT', 'PAUSE', String(pauseMs), 'WRITE');
      // Long enough for writes to time out: the probe is failing when it is told to stop.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const stopped = await probeAction.run(probeBlock('stop', attrs), t.ctx);
      return { stopped, progress: t.progress.map((p) => p.message) };
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect();
      await t.close();
    }
  }

  it('stopped while writes fail, writes on until one is acknowledged: the outage it reports ended', async () => {
    const { stopped, progress } = await stopDuringPause(2000, '60s');
    expect(stopped.ok, stopped.error).toBe(true);
    expect(stopped.data).toMatchObject({ writes_recovered: true, failed_over: false });
    expect(Number((stopped.data as { indeterminate: number }).indeterminate)).toBeGreaterThan(0);
    expect(progress).toContainEqual(
      expect.stringMatching(
        /probe app: writes are failing; writing on until one is acknowledged again \(up to 1m/,
      ),
    );
    expect(stopped.summary).toMatch(/unavailable \d+(\.\d)? ms/);
  }, 60_000);

  it('gives up writing on when settle= runs out, and says the writes had not recovered', async () => {
    const { stopped } = await stopDuringPause(4000, '1s');
    expect(stopped.data).toMatchObject({ writes_recovered: false });
    expect(stopped.summary).toMatch(/not recovered when the probe stopped/);
  }, 60_000);
});

describe('readBack', () => {
  it('counts acknowledged-but-lost and unacknowledged-but-present keys', async () => {
    const master = await cluster.currentMaster();
    const [host, port] = master.split(':');
    const client = new Redis({ host, port: Number(port), password: cluster.password, lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
    await client.mset('rb:1', 'x', 'rb:2', 'x', 'rb:4', 'x');
    client.disconnect();
    const record = (seq: number, outcome: WriteRecord['outcome']): WriteRecord => ({
      seq,
      key: `rb:${seq}`,
      sentAt: seq,
      doneAt: seq + 1,
      outcome,
    });
    const back = await readBack(
      { host: host ?? '', port: Number(port) },
      [
        record(1, 'acknowledged'),
        record(2, 'acknowledged'),
        record(3, 'acknowledged'),
        record(4, 'indeterminate'),
        record(5, 'failed'),
      ],
      {
        redis: {
          password: cluster.password,
          connectTimeoutMs: 1000,
          commandTimeoutMs: 2000,
          reach: 'loopback-only',
        },
        signal: new AbortController().signal,
      },
    );
    expect(back.lostAcknowledged).toEqual({ count: 1, firstKeys: ['rb:3'] });
    expect(back.unacknowledgedPresent).toEqual({ count: 1, firstKeys: ['rb:4'] });
  });
});
