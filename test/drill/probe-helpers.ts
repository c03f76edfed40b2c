// What the drill tests share: a real cluster per test, a parsed `probe` block and a poll for a condition on a
// live cluster.
import { afterEach } from 'vitest';
import { probeAction } from '../../src/actions/probe/index.js';
import type { ProbeSpec } from '../../src/actions/probe/spec.js';
import { parsedAction } from '../../src/actions/test-context.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';

/** Registers the afterEach that stops them, and returns how a test starts its own cluster on a subnet. */
export function clusterPerTest(): (subnet: string) => Promise<TestRedisCluster> {
  const clusters: TestRedisCluster[] = [];
  afterEach(async () => {
    await Promise.all(clusters.splice(0).map((cluster) => cluster.stop()));
  });
  return async (subnet) => {
    const started = await startRedisCluster({ subnet });
    clusters.push(started);
    return started;
  };
}

export function probeBlock(body: 'start' | 'stop', attrs: Record<string, string> = {}): ProbeSpec {
  return parsedAction(probeAction, { attrs: { name: 'app', rate: '200/s', ...attrs }, body }).spec;
}

/** Polls until probe() returns a value, or fails naming what it waited for. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
