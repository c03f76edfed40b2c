// redis / sentinel actions against a REAL healthy cluster (127.40.1.x): live parsing, errors, verifications.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAction } from '../../src/actions/redis/index.js';
import { sentinelAction } from '../../src/actions/sentinel/index.js';
import { parsedAction, type TestContextOptions } from '../../src/actions/test-context.js';
import type { ActionKind } from '../../src/contract/action.js';
import type { ParsedInfo } from '../../src/targets/redis/info.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { runBlock } from './fixture.js';

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.40.1', sentinelPassword: 'sentinel-secret-1' });
});
afterAll(async () => {
  await cluster?.stop();
});

/** A fresh context per block; these Sentinels also need their own password. */
function run<Spec>(
  kind: ActionKind<Spec>,
  attrs: Record<string, string>,
  body = '',
  options: TestContextOptions = {},
) {
  return runBlock(cluster, kind, attrs, body, {
    ...options,
    vars: { sentinel_password: 'sentinel-secret-1', ...options.vars },
    secretVars: ['sentinel_password', ...(options.secretVars ?? [])],
  });
}

describe('redis action', () => {
  it('parses live INFO and ROLE output into typed fields, keeping the raw reply', async () => {
    const { outcome, t } = await run(redisAction, { node: 'redis-1' }, 'INFO replication\nROLE\nINFO server');
    expect(outcome.ok).toBe(true);
    const data = outcome.data as {
      commands: Array<{ command: string; reply: unknown; parsed: unknown }>;
      last: ParsedInfo;
    };
    const replication = (data.commands[0]?.parsed as ParsedInfo | undefined)?.replication;
    expect(replication?.role).toBe('master');
    expect(replication?.slaves.map((s) => s.address)).toEqual([cluster.node('redis-2').address]);
    expect(replication?.slaves[0]?.state).toBe('online');
    expect(data.commands[1]?.parsed).toMatchObject({
      role: 'master',
      replicas: [{ address: cluster.node('redis-2').address }],
    });
    expect(typeof data.commands[0]?.reply).toBe('string');
    expect(data.last.server?.redis_version).toMatch(/^7\./);
    expect(t.output[0]?.line).toBe(`${cluster.node('redis-1').address}> INFO replication`);
  });

  it('fills a var with spaces as ONE argument and masks secrets in CONFIG GET', async () => {
    const { outcome, t } = await run(
      redisAction,
      { node: '{{ inventory.redis-1.host }}:6379' },
      'SET drillbook:test {{ vars.value }}\nGET drillbook:test\nCONFIG GET requirepass',
      { vars: { value: 'two words "quoted"' } },
    );
    expect(outcome.ok).toBe(true);
    const data = outcome.data as { commands: Array<{ command: string; reply: unknown; parsed: unknown }> };
    expect(data.commands[1]?.reply).toBe('two words "quoted"');
    expect(data.commands[0]?.command).toBe('SET drillbook:test "two words \\"quoted\\""');
    expect(data.commands[2]?.parsed).toEqual({ requirepass: '••••••' });
    expect(JSON.stringify(data)).not.toContain(cluster.password);
    expect(JSON.stringify(t.output)).not.toContain(cluster.password);
  });

  it('reads a replica by var name, and explains READONLY on a write', async () => {
    const replica = cluster.node('redis-2');
    const { outcome } = await run(redisAction, { node: 'replica' }, 'ROLE\nSET k v', {
      vars: { replica: replica.address },
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain(`replica (${replica.address}) SET: is a read-only replica`);
  });

  it('says so when the password is wrong, naming node and address', async () => {
    const { outcome } = await run(redisAction, { node: 'redis-1', password: 'wrong' }, 'PING', {
      vars: { wrong: 'not-the-password' },
      secretVars: ['wrong'],
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(
      /redis-1 \(127\.40\.1\.11:6379\) connect: authentication failed \((WRONGPASS|ERR)/,
    );
    expect(outcome.error).not.toContain('not-the-password');
  });

  it('says connection refused for a node that is down', async () => {
    const { outcome } = await run(redisAction, { node: '127.40.1.99:6379' }, 'PING');
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('127.40.1.99:6379 connect: connection refused');
  });

  it('names unknown nodes and lists the inventory', async () => {
    const { outcome } = await run(redisAction, { node: 'redis-9' }, 'PING');
    expect(outcome.error).toContain(
      'node "redis-9" is neither host:port, nor a node in the inventory (known: redis-1',
    );
  });

  it('verify=replication passes on a healthy cluster', async () => {
    const { outcome } = await run(redisAction, { verify: 'replication', nodes: 'redis-1,redis-2' });
    expect(outcome.checks?.filter((c) => !c.ok)).toEqual([]);
    expect(outcome.ok).toBe(true);
    expect(outcome.summary).toContain(`master ${cluster.node('redis-1').address}`);
  });
});

describe('sentinel action', () => {
  it('node=all gives a result per Sentinel and an agreement summary', async () => {
    const { outcome } = await run(
      sentinelAction,
      { node: 'all' },
      'SENTINEL MASTER mymaster\nSENTINEL CKQUORUM mymaster',
    );
    expect(outcome.ok).toBe(true);
    const data = outcome.data as {
      sentinels: Array<{ node: string; last: unknown; commands: Array<{ parsed: unknown }> }>;
      agreement: Record<string, unknown>;
    };
    expect(data.sentinels.map((s) => s.node)).toEqual(['sentinel-1', 'sentinel-2', 'sentinel-3']);
    expect(data.sentinels[0]?.commands[0]?.parsed).toMatchObject({
      flags: 'master',
      'num-other-sentinels': 2,
      'num-slaves': 1,
    });
    expect(data.sentinels[0]?.last).toMatchObject({ ok: true });
    expect(data.agreement).toMatchObject({
      sameMaster: true,
      master: cluster.node('redis-1').address,
      sdownSeenBy: [],
      tilt: [],
    });
    expect(data.agreement.flags).toEqual({
      'sentinel-1': ['master'],
      'sentinel-2': ['master'],
      'sentinel-3': ['master'],
    });
  });

  it('node=all works from the sentinels var when there is no inventory', async () => {
    const { outcome } = await run(
      sentinelAction,
      { node: 'all' },
      'SENTINEL GET-MASTER-ADDR-BY-NAME mymaster',
      {
        results: {},
        vars: {
          redis_password: cluster.password,
          sentinel_password: 'sentinel-secret-1',
          sentinels: cluster.sentinelAddresses,
        },
      },
    );
    expect(outcome.ok).toBe(true);
    expect((outcome.data as { sentinels: Array<{ last: unknown }> }).sentinels[2]?.last).toMatchObject({
      address: cluster.node('redis-1').address,
    });
  });

  it('uses sentinel_password for Sentinels, and says so when it is missing', async () => {
    const { outcome } = await run(sentinelAction, { node: 'sentinel-2' }, 'PING', {
      vars: { redis_password: cluster.password, sentinel_password: '' },
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('sentinel-2 (127.40.1.22:26379) connect: authentication failed (NOAUTH)');
  });

  it('rejects Redis commands in a sentinel block at parse time', () => {
    expect(() => parsedAction(sentinelAction, { attrs: { node: 'all' }, body: 'SET k v' })).toThrow(
      /SET is not a command Sentinels accept/,
    );
    expect(() =>
      parsedAction(sentinelAction, { attrs: { node: 'all' }, body: 'SENTINEL FAILOVER mymaster' }),
    ).toThrow(/competing failovers/);
  });

  it('treats FAILOVER as destructive and reads as safe', () => {
    expect(
      parsedAction(sentinelAction, { attrs: { node: 's' }, body: 'SENTINEL FAILOVER mymaster' }).action
        .safety,
    ).toBe('destructive');
    expect(
      parsedAction(sentinelAction, { attrs: { node: 'all' }, body: 'SENTINEL MASTERS' }).action.safety,
    ).toBe('safe');
  });

  it('verify=health, agreement and discovery pass on a healthy cluster', async () => {
    for (const verify of ['health', 'agreement', 'discovery']) {
      const { outcome } = await run(sentinelAction, { node: 'all', verify });
      expect(
        outcome.checks?.filter((c) => !c.ok),
        verify,
      ).toEqual([]);
      expect(outcome.ok, verify).toBe(true);
    }
    const { outcome } = await run(sentinelAction, { node: 'all', verify: 'discovery' });
    expect(outcome.summary).toBe(
      `client discovery: wrote and read a key on ${cluster.node('redis-1').address}`,
    );
  });

  it('verify=health fails while one Sentinel keeps a raised down-after-milliseconds (a switchover cut short)', async () => {
    const sentinel = await cluster.client('sentinel-2');
    const fields = (await sentinel.call('SENTINEL', 'MASTER', cluster.masterName)) as string[];
    const own = fields[fields.indexOf('down-after-milliseconds') + 1] as string;
    const set = (ms: string) =>
      sentinel.call('SENTINEL', 'SET', cluster.masterName, 'down-after-milliseconds', ms);
    await set(String(Number(own) + 10_000));
    try {
      const { outcome } = await run(sentinelAction, { node: 'all', verify: 'health' });
      expect(outcome.ok).toBe(false);
      expect(outcome.checks?.filter((c) => !c.ok)).toEqual([
        expect.objectContaining({
          description: `Sentinels agree on down-after-milliseconds for ${cluster.masterName}`,
          actual: expect.stringContaining(
            `sentinel-2 (${cluster.node('sentinel-2').address}) ${Number(own) + 10_000}`,
          ),
        }),
      ]);
    } finally {
      await set(own);
    }
    const { outcome } = await run(sentinelAction, { node: 'all', verify: 'health' });
    expect(outcome.ok).toBe(true);
  });
});
