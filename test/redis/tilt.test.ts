// A Sentinel in TILT (frozen for 3 s, so its timer jumps): the event stream reports +tilt, health fails on
// it, and node=all warns and lists it (127.40.7.x).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings } from '../../src/actions/redis/connection-attributes.js';
import { sentinelAction } from '../../src/actions/sentinel/index.js';
import { createTestContext, parsedAction } from '../../src/actions/test-context.js';
import type { ActionContext } from '../../src/contract/action.js';
import { resolveAllSentinels } from '../../src/targets/redis/inventory.js';
import { runSentinelEvents } from '../../src/targets/redis/sentinel-events.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.40.7' });
});
afterAll(async () => {
  const frozen = cluster?.node('sentinel-1').pid;
  if (frozen) process.kill(frozen, 'SIGCONT');
  await cluster?.stop();
});

describe('TILT', () => {
  it('is reported by the stream, fails health and is flagged by node=all', async () => {
    const t = createTestContext({
      results: { inventory: cluster.inventory },
      vars: { redis_password: cluster.password },
      secretVars: ['redis_password'],
    });
    try {
      const stream = runSentinelEvents(
        t.ctx,
        resolveAllSentinels(t.ctx),
        connectionSettings({}, t.ctx, 'sentinel_password'),
      );
      await stream.ready();
      const pid = cluster.node('sentinel-1').pid as number;
      process.kill(pid, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      process.kill(pid, 'SIGCONT');
      const tilt = await stream.waitFor((e) => e.name === '+tilt', { timeoutMs: 10_000 });
      expect(tilt.seenBy).toEqual(['sentinel-1']);

      const run = async (attrs: Record<string, string>, body = '') => {
        const { spec, action } = parsedAction(sentinelAction, { attrs, body });
        const ctx: ActionContext = { ...t.ctx, action: { ...t.ctx.action, ...action } };
        return sentinelAction.run(spec, ctx);
      };
      const health = await run({ node: 'all', verify: 'health' });
      expect(health.checks?.find((c) => !c.ok)).toEqual({
        ok: false,
        description: 'sentinel-1 (127.40.7.21:26379) TILT',
        expected: 'not in TILT',
        actual: expect.stringMatching(/^in TILT for \d+ s$/),
        where: 'sentinel-1',
      });
      const all = await run({ node: 'all' }, 'SENTINEL MASTERS');
      expect(all.summary).toMatch(/; TILT on sentinel-1$/);
      expect((all.data as { agreement: { tilt: string[] } }).agreement.tilt).toEqual(['sentinel-1']);
      expect(t.output.map((o) => o.line)).toContainEqual(
        expect.stringMatching(
          /^sentinel-1 \(127\.40\.7\.21:26379\): Sentinel is in TILT mode \(for \d+ s\) — it does not act/,
        ),
      );
    } finally {
      await t.close();
    }
  });
});
