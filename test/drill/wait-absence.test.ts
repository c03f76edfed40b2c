// wait event=… absent=… against real Sentinels (127.54.3.x): it passes when Sentinel stays quiet, and fails
// naming the event, who reported it and when, when Sentinel does act; wait for= just pauses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, parsedAction, type TestContext } from '../../src/actions/test-context.js';
import type { AbsenceData } from '../../src/actions/wait/absence.js';
import { waitAction } from '../../src/actions/wait/index.js';
import type { ActionContext, ActionOutcome } from '../../src/contract/action.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';

let cluster: TestRedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.54.3' });
});
afterAll(async () => {
  await cluster?.stop();
});

function wait(t: TestContext, attrs: Record<string, string>): Promise<ActionOutcome> {
  const { spec, action } = parsedAction(waitAction, { attrs });
  return waitAction.run(spec, { ...t.ctx, action: { ...t.ctx.action, ...action } } as ActionContext);
}

describe('wait absent= and for=', () => {
  it('passes when no matching event comes in the window, fails naming the one that does', async () => {
    const t = createTestContext({
      results: { inventory: cluster.inventory },
      vars: { redis_password: cluster.password },
    });
    try {
      const quiet = await wait(t, { event: '+odown', absent: '1500ms' });
      expect(quiet.ok, quiet.error).toBe(true);
      expect(quiet.data).toMatchObject({ absent: true, window_ms: 1500 });
      expect(quiet.summary).toBe('no +odown from any Sentinel for 1500ms');

      const paused = await wait(t, { for: '300ms' });
      expect(paused).toMatchObject({ ok: true, summary: 'paused 300ms' });

      // A replica that dies is +sdown within down-after-milliseconds (1 s): the assertion must fail.
      const watching = wait(t, { event: '+sdown', absent: '8s', node: 'sentinel-2' });
      await cluster.kill('redis-2');
      const acted = await watching;
      expect(acted.ok).toBe(false);
      const data = acted.data as AbsenceData;
      expect(data.absent).toBe(false);
      expect(data.seen?.seenBy).toContain('sentinel-2');
      expect(data.seen?.afterMs).toBeLessThan(8000);
      expect(acted.error).toMatch(
        /\+sdown must not happen for 8s, but .*slave .*127\.54\.3\.12.* came \d+ ms after the wait began/,
      );
    } finally {
      await cluster.restart('redis-2');
      await t.close();
    }
  }, 60_000);
});
