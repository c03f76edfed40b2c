// The live cluster view's data: about once a second, ROLE from every Redis node and each Sentinel's view of
// the master (address, s_down/o_down), through the run's connection layer (jump host included). Each poll
// is bounded, so a frozen node shows as "no answer" instead of stalling the view.
import type { ClusterNodeView, ClusterSentinelView, ClusterSnapshot } from '../contract/cluster.js';
import type { ConnectionSettings, RedisPool } from '../targets/redis/connection.js';
import { formatAddress, type NodeAddress } from '../targets/redis/inventory.js';
import { flatToMap, parseRole, type RoleReply } from '../targets/redis/replies.js';

export interface ClusterWatchOptions {
  /** Connections come from here (its own pool: an aborted poll drops only the watch's client). */
  pool: RedisPool;
  redisNodes: readonly NodeAddress[];
  sentinels: readonly NodeAddress[];
  masterName: string;
  redisSettings: ConnectionSettings;
  sentinelSettings: ConnectionSettings;
  intervalMs?: number;
  onSnapshot: (snapshot: ClusterSnapshot) => void;
}

const DEFAULT_INTERVAL_MS = 1000;

function reason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer within the poll';
  return error instanceof Error ? error.message : String(error);
}

async function sentinelView(
  options: ClusterWatchOptions,
  node: NodeAddress,
  signal: AbortSignal,
): Promise<ClusterSentinelView> {
  const view: ClusterSentinelView = {
    name: node.name,
    address: node.address,
    reachable: false,
    masterAddress: null,
    sdown: false,
    odown: false,
  };
  try {
    const call = (...args: string[]) => options.pool.call(node, options.sentinelSettings, args, signal);
    const master = flatToMap(await call('SENTINEL', 'MASTER', options.masterName));
    const flags = String(master.flags ?? '').split(',');
    view.reachable = true;
    view.masterAddress =
      master.ip !== undefined && master.port !== undefined
        ? formatAddress(String(master.ip), Number(master.port))
        : null;
    view.sdown = flags.includes('s_down');
    view.odown = flags.includes('o_down');
  } catch (error) {
    view.error = reason(error);
  }
  return view;
}

/** The nodes to ask: the inventory's, plus any master or replica a Sentinel names that it does not list. */
async function nodesToAsk(
  options: ClusterWatchOptions,
  sentinels: readonly ClusterSentinelView[],
  signal: AbortSignal,
): Promise<NodeAddress[]> {
  const nodes = new Map(options.redisNodes.map((node) => [node.address, node]));
  const add = (host: string, port: number) => {
    const address = formatAddress(host, port);
    if (!nodes.has(address)) nodes.set(address, { name: address, host, port, address, kind: 'redis' });
  };
  const asked = options.sentinels.find((_, i) => sentinels[i]?.reachable);
  for (const view of sentinels) {
    const [host, port] = view.masterAddress?.split(/:(?=\d+$)/) ?? [];
    if (host && port) add(host, Number(port));
  }
  if (asked) {
    try {
      const replicas = await options.pool.call(
        asked,
        options.sentinelSettings,
        ['SENTINEL', 'REPLICAS', options.masterName],
        signal,
      );
      for (const entry of Array.isArray(replicas) ? replicas : []) {
        const fields = flatToMap(entry);
        if (fields.ip !== undefined && fields.port !== undefined) add(String(fields.ip), Number(fields.port));
      }
    } catch {
      // The Sentinel's own view already says whether it answers.
    }
  }
  // A stable order (inventory first, then by address), so rows do not jump as Sentinels name new nodes.
  const known = new Set(options.redisNodes.map((node) => node.address));
  const found = [...nodes.values()].filter((node) => !known.has(node.address));
  found.sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }));
  return [...options.redisNodes, ...found];
}

function nodeViews(
  nodes: readonly NodeAddress[],
  roles: ReadonlyArray<RoleReply | Error>,
): ClusterNodeView[] {
  const masterOffsets = new Map<string, number>();
  nodes.forEach((node, i) => {
    const role = roles[i];
    if (role && !(role instanceof Error) && role.role === 'master')
      masterOffsets.set(node.address, role.offset);
  });
  return nodes.map((node, i): ClusterNodeView => {
    const role = roles[i];
    const base = { name: node.name, address: node.address };
    if (!role || role instanceof Error)
      return { ...base, reachable: false, error: role ? reason(role) : 'no reply' };
    if (role.role === 'master') return { ...base, reachable: true, role: 'master' };
    if (role.role !== 'slave') return { ...base, reachable: true, error: `answers ROLE ${role.role}` };
    const masterOffset = masterOffsets.get(role.master);
    return {
      ...base,
      reachable: true,
      role: 'replica',
      linkUp: role.state === 'connected',
      following: role.master,
      lagBytes:
        masterOffset !== undefined && role.offset >= 0 ? Math.max(0, masterOffset - role.offset) : undefined,
    };
  });
}

/** One snapshot: every Sentinel and every node asked in parallel, each call bounded by the interval. */
export async function takeSnapshot(
  options: ClusterWatchOptions,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<ClusterSnapshot> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = stop ? AbortSignal.any([timeout, stop]) : timeout;
  const sentinels = await Promise.all(options.sentinels.map((node) => sentinelView(options, node, signal)));
  const nodes = await nodesToAsk(options, sentinels, signal);
  const roles = await Promise.all(
    nodes.map((node) =>
      options.pool.call(node, options.redisSettings, ['ROLE'], signal).then(
        (reply) => parseRole(reply) ?? new Error('unreadable ROLE reply'),
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      ),
    ),
  );
  return { masterName: options.masterName, nodes: nodeViews(nodes, roles), sentinels };
}

export interface ClusterWatch {
  stop(): void;
}

/** Polls until stopped; a poll never overlaps the next (a slow cluster is polled less often, not piled up). */
export function startClusterWatch(options: ClusterWatchOptions): ClusterWatch {
  const interval = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    if (stopping.signal.aborted) return;
    const snapshot = await takeSnapshot(options, interval, stopping.signal);
    if (stopping.signal.aborted) {
      // A client the stopped poll opened after stop() closed the pool: close it too.
      options.pool.closeAll();
      return;
    }
    options.onSnapshot(snapshot);
    timer = setTimeout(poll, interval);
  };
  void poll();
  return {
    stop() {
      stopping.abort(new Error('the cluster watch stopped'));
      if (timer) clearTimeout(timer);
      options.pool.closeAll();
    },
  };
}
