// The zero-loss planned switchover against real processes (127.54.1.x, 127.54.2.x): under the same probe
// load, plain SENTINEL FAILOVER loses acknowledged writes and `sentinel op=switchover` loses none; and its
// failure paths leave one master, unpaused, and say so.
import { describe, expect, it } from 'vitest';
import { probeAction } from '../../src/actions/probe/index.js';
import type { SwitchoverResult } from '../../src/actions/sentinel/coordinated-switchover.js';
import { sentinelAction } from '../../src/actions/sentinel/index.js';
import { waitAction } from '../../src/actions/wait/index.js';
import { clusterContext, runInContext } from '../redis/fixture.js';
import { clusterPerTest, probeBlock } from './probe-helpers.js';

const cluster = clusterPerTest();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ProbeFigures {
  lost_acknowledged: number;
  acknowledged: number;
  failed_over: boolean;
  split_brain_writes: number;
  master_after: string;
}

describe('sentinel op=switchover', () => {
  it('loses no acknowledged write where SENTINEL FAILOVER, under the same load, loses some', async () => {
    const c = await cluster('127.54.1');
    const t = clusterContext(c);
    try {
      // Plain SENTINEL FAILOVER: the old master acknowledges writes until Sentinel demotes it.
      expect((await runInContext(t, probeAction, { name: 'plain', rate: '200/s' }, 'start')).ok).toBe(true);
      await sleep(1000);
      const plainFault = await runInContext(
        t,
        sentinelAction,
        { node: 'sentinel-1' },
        'SENTINEL FAILOVER mymaster',
      );
      expect(plainFault.ok, plainFault.error).toBe(true);
      expect((await runInContext(t, waitAction, { event: '+switch-master' })).ok).toBe(true);
      await sleep(1000);
      const plain = await probeAction.run(probeBlock('stop', { name: 'plain' }), t.ctx);
      expect(plain.ok, plain.error).toBe(true);
      const plainData = plain.data as ProbeFigures;
      expect(plainData.failed_over).toBe(true);
      expect(plainData.lost_acknowledged).toBeGreaterThan(0);
      await c.waitHealthy();

      // The coordinated switchover, same rate, same cluster.
      const before = await c.currentMaster();
      expect((await runInContext(t, probeAction, { name: 'planned', rate: '200/s' }, 'start')).ok).toBe(true);
      await sleep(1000);
      const switched = await runInContext(t, sentinelAction, { node: 'sentinel-1', op: 'switchover' });
      expect(switched.ok, switched.error).toBe(true);
      const result = switched.data as SwitchoverResult;
      expect(result).toMatchObject({ outcome: 'switched', master_before: before, pause_expired: false });
      expect(result.master_after).not.toBe(before);
      expect(result.masters).toEqual([result.master_after]);
      expect(result.pause_ms).toBeGreaterThan(0);
      expect(result.pause_ms).toBeLessThan(10_000);
      expect(result.replicas.every((r) => r.caught_up)).toBe(true);
      expect(switched.summary).toMatch(/writes paused \d+ ms$/);
      const planned = await probeAction.run(probeBlock('stop', { name: 'planned' }), t.ctx);
      expect(planned.ok, planned.error).toBe(true);
      const plannedData = planned.data as ProbeFigures;
      expect(plannedData).toMatchObject({
        failed_over: true,
        lost_acknowledged: 0,
        split_brain_writes: 0,
        master_after: result.master_after,
      });
      expect(plannedData.acknowledged).toBeGreaterThan(0);

      // Every phase is on the timeline, in order, after the pause that the drill measures from.
      const phases = t.timeline
        .filter((e) => e.source === 'switchover' || (e.source === 'fault' && e.name === 'switchover'))
        .map((e) => e.name);
      expect(phases).toEqual([
        'sentinel-patience',
        'switchover',
        'replicas-caught-up',
        'failover-sent',
        'switch-master-all',
        'old-master-demoted',
        'write-unpause',
      ]);
      // Every Sentinel waited out the pause (its hello PUBLISH blocks under it, and the PINGs behind it), then
      // got its own down-after-milliseconds back.
      expect(result.sentinel_patience).toEqual(
        c.sentinels.map((s) => ({ sentinel: s.name, down_after_ms: 1000, during_pause_ms: 10_500 })),
      );
      for (const sentinel of c.sentinels) {
        const fields = (await (
          await c.client(sentinel.name)
        ).call('SENTINEL', 'MASTER', 'mymaster')) as string[];
        expect(fields[fields.indexOf('down-after-milliseconds') + 1], sentinel.name).toBe('1000');
      }
      // The old master is a replica now, and takes no writes.
      const old = await c.client(c.nodes.find((n) => n.address === before)?.name ?? 'redis-1');
      await expect(old.set('after-switchover', 'x')).rejects.toThrow(/READONLY/);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('a replica that never catches up stops the switchover before any failover, unpaused, one master', async () => {
    const c = await cluster('127.54.2');
    const t = clusterContext(c);
    const replica = c.node('redis-2');
    // A pause longer than down-after-milliseconds (1000 ms here): no Sentinel may call the paused master down.
    const masterDown: string[] = [];
    const watchers = await Promise.all(
      c.sentinels.map(async (sentinel) => {
        const watcher = await c.client(sentinel.name);
        const subscriber = watcher.duplicate();
        subscriber.on('message', (_channel: string, text: string) => {
          if (text.startsWith('master ')) masterDown.push(`${sentinel.name}: +sdown ${text}`);
        });
        await subscriber.subscribe('+sdown');
        return subscriber;
      }),
    );
    try {
      const before = await c.currentMaster();
      process.kill(replica.pid as number, 'SIGSTOP');
      const outcome = await runInContext(t, sentinelAction, {
        node: 'sentinel-1',
        op: 'switchover',
        'catch-up': '2500ms',
        'command-timeout': '1s',
        'redis-password': 'redis_password',
      });
      expect(outcome.ok).toBe(false);
      const result = outcome.data as SwitchoverResult;
      expect(result).toMatchObject({ outcome: 'catch-up', master_after: null, masters: [before] });
      expect(result.pause_ms).toBeGreaterThan(0);
      expect(outcome.error).toMatch(
        /replicas did not reach the master's offset .* no failover was started, writes resumed on/,
      );
      expect(outcome.error).toMatch(/now one master: /);
      // Unpaused: a write is acknowledged at once, well before the 10 s safety timeout.
      const master = await c.client('redis-1');
      const started = Date.now();
      expect(await master.set('after-refusal', 'x')).toBe('OK');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await c.currentMaster()).toBe(before);
      expect(t.timeline.map((e) => e.name)).toContain('write-unpause');
      expect(result.pause_ms).toBeGreaterThan(2500);
      expect(masterDown).toEqual([]);
    } finally {
      for (const watcher of watchers) watcher.disconnect();
      process.kill(replica.pid as number, 'SIGCONT');
      await t.close();
    }
  }, 60_000);

  it('a pause too short for the failover follows it to its end, demotes the old master and says the pause ran out', async () => {
    const c = await cluster('127.54.2');
    const t = clusterContext(c);
    try {
      const before = await c.currentMaster();
      // 600 ms, less the 500 ms margin for the demotion: the Sentinels cannot switch within it, but they do
      // switch; unpausing and leaving would let the old master take writes until Sentinel converts it.
      const outcome = await runInContext(t, sentinelAction, {
        node: 'sentinel-1',
        op: 'switchover',
        'pause-timeout': '600ms',
        'catch-up': '300ms',
        'redis-password': 'redis_password',
      });
      const result = outcome.data as SwitchoverResult;
      expect(outcome.ok).toBe(false);
      expect(result).toMatchObject({ outcome: 'switched', pause_expired: true, master_before: before });
      expect(result.master_after).not.toBe(before);
      expect(result.masters).toEqual([result.master_after]);
      expect(outcome.error).toMatch(
        /^test\.md:1: the 600 ms pause ran out before 127\.54\.2\.1\d:6379 was demoted: writes it acknowledged after that are lost; allow a longer pause-timeout=/,
      );
      expect(t.output.map((entry) => entry.line)).toContain(
        'no new master named by every Sentinel within the pause; following the failover 5 s longer',
      );
      expect(t.timeline.map((e) => e.name)).toEqual(
        expect.arrayContaining(['switch-master-all', 'old-master-demoted', 'write-unpause']),
      );
    } finally {
      await t.close();
    }
  }, 60_000);

  it('with no replica Sentinel may promote it pauses nothing and says why', async () => {
    const c = await cluster('127.54.2');
    const t = clusterContext(c);
    try {
      const replica = await c.client('redis-2');
      await replica.config('SET', 'replica-priority', '0');
      // Sentinel learns the priority from the replica's INFO, refreshed every 10 s.
      const sentinel = await c.client('sentinel-1');
      const deadline = Date.now() + 15_000;
      for (;;) {
        const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', 'mymaster')) as string[][];
        const fields = replicas[0] ?? [];
        if (fields[fields.indexOf('slave-priority') + 1] === '0' || Date.now() > deadline) break;
        await sleep(200);
      }
      const outcome = await runInContext(t, sentinelAction, { node: 'sentinel-1', op: 'switchover' });
      expect(outcome.ok).toBe(false);
      expect(outcome.data).toMatchObject({ outcome: 'no-candidate', paused_at: null });
      expect(outcome.error).toMatch(/knows no replica of mymaster it could promote .* nothing was paused/);
    } finally {
      await t.close();
    }
  }, 60_000);
});
