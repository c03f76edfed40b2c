// Each verification fails with a readable expected/actual when the cluster is broken on purpose (127.40.2.x).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAction } from '../../src/actions/redis/index.js';
import { sentinelAction } from '../../src/actions/sentinel/index.js';
import type { ActionKind, CheckResult } from '../../src/contract/action.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { runBlock } from './fixture.js';

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.40.2' });
});
afterAll(async () => {
  await cluster?.stop();
});

async function run<Spec>(kind: ActionKind<Spec>, attrs: Record<string, string>, body = '') {
  return (await runBlock(cluster, kind, attrs, body)).outcome;
}

function failed(checks: CheckResult[] | undefined): CheckResult[] {
  return (checks ?? []).filter((c) => !c.ok);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await sleep(200);
    value = await probe();
  }
  return value;
}

describe('verifications on a broken cluster', () => {
  it('replication: a replica whose link is down (wrong masterauth)', async () => {
    const replica = await cluster.client('redis-2');
    await replica.config('SET', 'masterauth', 'wrong-password');
    await replica.call('CLIENT', 'KILL', 'TYPE', 'master');
    const outcome = await until(
      () => run(redisAction, { verify: 'replication' }),
      (o) => !o.ok,
    );
    expect(outcome.ok).toBe(false);
    expect(failed(outcome.checks)).toContainEqual({
      ok: false,
      description: 'redis-2 (127.40.2.12:6379) master_link_status',
      expected: 'up',
      actual: expect.stringMatching(/^down \(state (connect|connecting|handshake|sync)/),
      where: 'redis-2',
    });
    expect(outcome.error).toContain('redis-2 (127.40.2.12:6379) master_link_status: expected up, got down');

    await replica.config('SET', 'masterauth', cluster.password);
    const healed = await until(
      () => run(redisAction, { verify: 'replication' }),
      (o) => o.ok,
    );
    expect(failed(healed.checks)).toEqual([]);
  });

  it('Sentinel health: quorum set too high', async () => {
    const sentinel = await cluster.client('sentinel-1');
    await sentinel.call('SENTINEL', 'SET', 'mymaster', 'quorum', '4');
    const outcome = await run(sentinelAction, { node: 'all', verify: 'health' });
    expect(outcome.ok).toBe(false);
    expect(failed(outcome.checks)).toEqual([
      {
        ok: false,
        description: 'sentinel-1 (127.40.2.21:26379) CKQUORUM mymaster',
        expected: 'OK',
        actual: expect.stringContaining('NOQUORUM 3 usable Sentinels'),
        where: 'sentinel-1',
      },
    ]);
    await sentinel.call('SENTINEL', 'SET', 'mymaster', 'quorum', '2');
    expect((await run(sentinelAction, { node: 'all', verify: 'health' })).ok).toBe(true);
  });

  it('Sentinel health and agreement: one Sentinel stopped', async () => {
    await cluster.kill('sentinel-3');
    const outcome = await until(
      () => run(sentinelAction, { node: 'all', verify: 'health' }),
      (o) => failed(o.checks).filter((c) => c.actual.includes('s_down')).length === 2,
    );
    expect(failed(outcome.checks)).toEqual([
      {
        ok: false,
        description: 'sentinel-1 (127.40.2.21:26379) sees the other Sentinels up',
        expected: 'none down',
        actual: expect.stringMatching(/^127\.40\.2\.23:26379 s_down,sentinel,disconnected/),
        where: 'sentinel-1',
      },
      expect.objectContaining({ description: 'sentinel-2 (127.40.2.22:26379) sees the other Sentinels up' }),
      {
        ok: false,
        description: 'sentinel-3 (127.40.2.23:26379) answers',
        expected: 'INFO and SENTINEL replies',
        actual: expect.stringContaining('127.40.2.23:26379) connect: connection refused'),
        where: 'sentinel-3',
      },
    ]);
    const agreement = await run(sentinelAction, { node: 'all', verify: 'agreement' });
    expect(agreement.ok).toBe(false);
    expect(failed(agreement.checks).map((c) => c.description)).toEqual([
      'sentinel-3 (127.40.2.23:26379) answers',
    ]);
    // An incident checklist waits on the two that answer (a majority), naming the one that does not.
    const majority = await run(sentinelAction, { node: 'all', verify: 'agreement', answering: 'majority' });
    expect(majority.ok, majority.error).toBe(true);
    expect(majority.summary).toMatch(/^2 of 3 Sentinels answer and agree: master 127\.40\.2\.11:6379/);
    expect(majority.checks?.[0]).toMatchObject({
      description: 'Sentinels answering',
      actual: expect.stringContaining('not answering: sentinel-3 (127.40.2.23:26379)'),
    });
    // Applications still find the master through the two remaining Sentinels.
    expect((await run(sentinelAction, { node: 'all', verify: 'discovery' })).ok).toBe(true);
  });

  it('agreement and replication: the node Sentinels name is not a master', async () => {
    const master = await cluster.client('redis-1');
    await master.call('REPLICAOF', '127.40.2.12', '6379');
    const agreement = await run(sentinelAction, { node: 'all', verify: 'agreement' });
    expect(failed(agreement.checks)).toContainEqual({
      ok: false,
      description: '127.40.2.11:6379 (named by the Sentinels) ROLE',
      expected: 'master',
      actual: 'slave',
      where: '127.40.2.11:6379',
    });
    const replication = await run(redisAction, { verify: 'replication' });
    expect(failed(replication.checks)[0]).toEqual({
      ok: false,
      description: 'exactly one node reports ROLE master',
      expected: '1 master',
      actual: 'no master',
    });
  });
});
