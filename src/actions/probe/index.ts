// ```probe — starts a background writer that connects like the application (Sentinel mode) and, on stop,
// states what the application lived through: unavailability, lost acknowledged writes, failover phases.

import type { ActionContext, ActionKind, ActionOutcome } from '../../contract/action.js';
import { formatDuration } from '../../contract/format.js';
import { failoverPhases } from '../../drill/phases.js';
import { type HostPort, Probe } from '../../drill/probe.js';
import { type AvailabilitySummary, summarizeWrites, type WriteRecord } from '../../drill/probe-stats.js';
import { readBack, waitForSettledMaster } from '../../drill/readback.js';
import { bucketWrites } from '../../drill/series.js';
import { readSettings } from '../../drill/settings.js';
import { type AddressMap, addressMap } from '../../targets/redis/address-map.js';
import { type ConnectionSettings, runPool } from '../../targets/redis/connection.js';
import {
  inventoryRedisNodes,
  type NodeAddress,
  resolveAllSentinels,
  resolveNodeList,
} from '../../targets/redis/inventory.js';
import { addressesNamed, surveySentinels } from '../../targets/redis/sentinel-survey.js';
import { connectionSettings } from '../redis/connection-attributes.js';
import { watchCluster } from './cluster.js';
import { type ProbeSpec, parseProbe, probeAttributes, withMasterName } from './spec.js';

interface RunningProbe {
  probe: Probe;
  startedAt: number;
  sentinels: HostPort[];
  addresses: AddressMap;
}

interface Reach {
  redis: ConnectionSettings;
  sentinel: ConnectionSettings;
}

const KEY_TTL_SECONDS = 86_400;

function runningProbes(ctx: ActionContext): Map<string, RunningProbe> {
  return ctx.resources.get(
    'probes',
    () => new Map<string, RunningProbe>(),
    (probes) => {
      for (const running of probes.values()) {
        running.probe.close();
        running.addresses.close();
      }
      probes.clear();
    },
  );
}

function sentinelsFor(spec: ProbeSpec, ctx: ActionContext): NodeAddress[] {
  return spec.sentinels ? resolveNodeList(spec.sentinels, ctx) : resolveAllSentinels(ctx);
}

/** The same connection layer as every redis/sentinel block: credentials, timeouts and the run's jump host. */
function reachFor(spec: ProbeSpec, ctx: ActionContext): Reach {
  return {
    redis: connectionSettings({}, ctx, spec.passwordVar),
    sentinel: connectionSettings({}, ctx, spec.sentinelPasswordVar),
  };
}

/**
 * The probe's address map. Through a jump host, every address a failover may switch to (the inventory's
 * Redis nodes and whatever the Sentinels name) is forwarded before the first write, so the switch to the
 * new master is as quick as it is directly.
 */
async function probeAddresses(
  spec: ProbeSpec,
  ctx: ActionContext,
  sentinels: NodeAddress[],
  reach: Reach,
): Promise<AddressMap> {
  const addresses = await addressMap(reach.redis);
  if (addresses.via === undefined) return addresses;
  try {
    const states = await surveySentinels(runPool(ctx.resources), sentinels, reach.sentinel, spec.masterName, {
      deep: true,
      signal: ctx.signal,
    });
    await addresses.prepare([
      ...sentinels.map((s) => s.address),
      ...inventoryRedisNodes(ctx).map((n) => n.address),
      ...addressesNamed(states),
    ]);
    return addresses;
  } catch (error) {
    addresses.close();
    throw error;
  }
}

async function start(spec: ProbeSpec, ctx: ActionContext): Promise<ActionOutcome> {
  const probes = runningProbes(ctx);
  if (probes.has(spec.name)) {
    return {
      ok: false,
      summary: `probe ${spec.name} is already running`,
      error: `${ctx.runbook.file}:${ctx.action.loc.line}: probe ${spec.name} is already running; stop it first or use another name=`,
    };
  }
  const nodes = sentinelsFor(spec, ctx);
  const sentinels = nodes.map(({ host, port }) => ({ host, port }));
  const reach = reachFor(spec, ctx);
  const where = nodes.map((s) => s.address).join(', ');
  let addresses: AddressMap;
  try {
    addresses = await probeAddresses(spec, ctx, nodes, reach);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return {
      ok: false,
      summary: `probe ${spec.name} could not reach the Sentinels`,
      error: `probe ${spec.name}: reaching Sentinels ${where}: ${(error as Error).message}`,
    };
  }
  const probe = new Probe({
    name: spec.name,
    runId: ctx.runId,
    sentinels,
    addresses,
    masterName: spec.masterName,
    password: reach.redis.password,
    username: reach.redis.username,
    sentinelPassword: reach.sentinel.password,
    reach: reach.redis.reach,
    ratePerSecond: spec.ratePerSecond,
    writeTimeoutMs: spec.writeTimeoutMs,
    keyTtlSeconds: KEY_TTL_SECONDS,
    now: () => ctx.now(),
    onMilestone: (name, detail) => ctx.timeline('probe', name, detail),
  });
  let master: string;
  try {
    master = await probe.start();
  } catch (error) {
    probe.close();
    addresses.close();
    const via = addresses.via ? ` via ${addresses.via}` : '';
    return {
      ok: false,
      summary: `probe ${spec.name} could not connect through Sentinel`,
      error: `probe ${spec.name}: connecting through Sentinels ${where}${via} for "${spec.masterName}" failed: ${(error as Error).message}. Check that the Sentinels run and know the master (sentinel node=all SENTINEL MASTERS).`,
    };
  }
  probes.set(spec.name, { probe, startedAt: ctx.now(), sentinels, addresses });
  watchCluster(spec, ctx, nodes);
  const data = { running: true, master_before: master, rate_per_second: spec.ratePerSecond };
  ctx.publish(`probe.${spec.name}`, data);
  return {
    ok: true,
    summary: `probe ${spec.name} writing ${spec.ratePerSecond}/s to ${master} via Sentinel`,
    data,
  };
}

/**
 * The writes the old master acknowledged after the fault (a partitioned or demoted master's split brain),
 * and how long after the fault it acknowledged the last of them: with min-replicas-to-write that window
 * ends once its replica has been silent for min-replicas-max-lag seconds.
 */
export function splitBrain(
  records: readonly WriteRecord[],
  oldMaster: string | null,
  faultAt: number | null,
): { writes: number; windowMs: number | null } {
  if (oldMaster === null || faultAt === null) return { writes: 0, windowMs: null };
  const late = records.filter(
    (r) => r.outcome === 'acknowledged' && r.master === oldMaster && r.sentAt >= faultAt,
  );
  const last = late.reduce((latest, r) => Math.max(latest, r.doneAt), Number.NEGATIVE_INFINITY);
  return { writes: late.length, windowMs: late.length > 0 ? Math.round(last - faultAt) : null };
}

/** The figures of a stopped probe, with the bucketed series its charts are drawn from. */
function writeFigures(writes: AvailabilitySummary, records: readonly WriteRecord[]) {
  return {
    attempted: writes.attempted,
    acknowledged: writes.acknowledged,
    failed: writes.failed,
    indeterminate: writes.indeterminate,
    unavailable_ms: writes.unavailableMs ?? 0,
    writes_recovered: writes.recovered,
    longest_gap_ms: writes.longestGapMs,
    first_failure_at: writes.firstFailureAt,
    recovered_at: writes.recoveredAt,
    latency_ms: writes.latencyMs,
    series: bucketWrites(records),
  };
}

async function stop(spec: ProbeSpec, ctx: ActionContext): Promise<ActionOutcome> {
  const probes = runningProbes(ctx);
  const running = probes.get(spec.name);
  if (!running) {
    return {
      ok: false,
      summary: `probe ${spec.name} is not running`,
      error: `${ctx.runbook.file}:${ctx.action.loc.line}: no probe named ${spec.name} is running in this process; add a \`probe name=${spec.name}\` block with \`start\` before this one — or, after --resume, run again from the step that starts it (a probe does not survive a restart of drillbook)`,
    };
  }
  probes.delete(spec.name);
  // One budget, settle=, covers both writing on until writes recover and waiting for a settled cluster.
  const stoppedAt = Date.now();
  const run = await running.probe.stop({
    recoverWithinMs: spec.settleMs,
    signal: ctx.signal,
    onWaiting: () =>
      ctx.progress(
        `probe ${spec.name}: writes are failing; writing on until one is acknowledged again (up to ${formatDuration(spec.settleMs)}, settle=)`,
      ),
  });
  running.addresses.close();
  const writes = summarizeWrites(run.records);
  ctx.progress(
    `probe ${spec.name}: ${writes.attempted} writes; waiting for one master with every replica linked`,
  );
  const reach = reachFor(spec, ctx);
  let master: HostPort;
  try {
    master = await waitForSettledMaster({
      sentinels: running.sentinels,
      masterName: spec.masterName,
      ...reach,
      timeoutMs: spec.settleMs,
      since: stoppedAt,
      signal: ctx.signal,
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const data = {
      running: false,
      settled: false,
      ...writeFigures(writes, run.records),
      master_before: run.masterBefore,
    };
    ctx.publish(`probe.${spec.name}`, data);
    return {
      ok: false,
      summary: `probe ${spec.name}: no settled failover — ${writes.acknowledged}/${writes.attempted} acknowledged`,
      data,
      error: `probe ${spec.name}: ${(error as Error).message}`,
    };
  }
  ctx.progress(
    `probe ${spec.name}: reading back ${writes.attempted} keys from ${master.host}:${master.port}`,
  );
  const back = await readBack(master, run.records, { redis: reach.redis, signal: ctx.signal });
  const settings = await readSettings(running.sentinels[0] ?? master, master, spec.masterName, {
    ...reach,
    signal: ctx.signal,
  });
  const phases = failoverPhases(ctx.timelineSince?.(running.startedAt) ?? []);
  const splitBrainFigures = splitBrain(run.records, run.masterBefore, phases.fault?.at ?? null);
  const data = {
    running: false,
    settled: true,
    ...writeFigures(writes, run.records),
    lost_acknowledged: back.lostAcknowledged.count,
    lost_acknowledged_keys: back.lostAcknowledged.firstKeys,
    unacknowledged_present: back.unacknowledgedPresent.count,
    unacknowledged_present_keys: back.unacknowledgedPresent.firstKeys,
    master_before: run.masterBefore,
    master_after: back.master,
    failed_over: run.masterBefore !== back.master,
    switch_seen_at: run.switchMasterSeenAt,
    split_brain_writes: splitBrainFigures.writes,
    split_brain_window_ms: splitBrainFigures.windowMs,
    phases,
    settings,
    client_options: run.clientOptions,
  };
  ctx.publish(`probe.${spec.name}`, data);
  const lost =
    data.lost_acknowledged === 0
      ? 'no acknowledged write lost'
      : `${data.lost_acknowledged} ACKNOWLEDGED WRITES LOST`;
  const unavailable =
    data.writes_recovered === false
      ? `writes failing for the last ${data.unavailable_ms} ms, not recovered when the probe stopped`
      : data.unavailable_ms > 0
        ? `unavailable ${data.unavailable_ms} ms`
        : 'no failed writes';
  return {
    ok: true,
    summary: `probe ${spec.name}: ${writes.acknowledged}/${writes.attempted} acknowledged, ${unavailable}, ${lost}`,
    data,
    view: { kind: 'probe', probe: spec.name, result: data },
  };
}

export const probeAction: ActionKind<ProbeSpec> = {
  kind: 'probe',
  description:
    'Background writer connected through Sentinel like the application; measures unavailability and data loss',
  attributes: probeAttributes,
  defaultSafety: () => 'safe',
  parse: parseProbe,
  publishes: (spec) => [`probe.${spec.name}`],
  /** A destructive block is confirmed by typing the probe's name. */
  async confirmation(written, ctx) {
    const spec = withMasterName(written, ctx.vars);
    const does =
      spec.verb === 'start'
        ? `starts the probe ${spec.name}: a client writing ${spec.ratePerSecond} keys a second to the master of ${spec.masterName}, found through the Sentinels as the application finds it`
        : `stops the probe ${spec.name} and reads back every write it saw acknowledged`;
    return { does, typeToConfirm: spec.name };
  },
  preview(written, ctx) {
    const spec = withMasterName(written, ctx.vars);
    const sentinels = (() => {
      try {
        return sentinelsFor(spec, ctx)
          .map((s) => s.address)
          .join(', ');
      } catch {
        return spec.sentinels ?? 'all Sentinels (not known yet)';
      }
    })();
    return spec.verb === 'start'
      ? [
          `probe ${spec.name}: write ${spec.ratePerSecond}/s to "${spec.masterName}" found through ${sentinels}`,
        ]
      : [`probe ${spec.name}: stop, wait for one settled master, read back every acknowledged key`];
  },
  run: (written, ctx) => {
    const spec = withMasterName(written, ctx.vars);
    return spec.verb === 'start' ? start(spec, ctx) : stop(spec, ctx);
  },
};
