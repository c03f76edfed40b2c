// The cluster watch against a real Sentinel cluster: roles, links and Sentinel views before a crash,
// the dead master and the Sentinels' s_down/o_down during it, the new master and the rejoined old one after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../src/contract/cluster.js';
import { type ClusterWatchOptions, startClusterWatch, takeSnapshot } from '../../src/drill/cluster-watch.js';
import { createRedisPool } from '../../src/targets/redis/connection.js';
import type { NodeAddress } from '../../src/targets/redis/inventory.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.50.5', replicas: 2 });
});

afterAll(async () => {
  await cluster?.stop();
});

const address = (node: { name: string; host: string; port: number; address: string }): NodeAddress => ({
  name: node.name,
  host: node.host,
  port: node.port,
  address: node.address,
});

function watchOptions(onSnapshot: (snapshot: ClusterSnapshot) => void): ClusterWatchOptions {
  const settings = {
    password: cluster.password,
    connectTimeoutMs: 900,
    commandTimeoutMs: 900,
    reach: 'loopback-only' as const,
  };
  return {
    pool: createRedisPool(),
    // Only redis-1 is in the "inventory": the replicas are found through Sentinel.
    redisNodes: [address(cluster.node('redis-1'))],
    sentinels: cluster.sentinels.map(address),
    masterName: cluster.masterName,
    redisSettings: settings,
    sentinelSettings: { ...settings, password: undefined },
    intervalMs: 300,
    onSnapshot,
  };
}

async function until(
  snapshots: ClusterSnapshot[],
  what: string,
  test: (snapshot: ClusterSnapshot) => boolean,
  timeoutMs = 30_000,
): Promise<ClusterSnapshot> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hit = snapshots.find(test);
    if (hit) return hit;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no snapshot showed ${what}; last: ${JSON.stringify(snapshots.at(-1))}`);
}

describe('cluster watch', () => {
  it('shows one master, replicas linked with their lag, and every Sentinel naming the master', async () => {
    const options = watchOptions(() => {});
    try {
      const snapshot = await takeSnapshot(options, 2000);
      const master = cluster.node('redis-1').address;
      expect(snapshot.nodes.map((n) => [n.address, n.role, n.linkUp ?? null])).toEqual(
        expect.arrayContaining([
          [master, 'master', null],
          [cluster.node('redis-2').address, 'replica', true],
          [cluster.node('redis-3').address, 'replica', true],
        ]),
      );
      expect(snapshot.nodes).toHaveLength(3);
      for (const replica of snapshot.nodes.filter((n) => n.role === 'replica')) {
        expect(replica.following).toBe(master);
        expect(replica.lagBytes).toBeGreaterThanOrEqual(0);
      }
      expect(snapshot.sentinels.map((s) => [s.name, s.reachable, s.masterAddress, s.sdown, s.odown])).toEqual(
        cluster.sentinels.map((s) => [s.name, true, master, false, false]),
      );
    } finally {
      options.pool.closeAll();
    }
  });

  it('follows a crash: master down, Sentinels flag it, a replica is promoted, the old master rejoins', async () => {
    const snapshots: ClusterSnapshot[] = [];
    const watch = startClusterWatch(watchOptions((snapshot) => snapshots.push(snapshot)));
    try {
      const old = cluster.node('redis-1').address;
      await until(snapshots, 'the first snapshot', () => true);
      await cluster.kill('redis-1');
      const down = await until(
        snapshots,
        'the master down and o_down',
        (s) => s.nodes.some((n) => n.address === old && !n.reachable) && s.sentinels.some((v) => v.odown),
      );
      expect(down.sentinels.some((v) => v.sdown)).toBe(true);
      // The master every Sentinel names: with two replicas, a failover attempt that times out on a loaded
      // machine can leave one replica master for a moment before the Sentinels settle on the other.
      const settledMaster = (s: ClusterSnapshot) => {
        const named = s.sentinels[0]?.masterAddress;
        const agreed = named !== old && s.sentinels.every((v) => v.reachable && v.masterAddress === named);
        return agreed && s.nodes.some((n) => n.address === named && n.role === 'master') ? named : undefined;
      };
      const promoted = await until(snapshots, 'a new master every Sentinel names', (s) => !!settledMaster(s));
      const newMaster = settledMaster(promoted);
      await cluster.restart('redis-1');
      // Sentinel converts a returning master only once it has answered and reported that role for 8 s
      // (SENTINEL_PUBLISH_PERIOD*4), at a replica's next INFO (every 10 s): up to ~20 s, more when loaded.
      const rejoined = await until(
        snapshots,
        'the old master as a replica of the new one',
        (s) => s.nodes.some((n) => n.address === old && n.role === 'replica' && n.following === newMaster),
        60_000,
      );
      expect(rejoined.sentinels.every((v) => v.masterAddress === newMaster)).toBe(true);
    } finally {
      watch.stop();
    }
    const count = snapshots.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(snapshots.length).toBe(count);
  }, 150_000);
});
