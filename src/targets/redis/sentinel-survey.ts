// What every Sentinel thinks, gathered in parallel: TILT, its view of the master (flags, counts), the
// address it names, and optionally CKQUORUM and its lists of replicas and other Sentinels.
import type { ConnectionSettings, RedisPool } from './connection.js';
import { RedisTargetError } from './errors.js';
import { parseInfo } from './info.js';
import type { NodeAddress } from './inventory.js';
import { type FieldMap, flatToMap } from './replies.js';

export interface SentinelState {
  node: string;
  address: string;
  error?: string;
  tilt: boolean;
  tiltSinceSeconds?: number;
  /** SENTINEL MASTER <name>, when this Sentinel monitors it. */
  master?: FieldMap;
  /** What SENTINEL GET-MASTER-ADDR-BY-NAME answers: host:port, or null. */
  masterAddress: string | null;
  ckquorum?: { ok: boolean; message: string };
  replicas?: FieldMap[];
  sentinels?: FieldMap[];
}

export interface Agreement {
  sameMaster: boolean;
  master: string | null;
  /** Sentinel name → the master address it names (null: none / unreachable). */
  masters: Record<string, string | null>;
  /** Sentinel name → its flags for the master, e.g. ['master'] or ['s_down', 'master', 'disconnected']. */
  flags: Record<string, string[]>;
  sdownSeenBy: string[];
  odownSeenBy: string[];
  tilt: string[];
  unreachable: string[];
  /**
   * The Sentinels that answered (the others are in unreachable), those not in TILT first, each group in the
   * order the run knows them: where a command for one Sentinel goes when the first of the list may be the one
   * that is down, or in TILT (it accepts a command but does not act on it until TILT ends).
   */
  reachable: string[];
  /** Sentinel name → the config-epoch it reports for the master (those that answered and report one). */
  configEpochs: Record<string, number>;
  /** The highest of configEpochs: the configuration every Sentinel adopts once it hears of it (null: none). */
  configEpoch: number | null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function surveySentinels(
  pool: RedisPool,
  sentinels: readonly NodeAddress[],
  settings: ConnectionSettings,
  masterName: string,
  options: { deep: boolean; signal?: AbortSignal },
): Promise<SentinelState[]> {
  const { signal } = options;
  return Promise.all(
    sentinels.map(async (node): Promise<SentinelState> => {
      const state: SentinelState = {
        node: node.name,
        address: node.address,
        tilt: false,
        masterAddress: null,
      };
      const call = (...args: string[]) => pool.call(node, settings, args, signal);
      try {
        const info = parseInfo(String(await call('INFO', 'sentinel'))).sentinel;
        state.tilt = (info?.sentinel_tilt ?? 0) === 1;
        const since = info?.sentinel_tilt_since_seconds;
        if (typeof since === 'number' && since >= 0) state.tiltSinceSeconds = since;
        const address = await call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName);
        state.masterAddress =
          Array.isArray(address) && address.length >= 2 ? `${address[0]}:${address[1]}` : null;
        state.master = flatToMap(await call('SENTINEL', 'MASTER', masterName));
        if (options.deep) {
          try {
            const reply = String(await call('SENTINEL', 'CKQUORUM', masterName));
            state.ckquorum = { ok: reply.startsWith('OK'), message: reply };
          } catch (error) {
            if (signal?.aborted) throw error;
            state.ckquorum = {
              ok: false,
              message: error instanceof RedisTargetError ? error.original : message(error),
            };
          }
          state.replicas = ((await call('SENTINEL', 'REPLICAS', masterName)) as unknown[]).map(flatToMap);
          state.sentinels = ((await call('SENTINEL', 'SENTINELS', masterName)) as unknown[]).map(flatToMap);
        }
      } catch (error) {
        if (signal?.aborted) throw error;
        state.error = message(error);
      }
      return state;
    }),
  );
}

/** Every master and replica address the Sentinels name (from a deep survey), e.g. to forward in advance. */
export function addressesNamed(states: readonly SentinelState[]): string[] {
  const addresses = new Set<string>();
  for (const state of states) {
    if (state.masterAddress) addresses.add(state.masterAddress);
    for (const replica of state.replicas ?? []) addresses.add(`${replica.ip}:${replica.port}`);
  }
  return [...addresses];
}

export function flagsOf(fields: FieldMap | undefined): string[] {
  const flags = fields?.flags;
  return typeof flags === 'string' && flags ? flags.split(',') : [];
}

/** The address most Sentinels name (ties: the first one seen); null when none names any. */
export function majorityAddress(states: readonly SentinelState[]): string | null {
  const counts = new Map<string, number>();
  for (const state of states) {
    if (state.masterAddress) counts.set(state.masterAddress, (counts.get(state.masterAddress) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [address, count] of counts) {
    if (count > bestCount) {
      best = address;
      bestCount = count;
    }
  }
  return best;
}

export function agreementOf(states: readonly SentinelState[]): Agreement {
  const reachable = states.filter((s) => !s.error);
  const addresses = new Set(reachable.map((s) => s.masterAddress));
  const sameMaster = reachable.length > 0 && addresses.size === 1 && !addresses.has(null);
  const flags: Record<string, string[]> = {};
  const configEpochs: Record<string, number> = {};
  for (const state of reachable) {
    flags[state.node] = flagsOf(state.master);
    const epoch = state.master?.['config-epoch'];
    if (typeof epoch === 'number') configEpochs[state.node] = epoch;
  }
  const epochs = Object.values(configEpochs);
  return {
    sameMaster,
    master: sameMaster ? (reachable[0]?.masterAddress ?? null) : majorityAddress(states),
    masters: Object.fromEntries(states.map((s) => [s.node, s.error ? null : s.masterAddress])),
    flags,
    sdownSeenBy: reachable.filter((s) => flags[s.node]?.includes('s_down')).map((s) => s.node),
    odownSeenBy: reachable.filter((s) => flags[s.node]?.includes('o_down')).map((s) => s.node),
    tilt: reachable.filter((s) => s.tilt).map((s) => s.node),
    unreachable: states.filter((s) => s.error).map((s) => s.node),
    reachable: [...reachable.filter((s) => !s.tilt), ...reachable.filter((s) => s.tilt)].map((s) => s.node),
    configEpochs,
    configEpoch: epochs.length ? Math.max(...epochs) : null,
  };
}
