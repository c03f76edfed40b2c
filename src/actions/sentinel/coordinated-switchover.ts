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
import { type NodeAddress, parseHostPort } from '../../targets/redis/inventory.js';
import {
  candidates,
  failoverStandOf,
  masterAddress,
  mastersAmong,
  nodeAt,
  RECOVERY_TIMEOUT_MS,
  waitForCatchUp,
  waitForSwitch,
} from './switchover-observe.js';
import { type RaisedPatience, raisePatience, restorePatience } from './switchover-patience.js';

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
  /** Sentinels whose down-after-milliseconds was raised for the pause, and put back (switchover-patience.ts). */
  sentinel_patience: Array<{ sentinel: string; down_after_ms: number; during_pause_ms: number }>;
  error?: string;
}

/** Demotion must be sent this long before the pause would end by itself. */
const PAUSE_MARGIN_MS = 500;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function label(node: NodeAddress): string {
  return node.name === node.address ? node.address : `${node.name} (${node.address})`;
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
    sentinel_patience: [],
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
  let raised: RaisedPatience[] = [];
  try {
    // The pause must not outlast any Sentinel's patience with the master it holds.
    raised = await raisePatience(options, options.pauseTimeoutMs + PAUSE_MARGIN_MS);
    result.sentinel_patience = raised.map((r) => ({
      sentinel: options.nameOf(r.sentinel.address),
      down_after_ms: r.fromMs,
      during_pause_ms: r.toMs,
    }));
    if (raised.length > 0) {
      options.phase(
        'sentinel-patience',
        `down-after-milliseconds ${raised.map((r) => r.fromMs).join('/')} → ${raised[0]?.toMs} ms on ${raised.length} Sentinel(s) for the pause`,
      );
    }
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
    let switched = await waitForSwitch(options, before, deadline);
    if (!switched.address) {
      // The failover Sentinel accepted may still be under way: unpausing now would let it finish behind the
      // operator's back while the old master takes writes it then loses. Follow it a while longer; if the
      // pause runs out meanwhile, the result says so.
      options.say(
        `no new master named by every Sentinel within the pause; following the failover ${RECOVERY_TIMEOUT_MS / 1000} s longer`,
      );
      switched = await waitForSwitch(options, before, options.now() + RECOVERY_TIMEOUT_MS);
    }
    result.sentinels_switched = switched.switched;
    if (!switched.address) {
      result.outcome = 'not-confirmed';
      const stand = await failoverStandOf(options);
      await settle();
      result.error = `not every Sentinel named a new master within the ${options.pauseTimeoutMs} ms pause, nor ${RECOVERY_TIMEOUT_MS / 1000} s after it (switched: ${switched.switched.join(', ') || 'none'}; ${label(via)}: ${stand}); ${result.master_after === before ? `the Sentinels' majority still names ${before}` : `the majority names ${result.master_after}, so ${before} was made its replica`}; writes resumed`;
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
    const left = await restorePatience(options, raised);
    if (left.length > 0) {
      options.say(`down-after-milliseconds could not be put back; run: ${left.join('; ')}`);
      result.error = `${result.error ? `${result.error}; ` : ''}down-after-milliseconds was left raised: ${left.join('; ')}`;
      result.ok = false;
    }
    result.masters = await mastersAmong(options, [master, ...replicas]);
  }
}
