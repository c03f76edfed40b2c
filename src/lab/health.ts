// What the lab's Redis nodes and Sentinels say about themselves, read with short-lived ioredis clients
// (each with an error listener, each closed whatever happens).
import type { Redis } from 'ioredis';
import { withRedisClient } from '../targets/redis/load-ioredis.js';

export const MASTER_NAME = 'mymaster';

function withClient<T>(
  address: { host: string; port: number; password?: string },
  use: (client: Redis) => Promise<T>,
): Promise<T> {
  // The lab's own checks run on this machine too: never towards anything but loopback.
  return withRedisClient(address, 'loopback-only', use);
}

function infoFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}

export interface NodeState {
  address: string;
  reachable: boolean;
  role?: 'master' | 'replica';
  /** For a replica: its master and the link status. */
  masterAddress?: string;
  linkUp?: boolean;
  connectedReplicas?: number;
  error?: string;
}

export async function nodeState(host: string, port: number, password: string): Promise<NodeState> {
  const address = `${host}:${port}`;
  try {
    return await withClient({ host, port, password }, async (client) => {
      const info = infoFields(await client.info('replication'));
      if (info.role === 'slave') {
        return {
          address,
          reachable: true,
          role: 'replica',
          masterAddress: `${info.master_host}:${info.master_port}`,
          linkUp: info.master_link_status === 'up',
        };
      }
      return {
        address,
        reachable: true,
        role: 'master',
        connectedReplicas: Number(info.connected_slaves ?? 0),
      };
    });
  } catch (error) {
    return { address, reachable: false, error: (error as Error).message };
  }
}

export interface SentinelState {
  address: string;
  reachable: boolean;
  masterAddress?: string;
  flags?: string;
  otherSentinels?: number;
  replicas?: number;
  /** "OK 3 usable Sentinels…" or the error CKQUORUM returned. */
  quorum?: string;
  quorumOk?: boolean;
  error?: string;
}

/** password: the Sentinels' own requirepass (the lab's Sentinels have one). */
export async function sentinelState(host: string, port: number, password?: string): Promise<SentinelState> {
  const address = `${host}:${port}`;
  try {
    return await withClient({ host, port, ...(password ? { password } : {}) }, async (client) => {
      const pairs = (await client.call('SENTINEL', 'MASTER', MASTER_NAME)) as string[];
      const master: Record<string, string> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) master[pairs[i] as string] = pairs[i + 1] as string;
      let quorum: string;
      let quorumOk: boolean;
      try {
        quorum = String(await client.call('SENTINEL', 'CKQUORUM', MASTER_NAME));
        quorumOk = quorum.startsWith('OK');
      } catch (error) {
        quorum = (error as Error).message;
        quorumOk = false;
      }
      return {
        address,
        reachable: true,
        masterAddress: `${master.ip}:${master.port}`,
        flags: master.flags,
        otherSentinels: Number(master['num-other-sentinels'] ?? 0),
        replicas: Number(master['num-slaves'] ?? 0),
        quorum,
        quorumOk,
      };
    });
  } catch (error) {
    return { address, reachable: false, error: (error as Error).message };
  }
}

/**
 * host is where this machine connects; known (default host:port) is the address the cluster itself uses
 * for the node (in container mode the host connects to a public address, the cluster uses private ones).
 */
export interface ClusterMember {
  host: string;
  port: number;
  known?: string;
}

export interface ClusterAddresses {
  nodes: ClusterMember[];
  sentinels: ClusterMember[];
  password: string;
  /** The Sentinels' own password, when they have one. */
  sentinelPassword?: string;
}

export interface ClusterHealth {
  healthy: boolean;
  nodes: NodeState[];
  sentinels: SentinelState[];
  /** Why it is not healthy yet, one line each. */
  problems: string[];
}

/**
 * Healthy = one master, every replica's link up to it, every Sentinel reachable, naming that master,
 * knowing every replica, seeing all the other Sentinels, with CKQUORUM OK.
 */
export async function clusterHealth(cluster: ClusterAddresses): Promise<ClusterHealth> {
  const [nodes, sentinels] = await Promise.all([
    Promise.all(
      cluster.nodes.map(async (n) => ({
        ...(await nodeState(n.host, n.port, cluster.password)),
        ...(n.known ? { address: n.known } : {}),
      })),
    ),
    Promise.all(
      cluster.sentinels.map(async (s) => ({
        ...(await sentinelState(s.host, s.port, cluster.sentinelPassword)),
        ...(s.known ? { address: s.known } : {}),
      })),
    ),
  ]);
  const problems: string[] = [];
  const masters = nodes.filter((n) => n.role === 'master');
  for (const node of nodes) {
    if (!node.reachable) problems.push(`${node.address} unreachable: ${node.error}`);
    else if (node.role === 'replica' && !node.linkUp)
      problems.push(`${node.address} replica link to ${node.masterAddress} is down`);
  }
  if (masters.length !== 1) problems.push(`${masters.length} nodes report role master (want exactly 1)`);
  const master = masters[0]?.address;
  for (const node of nodes) {
    if (node.role === 'replica' && master && node.masterAddress !== master) {
      problems.push(`${node.address} replicates from ${node.masterAddress}, not from the master ${master}`);
    }
  }
  const others = cluster.sentinels.length - 1;
  const replicas = cluster.nodes.length - 1;
  for (const sentinel of sentinels) {
    if (!sentinel.reachable) {
      problems.push(`Sentinel ${sentinel.address} unreachable: ${sentinel.error}`);
      continue;
    }
    if (master && sentinel.masterAddress !== master) {
      problems.push(`Sentinel ${sentinel.address} names ${sentinel.masterAddress} as master, not ${master}`);
    }
    if (sentinel.flags !== 'master')
      problems.push(`Sentinel ${sentinel.address} flags the master ${sentinel.flags}`);
    // Sentinel learns replicas from the master's INFO (every 10 s); one that does not know a replica
    // cannot promote it, so a drill started before that gets no failover.
    if (sentinel.replicas !== replicas) {
      problems.push(`Sentinel ${sentinel.address} knows ${sentinel.replicas} replica(s) (want ${replicas})`);
    }
    if (sentinel.otherSentinels !== others) {
      problems.push(
        `Sentinel ${sentinel.address} sees ${sentinel.otherSentinels} other Sentinels (want ${others})`,
      );
    }
    if (!sentinel.quorumOk) problems.push(`Sentinel ${sentinel.address} CKQUORUM: ${sentinel.quorum}`);
  }
  return { healthy: problems.length === 0, nodes, sentinels, problems };
}

/** Polls until healthy; throws naming what is still wrong after timeoutMs. */
export async function waitForHealthy(
  cluster: ClusterAddresses,
  options: { timeoutMs: number; signal?: AbortSignal; onProgress?: (health: ClusterHealth) => void },
): Promise<ClusterHealth> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const health = await clusterHealth(cluster);
    options.onProgress?.(health);
    if (health.healthy) return health;
    if (Date.now() >= deadline) {
      throw new Error(
        `the lab cluster is not healthy after ${Math.round(options.timeoutMs / 1000)} s:\n${health.problems.map((p) => `  - ${p}`).join('\n')}\nSee the logs under the lab's droplets/ folder, or run \`drillbook lab status\`.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Applies Sentinel timing to a running Sentinel (SENTINEL SET rewrites its config file too). */
export async function setSentinelTiming(
  host: string,
  port: number,
  timing: { downAfterMs: number; failoverTimeoutMs: number },
  password?: string,
): Promise<void> {
  await withClient({ host, port, ...(password ? { password } : {}) }, async (client) => {
    await client.call('SENTINEL', 'SET', MASTER_NAME, 'down-after-milliseconds', String(timing.downAfterMs));
    await client.call('SENTINEL', 'SET', MASTER_NAME, 'failover-timeout', String(timing.failoverTimeoutMs));
  });
}
