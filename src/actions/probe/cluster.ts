// A running probe turns on the live cluster view: one cluster watch per run, started by the first probe
// and closed with the run's resources (so the old master can be seen rejoining after the probe stops).
import type { ActionContext } from '../../contract/action.js';
import { startClusterWatch } from '../../drill/cluster-watch.js';
import { createRedisPool } from '../../targets/redis/connection.js';
import { inventoryRedisNodes, type NodeAddress } from '../../targets/redis/inventory.js';
import { connectionSettings } from '../redis/connection-attributes.js';
import type { ProbeSpec } from './spec.js';

/** A poll that gets no answer within this long shows the node as not answering. */
const POLL_TIMEOUT_MS = 900;

export function watchCluster(spec: ProbeSpec, ctx: ActionContext, sentinels: readonly NodeAddress[]): void {
  const report = ctx.cluster;
  if (!report) return;
  const bounded = (defaultVar: string) => ({
    ...connectionSettings({}, ctx, defaultVar),
    connectTimeoutMs: POLL_TIMEOUT_MS,
    commandTimeoutMs: POLL_TIMEOUT_MS,
  });
  ctx.resources.get(
    'cluster-watch',
    () =>
      startClusterWatch({
        // Its own pool of the run's connection layer (same settings and jump host): a poll that times out
        // drops only the watch's client, never one an action is using.
        pool: createRedisPool(),
        redisNodes: inventoryRedisNodes(ctx),
        sentinels,
        masterName: spec.masterName,
        redisSettings: bounded(spec.passwordVar),
        sentinelSettings: bounded(spec.sentinelPasswordVar),
        onSnapshot: (snapshot) => report(snapshot),
      }),
    (watch) => watch.stop(),
  );
}
