// Configuration through the protocol (REPLICAOF, CONFIG SET + REWRITE, SENTINEL MONITOR/SET/REMOVE), faults
// on the timeline, abort and dry run, against a real cluster (127.40.4.x).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisData } from '../../src/actions/redis/index.js';
import { redisAction } from '../../src/actions/redis/index.js';
import { sentinelAction } from '../../src/actions/sentinel/index.js';
import { parsedAction } from '../../src/actions/test-context.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { clusterContext, runBlock } from './fixture.js';

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.40.4' });
});
afterAll(async () => {
  await cluster?.stop();
});

describe('configuration through the protocol', () => {
  it("CONFIG SET + CONFIG REWRITE persist a setting in the node's own redis.conf", async () => {
    const { outcome } = await runBlock(
      cluster,
      redisAction,
      { node: 'redis-2' },
      'CONFIG SET maxmemory-policy allkeys-lru\nCONFIG REWRITE\nCONFIG GET maxmemory-policy',
    );
    expect(outcome.ok).toBe(true);
    expect((outcome.data as RedisData).last).toEqual({ 'maxmemory-policy': 'allkeys-lru' });
    expect(await readFile(cluster.node('redis-2').configFile, 'utf8')).toContain(
      'maxmemory-policy allkeys-lru',
    );
    expect(
      parsedAction(redisAction, { attrs: { node: 'x' }, body: 'CONFIG SET maxmemory 1mb' }).action.safety,
    ).toBe('mutating');
  });

  it('REPLICAOF NO ONE and back, recorded as a fault, templates filling host and port', async () => {
    const { outcome, t } = await runBlock(
      cluster,
      redisAction,
      { node: 'redis-2' },
      'REPLICAOF NO ONE\nROLE\nREPLICAOF {{ inventory.redis-1.host }} {{ inventory.redis-1.port }}\nROLE',
    );
    expect(outcome.ok).toBe(true);
    const data = outcome.data as RedisData;
    expect(data.commands[1]?.parsed).toMatchObject({ role: 'master' });
    expect(data.commands[2]?.command).toBe('REPLICAOF 127.40.4.11 6379');
    expect(data.commands[3]?.parsed).toMatchObject({ role: 'slave', master: '127.40.4.11:6379' });
    expect(t.timeline).toEqual([
      { source: 'fault', name: 'REPLICAOF NO', detail: 'redis redis-2 (127.40.4.12:6379): REPLICAOF NO ONE' },
    ]);
    await cluster.waitHealthy();
  });

  it('SENTINEL MONITOR / SET / REMOVE, with auth-pass hidden from display and output', async () => {
    const { outcome, t } = await runBlock(
      cluster,
      sentinelAction,
      { node: 'sentinel-1' },
      [
        'SENTINEL MONITOR other {{ inventory.redis-2.host }} 6379 2',
        'SENTINEL SET other auth-pass {{ vars.redis_password }} down-after-milliseconds 5000',
        'SENTINEL MASTER other',
        'SENTINEL REMOVE other',
        'SENTINEL MASTERS',
      ].join('\n'),
    );
    expect(outcome.ok, outcome.error).toBe(true);
    const data = outcome.data as RedisData;
    expect(data.commands[1]?.command).toBe(
      'SENTINEL SET other auth-pass •••••• down-after-milliseconds 5000',
    );
    expect(data.commands[2]?.parsed).toMatchObject({
      name: 'other',
      ip: '127.40.4.12',
      'down-after-milliseconds': 5000,
    });
    expect((data.last as Array<{ name: string }>).map((m) => m.name)).toEqual(['mymaster']);
    expect(JSON.stringify(t.output)).not.toContain(cluster.password);
    expect(
      parsedAction(sentinelAction, { attrs: { node: 'x' }, body: 'SENTINEL REMOVE other' }).action.safety,
    ).toBe('destructive');
  });
});

describe('faults, abort and dry run', () => {
  it('an abort during a hung command ends the action and drops the connection', async () => {
    const { spec, action } = parsedAction(redisAction, {
      attrs: { node: 'redis-1' },
      body: 'DEBUG SLEEP 2\nPING',
    });
    const t = clusterContext(cluster, { action });
    try {
      const running = redisAction.run(spec, t.ctx);
      setTimeout(() => t.abort(new Error('operator pressed Ctrl-C')), 200);
      await expect(running).rejects.toThrow('operator pressed Ctrl-C');
      expect(t.timeline[0]).toMatchObject({ source: 'fault', name: 'DEBUG SLEEP' });
    } finally {
      await t.close();
    }
  });

  it('--dry-run sends reads and keeps writes back', async () => {
    const { outcome, t } = await runBlock(
      cluster,
      redisAction,
      { node: 'redis-1' },
      'GET drillbook:dry\nSET drillbook:dry 1\nGET drillbook:dry',
      {
        dryRun: true,
      },
    );
    expect(outcome.ok).toBe(true);
    const data = outcome.data as RedisData;
    expect(data.commands.map((c) => c.skipped ?? false)).toEqual([false, true, false]);
    expect(data.last).toBeNull();
    expect(t.output.map((o) => o.line)).toContain('(dry run: not sent)');
  });

  it('a command timeout names the node and what to do', async () => {
    const { outcome } = await runBlock(
      cluster,
      redisAction,
      { node: 'redis-1', 'command-timeout': '300ms' },
      'DEBUG SLEEP 1',
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('redis-1 (127.40.4.11:6379) DEBUG: command timed out');
    await new Promise((resolve) => setTimeout(resolve, 800));
  });
});
