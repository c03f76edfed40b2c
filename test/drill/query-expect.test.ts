// expect= and expect-error= on redis and sentinel blocks against real processes (127.54.5.x): judged on the
// block's fresh results, expected reply errors (READONLY, NOQUORUM) asserted instead of failing the block,
// and node=all results keyed by Sentinel name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAction } from '../../src/actions/redis/index.js';
import { sentinelAction } from '../../src/actions/sentinel/index.js';
import { createTestContext, parsedAction, type TestContext } from '../../src/actions/test-context.js';
import type { ActionContext, ActionKind, ActionOutcome } from '../../src/contract/action.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';

let cluster: TestRedisCluster;
let t: TestContext;
beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.54.5' });
  t = createTestContext({
    results: { inventory: cluster.inventory },
    vars: { redis_password: cluster.password },
    secretVars: ['redis_password'],
  });
});
afterAll(async () => {
  await t?.close();
  await cluster?.stop();
});

function run<Spec>(kind: ActionKind<Spec>, attrs: Record<string, string>, body = ''): Promise<ActionOutcome> {
  const { spec, action } = parsedAction(kind, { attrs, body });
  return kind.run(spec, { ...t.ctx, action: { ...t.ctx.action, ...action } } as ActionContext);
}

describe('expect= and expect-error= on query blocks', () => {
  it('judges expect= on the block’s own fresh result', async () => {
    const held = await run(redisAction, { node: 'redis-2', expect: 'last.role == slave' }, 'ROLE');
    expect(held.ok, held.error).toBe(true);
    expect(held.checks).toEqual([expect.objectContaining({ ok: true, description: 'last.role == slave' })]);
    const broken = await run(redisAction, { node: 'redis-2', expect: 'last.role == master' }, 'ROLE');
    expect(broken.ok).toBe(false);
    expect(broken.error).toMatch(
      /last\.role == master does not hold: expected == master, got slave; add within=30s/,
    );
  });

  it('passes on the expected reply error and fails on another one or on success', async () => {
    const readonly = await run(redisAction, { node: 'redis-2', 'expect-error': 'READONLY' }, 'SET k v');
    expect(readonly).toMatchObject({ ok: true, summary: 'READONLY, as expected' });
    expect(readonly.error).toBeUndefined();
    const other = await run(redisAction, { node: 'redis-2', 'expect-error': 'NOQUORUM' }, 'SET k v');
    expect(other.ok).toBe(false);
    expect(other.error).toMatch(
      /expected the reply error NOQUORUM, but got READONLY: .*is a read-only replica/,
    );
    const succeeded = await run(
      sentinelAction,
      { node: 'all', 'expect-error': 'NOQUORUM' },
      'SENTINEL CKQUORUM mymaster',
    );
    expect(succeeded.ok).toBe(false);
    expect(succeeded.error).toMatch(/expected the reply error NOQUORUM, but every command succeeded/);
  });

  it('asserts NOQUORUM on every Sentinel, and keys node=all results by Sentinel name', async () => {
    for (const sentinel of cluster.sentinels) {
      const client = await cluster.client(sentinel.name);
      await client.call('SENTINEL', 'SET', 'mymaster', 'quorum', '4');
    }
    try {
      const noQuorum = await run(
        sentinelAction,
        { node: 'all', 'expect-error': 'NOQUORUM', expect: 'length(by_node) == 3' },
        'SENTINEL CKQUORUM mymaster',
      );
      expect(noQuorum.ok, noQuorum.error).toBe(true);
      expect(noQuorum.checks?.map((c) => c.ok)).toEqual([true, true]);
      const masters = await run(
        sentinelAction,
        { node: 'all', expect: 'by_node.sentinel-2.last[name=mymaster].quorum == 4' },
        'SENTINEL MASTERS',
      );
      expect(masters.ok, masters.error).toBe(true);
    } finally {
      for (const sentinel of cluster.sentinels) {
        const client = await cluster.client(sentinel.name);
        await client.call('SENTINEL', 'SET', 'mymaster', 'quorum', '2');
      }
    }
  });
});
