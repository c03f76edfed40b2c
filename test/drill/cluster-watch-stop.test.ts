// Stopping the cluster watch mid-poll: the poll in flight is aborted, reports nothing, and whatever it
// opened is closed once it ends (a stand-in pool records the calls; the real pool is tested with real
// Redis in cluster-watch.test.ts).
import { describe, expect, it } from 'vitest';
import { startClusterWatch } from '../../src/drill/cluster-watch.js';
import type { RedisPool } from '../../src/targets/redis/connection.js';

describe('cluster watch stop', () => {
  it('aborts the poll in flight, reports no snapshot after stop, and closes the pool again when it ends', async () => {
    const signals: AbortSignal[] = [];
    let closes = 0;
    const pool: RedisPool = {
      client: () => Promise.reject(new Error('not used')),
      call: (_node, _settings, _args, signal) =>
        new Promise((_resolve, reject) => {
          if (signal) signals.push(signal);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
      closeAll: () => {
        closes += 1;
      },
    };
    const snapshots: unknown[] = [];
    const node = { name: 'sentinel-1', host: '127.0.0.1', port: 26379, address: '127.0.0.1:26379' };
    const settings = { connectTimeoutMs: 100, commandTimeoutMs: 100, reach: 'loopback-only' as const };
    const watch = startClusterWatch({
      pool,
      redisNodes: [],
      sentinels: [node],
      masterName: 'mymaster',
      redisSettings: settings,
      sentinelSettings: settings,
      intervalMs: 60_000,
      onSnapshot: (snapshot) => snapshots.push(snapshot),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(signals).toHaveLength(1);
    watch.stop();
    expect(signals[0]?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(snapshots).toEqual([]);
    expect(closes).toBe(2);
  });
});
