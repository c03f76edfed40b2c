// A coordinated, zero-loss switchover for a Sentinel-managed master (Sentinel has none of its own:
// redis/redis#13118). Writes are paused on the master (CLIENT PAUSE … WRITE: reads go on, write commands
// block until the pause ends), every replica Sentinel may promote catches up to the master's offset,
// SENTINEL FAILOVER promotes one, and once every Sentinel names the new master the old one is made its
// replica *before* it is unpaused — so the writes that were waiting fail with READONLY instead of being
// acknowledged by a master about to be demoted. Every failure path unpauses and leaves one master.
//
// Why we demote the old master ourselves: under CLIENT PAUSE WRITE, Sentinel's own PUBLISH of its hello
// message to the master blocks, and the INFO it would send after it queues behind it, so Sentinel cannot
// see (and convert) the old master until the pause ends. REPLICAOF is not a write command and runs at once.
import type { ConnectionSettings, RedisPool } from '../../targets/redis/connection.js';
import { parseInfo } from '../../targets/redis/info.js';
import { formatAddress, type NodeAddress, parseHostPort } from '../../targets/redis/inventory.js';
import { flatToMap, parseRole } from '../../targets/redis/replies.js';

export interface SwitchoverOptions {
  pool: RedisPool;
  /** Every Sentinel that must name the new master before the old one is demoted. */
  sentinels: readonly NodeAddress[];
  /** The Sentinel sent SENTINEL FAILOVER. */
  via: NodeAddress;
  sentinelSettings: ConnectionSettings;
  redisSettings: ConnectionSettings;
  masterName: string;
  /** CLIENT PAUSE's own timeout: the pause ends by itself after this even if drillbook dies. */
  pauseTimeoutMs: number;
  /** How long the replicas get to reach the master's offset. */
  catchUpTimeoutMs: number;
  signal: AbortSignal;
  now(): number;
  /** Inventory name for an address, for messages. */
  nameOf(address: string): string;
  /** A phase for the timeline; fault marks the moment the drill measures from. */
  phase(name: string, detail: string, fault?: boolean): void;
  say(line: string): void;
}

export interface ReplicaCatchUp {
  replica: string;
  offset: number | null;
  caught_up: boolean;
}

export interface SwitchoverResult {
  ok: boolean;
  /** switched; or where it stopped: no-candidate, catch-up, refused, not-confirmed, aborted. */
  outcome: 'switched' | 'no-candidate' | 'catch-up' | 'refused' | 'not-confirmed' | 'aborted';
  master_before: string;
  master_after: string | null;
  /** Monotonic ms of CLIENT PAUSE and CLIENT UNPAUSE; pause_ms is the time writes were held. */
  paused_at: number | null;
  unpaused_at: number | null;
  pause_ms: number | null;
  pause_timeout_ms: number;
  /** true when the pause ran out before the old master was demoted (writes could be acknowledged there). */
  pause_expired: boolean;
  master_offset: number | null;
  replicas: ReplicaCatchUp[];
  catch_up_ms: number | null;
  /** SENTINEL FAILOVER → every Sentinel names the new master. */
  switch_ms: number | null;
  sentinels_switched: string[];
  /** Nodes answering ROLE master at the end: exactly one when the switchover left the cluster sound. */
  masters: string[];
  error?: string;
}

const POLL_MS = 20;
const SWITCH_POLL_MS = 50;
/** Demotion must be sent this long before the pause would end by itself. */
const PAUSE_MARGIN_MS = 500;
/** Bound on the calls that repair things after a failure or an abort. */
const RECOVERY_TIMEOUT_MS = 5000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error('aborted'));
      },
      { once: true },
    );
  });

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function nodeAt(address: string, options: SwitchoverOptions): NodeAddress {
  const parsed = parseHostPort(address);
  if (!parsed) throw new Error(`Sentinel named "${address}", which is not host:port`);
  return { name: options.nameOf(address), ...parsed, address, kind: 'redis' };
}

function label(node: NodeAddress): string {
  return node.name === node.address ? node.address : `${node.name} (${node.address})`;
}

async function masterAddress(
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
async function candidates(options: SwitchoverOptions): Promise<NodeAddress[]> {
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
async function waitForCatchUp(
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
async function waitForSwitch(
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

/** Which of these nodes answer ROLE master (unreachable ones are left out). */
async function mastersAmong(options: SwitchoverOptions, nodes: readonly NodeAddress[]): Promise<string[]> {
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

export async function switchover(options: SwitchoverOptions): Promise<SwitchoverResult> {
  const { pool, redisSettings, masterName, via } = options;
  const before = await masterAddress(options, via, options.signal);
  if (!before) {
    throw new Error(`${label(via)} does not monitor a master named "${masterName}"; check master=`);
  }
  const master = nodeAt(before, options);
  const result: SwitchoverResult = {
    ok: false,
    outcome: 'no-candidate',
    master_before: before,
    master_after: null,
    paused_at: null,
    unpaused_at: null,
    pause_ms: null,
    pause_timeout_ms: options.pauseTimeoutMs,
    pause_expired: false,
    master_offset: null,
    replicas: [],
    catch_up_ms: null,
    switch_ms: null,
    sentinels_switched: [],
    masters: [before],
  };
  const replicas = await candidates(options);
  if (replicas.length === 0) {
    result.error = `${label(via)} knows no replica of ${masterName} it could promote (all down, disconnected or replica-priority 0); nothing was paused, ${before} is still the master`;
    return result;
  }

  const recovery = () => AbortSignal.timeout(RECOVERY_TIMEOUT_MS);
  const unpause = async () => {
    if (result.paused_at === null || result.unpaused_at !== null) return;
    await pool.call(master, redisSettings, ['CLIENT', 'UNPAUSE'], recovery());
    result.unpaused_at = options.now();
    result.pause_ms = Math.round(result.unpaused_at - result.paused_at);
    options.phase('write-unpause', `CLIENT UNPAUSE on ${label(master)} after ${result.pause_ms} ms`);
  };
  const demote = async (to: string, signal: AbortSignal) => {
    const target = parseHostPort(to);
    if (!target) return;
    if (result.paused_at !== null && options.now() >= result.paused_at + options.pauseTimeoutMs) {
      result.pause_expired = true;
    }
    await pool.call(master, redisSettings, ['REPLICAOF', target.host, String(target.port)], signal);
    options.phase('old-master-demoted', `REPLICAOF ${target.host} ${target.port} on ${label(master)}`);
  };
  /** After SENTINEL FAILOVER went out and something failed: follow the Sentinels' majority, then unpause. */
  const settle = async (): Promise<void> => {
    const signal = recovery();
    const named = await Promise.all(
      options.sentinels.map((s) => masterAddress(options, s, signal).catch(() => null)),
    );
    const counts = new Map<string, number>();
    for (const address of named) if (address) counts.set(address, (counts.get(address) ?? 0) + 1);
    const [leader, votes] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
    const majority = Math.floor(options.sentinels.length / 2) + 1;
    if (leader && leader !== before && votes >= majority) {
      await demote(leader, signal).catch((error) =>
        options.say(`demoting ${before} failed: ${message(error)}`),
      );
      result.master_after = leader;
    } else {
      result.master_after = before;
    }
  };

  let failoverSent = false;
  try {
    const pausedAt = options.now();
    await pool.call(
      master,
      redisSettings,
      ['CLIENT', 'PAUSE', String(options.pauseTimeoutMs), 'WRITE'],
      options.signal,
    );
    result.paused_at = pausedAt;
    options.phase(
      'switchover',
      `CLIENT PAUSE ${options.pauseTimeoutMs} WRITE on ${label(master)}, then SENTINEL FAILOVER ${masterName} via ${label(via)}`,
      true,
    );
    options.say(`writes paused on ${label(master)} (safety timeout ${options.pauseTimeoutMs} ms)`);

    const catchUp = await waitForCatchUp(options, master, replicas);
    result.master_offset = catchUp.masterOffset;
    result.replicas = catchUp.replicas;
    if (!catchUp.caughtUp) {
      result.outcome = 'catch-up';
      const behind = catchUp.replicas
        .filter((r) => !r.caught_up)
        .map((r) => `${r.replica} at ${r.offset ?? 'unknown'}`)
        .join(', ');
      result.error = `replicas did not reach the master's offset ${catchUp.masterOffset} within ${options.catchUpTimeoutMs} ms (${behind}); no failover was started, writes resumed on ${before}, which is still the only master — check the replicas' links (redis verify=replication) and retry`;
      return result;
    }
    result.catch_up_ms = Math.round(options.now() - pausedAt);
    options.phase(
      'replicas-caught-up',
      `${catchUp.replicas.map((r) => r.replica).join(', ')} at offset ${catchUp.masterOffset} after ${result.catch_up_ms} ms`,
    );

    const sentAt = options.now();
    try {
      await pool.call(
        options.via,
        options.sentinelSettings,
        ['SENTINEL', 'FAILOVER', masterName],
        options.signal,
      );
    } catch (error) {
      if (options.signal.aborted) throw error;
      result.outcome = 'refused';
      result.error = `${label(via)} refused SENTINEL FAILOVER: ${message(error)}; writes resumed on ${before}, which is still the only master`;
      return result;
    }
    failoverSent = true;
    options.phase('failover-sent', `SENTINEL FAILOVER ${masterName} on ${label(via)}`);
    const deadline = pausedAt + options.pauseTimeoutMs - PAUSE_MARGIN_MS;
    const switched = await waitForSwitch(options, before, deadline);
    result.sentinels_switched = switched.switched;
    if (!switched.address) {
      result.outcome = 'not-confirmed';
      await settle();
      result.error = `not every Sentinel named a new master within the ${options.pauseTimeoutMs} ms pause (switched: ${switched.switched.join(', ') || 'none'}); ${result.master_after === before ? `the Sentinels' majority still names ${before}` : `the majority names ${result.master_after}, so ${before} was made its replica`}; writes resumed`;
      return result;
    }
    result.switch_ms = Math.round(options.now() - sentAt);
    options.phase(
      'switch-master-all',
      `every Sentinel names ${switched.address} (${result.switch_ms} ms after SENTINEL FAILOVER)`,
    );
    await demote(switched.address, options.signal);
    result.master_after = switched.address;
    result.outcome = 'switched';
    result.ok = !result.pause_expired;
    if (result.pause_expired) {
      result.error = `the ${options.pauseTimeoutMs} ms pause ran out before ${before} was demoted: writes it acknowledged after that are lost; allow a longer pause-timeout=`;
    }
    return result;
  } catch (error) {
    if (failoverSent) await settle().catch(() => undefined);
    result.outcome = options.signal.aborted ? 'aborted' : result.outcome;
    result.error = `${message(error)}; writes were resumed on ${before}`;
    if (!options.signal.aborted) return result;
    throw error;
  } finally {
    await unpause().catch((error) =>
      options.say(
        `CLIENT UNPAUSE on ${before} failed (${message(error)}); the pause ends by itself after ${options.pauseTimeoutMs} ms`,
      ),
    );
    result.masters = await mastersAmong(options, [master, ...replicas]);
  }
}
