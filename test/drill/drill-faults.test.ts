// The probe through the other faults a drill causes: a graceful shutdown (nothing acknowledged may be lost)
// and a cluster that cannot fail over (the drill must say so, not hang).
import { describe, expect, it } from 'vitest';
import { probeAction } from '../../src/actions/probe/index.js';
import { createTestContext } from '../../src/actions/test-context.js';
import { clusterPerTest, probeBlock, waitFor } from './probe-helpers.js';

const cluster = clusterPerTest();

describe('probe through other faults', () => {
  it('a graceful shutdown of the master fails over with no acknowledged write lost', async () => {
    const c = await cluster('127.50.3');
    const t = createTestContext({ vars: { redis_password: c.password, sentinels: c.sentinelAddresses } });
    try {
      const before = await c.currentMaster();
      expect((await probeAction.run(probeBlock('start'), t.ctx)).ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const master = c.nodes.find((n) => n.address === before);
      await c.terminate(master?.name ?? 'redis-1');
      const after = await waitFor('a new master', async () => {
        const now = await c.currentMaster().catch(() => before);
        return now !== before ? now : undefined;
      });
      // Restarted while a Sentinel still names it, the old master would come back as a master and take the
      // writes of a client that asked that Sentinel: a real split-brain window, but not the fault under test.
      await waitFor('every Sentinel to name the new master', async () => {
        const named = await Promise.all(
          c.sentinels.map(async (sentinel) => {
            const client = await c.client(sentinel.name);
            try {
              const [host, port] = (await client.call(
                'SENTINEL',
                'GET-MASTER-ADDR-BY-NAME',
                c.masterName,
              )) as string[];
              return `${host}:${port}`;
            } finally {
              client.disconnect();
            }
          }),
        );
        return named.every((address) => address === after) ? true : undefined;
      });
      await c.restart(master?.name ?? 'redis-1');
      const stopped = await probeAction.run(probeBlock('stop'), t.ctx);
      expect(stopped.ok, stopped.error).toBe(true);
      expect(stopped.data).toMatchObject({ failed_over: true, lost_acknowledged: 0, settled: true });
    } finally {
      await t.close();
    }
  }, 90_000);

  it('a cluster whose quorum cannot be reached reports no failover instead of hanging', async () => {
    const c = await cluster('127.50.6');
    for (const sentinel of c.sentinels) {
      const client = await c.client(sentinel.name);
      await client.call('SENTINEL', 'SET', c.masterName, 'quorum', '4');
    }
    const t = createTestContext({ vars: { redis_password: c.password, sentinels: c.sentinelAddresses } });
    try {
      const before = await c.currentMaster();
      expect((await probeAction.run(probeBlock('start'), t.ctx)).ok).toBe(true);
      const master = c.nodes.find((n) => n.address === before);
      await c.kill(master?.name ?? 'redis-1');
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const stopped = await probeAction.run(probeBlock('stop', { settle: '3s' }), t.ctx);
      expect(stopped.ok).toBe(false);
      expect(stopped.summary).toMatch(/no settled failover/);
      expect(stopped.error).toMatch(/did not settle on one master .* within 3000 ms/);
      expect(stopped.data).toMatchObject({ settled: false, master_before: before });
      expect(Number((stopped.data as { failed: number }).failed)).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  }, 90_000);
});
