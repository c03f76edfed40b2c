// What the coordinated switchover reads while it works (coordinated-switchover.ts): which master each
// Sentinel names, which replicas Sentinel could promote, replication offsets until the replicas catch up,
// and which nodes answer ROLE master at the end.

import { parseInfo } from '../../targets/redis/info.js';
import type { NodeAddress } from '../../targets/redis/inventory.js';
import { formatAddress, parseHostPort } from '../../targets/redis/inventory.js';
import { flatToMap, parseRole } from '../../targets/redis/replies.js';
import { sleep } from '../sleep.js';
import type { ReplicaCatchUp, SwitchoverOptions } from './coordinated-switchover.js';

const POLL_MS = 20;
const SWITCH_POLL_MS = 50;
/** Bound on the calls that repair things after a failure or an abort. */
export const RECOVERY_TIMEOUT_MS = 5000;

export function nodeAt(address: string, options: SwitchoverOptions): NodeAddress {
  const parsed = parseHostPort(address);
  if (!parsed) throw new Error(`Sentinel named "${address}", which is not host:port`);
  return { name: options.nameOf(address), ...parsed, address, kind: 'redis' };
}

export async function masterAddress(
  options: SwitchoverOptions,
  sentinel: NodeAddress,
  signal: AbortSignal,
): Promise<string | null> {
  const reply = await options.pool.call(
    sentinel,
    options.sentinelSettings,
    ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', options.masterName],
    signal,
  );
  if (!Array.isArray(reply) || reply.length < 2) return null;
  return formatAddress(String(reply[0]), Number(reply[1]));
}

/** Replicas Sentinel could promote: known, not down or disconnected, replica-priority above 0. */
export async function candidates(options: SwitchoverOptions): Promise<NodeAddress[]> {
  const reply = await options.pool.call(
    options.via,
    options.sentinelSettings,
    ['SENTINEL', 'REPLICAS', options.masterName],
    options.signal,
  );
  const replicas = (Array.isArray(reply) ? reply : []).map(flatToMap);
  return replicas
    .filter((r) => {
      const flags = String(r.flags ?? '').split(',');
      const bad = flags.some((f) => f === 's_down' || f === 'o_down' || f === 'disconnected');
      return !bad && String(r['slave-priority'] ?? r['replica-priority'] ?? '100') !== '0';
    })
    .map((r) => nodeAt(formatAddress(String(r.ip), Number(r.port)), options));
}

async function replicationOffset(
  options: SwitchoverOptions,
  node: NodeAddress,
  field: 'master_repl_offset' | 'slave_repl_offset',
): Promise<number | null> {
  const text = await options.pool.call(node, options.redisSettings, ['INFO', 'replication'], options.signal);
  const value = parseInfo(String(text)).replication?.[field];
  return value === undefined ? null : Number(value);
}

/** Until every candidate's offset reaches the master's (re-read each time: replication PINGs still flow). */
export async function waitForCatchUp(
  options: SwitchoverOptions,
  master: NodeAddress,
  replicas: readonly NodeAddress[],
): Promise<{ masterOffset: number | null; replicas: ReplicaCatchUp[]; caughtUp: boolean }> {
  const deadline = options.now() + options.catchUpTimeoutMs;
  for (;;) {
    const masterOffset = await replicationOffset(options, master, 'master_repl_offset');
    const states = await Promise.all(
      replicas.map(async (replica) => {
        const offset = await replicationOffset(options, replica, 'slave_repl_offset').catch(() => null);
        return {
          replica: replica.name,
          offset,
          caught_up: offset !== null && masterOffset !== null && offset >= masterOffset,
        };
      }),
    );
    const caughtUp = states.every((s) => s.caught_up);
    if (caughtUp || options.now() >= deadline) return { masterOffset, replicas: states, caughtUp };
    await sleep(POLL_MS, options.signal);
  }
}

/** Until every answering Sentinel (at least a majority) names an address other than the old master's. */
export async function waitForSwitch(
  options: SwitchoverOptions,
  oldMaster: string,
  deadline: number,
): Promise<{ address: string; switched: string[] } | { address: null; switched: string[] }> {
  const majority = Math.floor(options.sentinels.length / 2) + 1;
  for (;;) {
    const named = await Promise.all(
      options.sentinels.map((s) =>
        masterAddress(options, s, options.signal).then(
          (address) => ({ sentinel: s.name, address }),
          () => ({ sentinel: s.name, address: undefined }),
        ),
      ),
    );
    const answering = named.filter((n) => n.address !== undefined);
    const switched = answering.filter((n) => n.address !== null && n.address !== oldMaster);
    const addresses = new Set(switched.map((n) => n.address));
    if (switched.length === answering.length && switched.length >= majority && addresses.size === 1) {
      return { address: switched[0]?.address as string, switched: switched.map((n) => n.sentinel) };
    }
    if (options.now() >= deadline) return { address: null, switched: switched.map((n) => n.sentinel) };
    await sleep(SWITCH_POLL_MS, options.signal);
  }
}

/** SENTINEL MASTER on one Sentinel, as field → value. */
export async function sentinelMasterFields(
  options: Pick<SwitchoverOptions, 'pool' | 'sentinelSettings' | 'masterName'>,
  sentinel: NodeAddress,
  signal: AbortSignal,
): Promise<Record<string, string>> {
  const reply = await options.pool.call(
    sentinel,
    options.sentinelSettings,
    ['SENTINEL', 'MASTER', options.masterName],
    signal,
  );
  return flatToMap(reply) as Record<string, string>;
}

/**
 * Where the Sentinel the failover was sent to stands, in words for an error: the state its failover is in
 * (from SENTINEL MASTER: wait_start, select_slave, wait_promotion, …), or that none is in progress any more
 * (ended or aborted: its log's -failover-abort-* line says why).
 */
export async function failoverStandOf(
  options: Pick<SwitchoverOptions, 'pool' | 'sentinelSettings' | 'masterName' | 'via'>,
): Promise<string> {
  try {
    const fields = await sentinelMasterFields(options, options.via, AbortSignal.timeout(RECOVERY_TIMEOUT_MS));
    const state = fields['failover-state'];
    return state !== undefined
      ? `its failover is at ${state} (flags ${fields.flags})`
      : `it has no failover in progress (flags ${fields.flags}): it ended or was aborted, and its log's -failover-abort-* line says why`;
  } catch (error) {
    return `it did not say where its failover stands (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Which of these nodes answer ROLE master (unreachable ones are left out). */
export async function mastersAmong(
  options: SwitchoverOptions,
  nodes: readonly NodeAddress[],
): Promise<string[]> {
  const signal = AbortSignal.timeout(RECOVERY_TIMEOUT_MS);
  const roles = await Promise.all(
    nodes.map((node) =>
      options.pool
        .call(node, options.redisSettings, ['ROLE'], signal)
        .then((reply) => (parseRole(reply)?.role === 'master' ? node.address : undefined))
        .catch(() => undefined),
    ),
  );
  return roles.filter((address): address is string => address !== undefined);
}
