// ```sentinel op=switchover node=sentinel-1 — the zero-loss planned switchover, with each phase on the
// drill timeline (source "switchover") and the pause it cost in the result.
import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { type ConnectionSettings, runPool } from '../../targets/redis/connection.js';
import { formatAddress, type NodeAddress, runInventory } from '../../targets/redis/inventory.js';
import { durationAttribute } from '../redis/connection-attributes.js';
import { runFaults } from '../redis/execute.js';
import { switchover } from './coordinated-switchover.js';
import type { SentinelSpec } from './spec.js';

export const DEFAULT_PAUSE_TIMEOUT_MS = 10_000;
export const DEFAULT_CATCH_UP_MS = 5_000;

export interface SwitchoverInput {
  spec: SentinelSpec;
  ctx: ActionContext;
  via: NodeAddress;
  sentinels: NodeAddress[];
  masterName: string;
  sentinelSettings: ConnectionSettings;
  redisSettings: ConnectionSettings;
}

/** The inventory's name for an address (redis-2), else the address itself. */
function namer(ctx: ActionContext): (address: string) => string {
  const byAddress = new Map(
    Object.entries(runInventory(ctx)).map(([name, node]) => [formatAddress(node.host, node.port), name]),
  );
  return (address) => byAddress.get(address) ?? address;
}

export function switchoverPreview(spec: SentinelSpec, masterName: string, node: string): string[] {
  const pause = spec.attrs['pause-timeout'] ?? '10s';
  return [
    `switchover of ${masterName} via ${node}:`,
    `  SENTINEL SET down-after-milliseconds to at least the pause on every Sentinel, put back after it`,
    `  CLIENT PAUSE WRITE on the master (ends by itself after ${pause})`,
    `  wait until every replica Sentinel may promote has the master's offset (at most ${spec.attrs['catch-up'] ?? '5s'})`,
    '  SENTINEL FAILOVER, wait until every Sentinel names the new master',
    '  REPLICAOF the new master on the old one, CLIENT UNPAUSE',
  ];
}

/** node=all: the first Sentinel, in the run's order, that answers PING runs the failover. */
async function firstAnswering(input: SwitchoverInput): Promise<NodeAddress> {
  if (!input.spec.all) return input.via;
  const pool = runPool(input.ctx.resources);
  for (const sentinel of input.sentinels) {
    const answered = await pool.call(sentinel, input.sentinelSettings, ['PING'], input.ctx.signal).then(
      () => true,
      () => false,
    );
    if (answered) return sentinel;
  }
  throw new Error(`none of the Sentinels answers (${input.sentinels.map((s) => s.address).join(', ')})`);
}

export async function runSwitchover(input: SwitchoverInput): Promise<ActionOutcome> {
  const { spec, ctx, masterName } = input;
  const rendered = (name: 'pause-timeout' | 'catch-up') => {
    const text = spec.attrs[name];
    return text === undefined ? undefined : ctx.render(text);
  };
  const pauseTimeoutMs = durationAttribute(
    'pause-timeout',
    rendered('pause-timeout'),
    DEFAULT_PAUSE_TIMEOUT_MS,
  );
  const catchUpTimeoutMs = durationAttribute('catch-up', rendered('catch-up'), DEFAULT_CATCH_UP_MS);
  if (catchUpTimeoutMs >= pauseTimeoutMs) {
    throw new Error(
      `catch-up=${rendered('catch-up') ?? '5s'} must be shorter than the pause it runs in (pause-timeout=${rendered('pause-timeout') ?? '10s'})`,
    );
  }
  if (ctx.dryRun) {
    return { ok: true, summary: `switchover of ${masterName}: dry run, nothing sent` };
  }
  const result = await switchover({
    pool: runPool(ctx.resources),
    sentinels: input.sentinels,
    via: await firstAnswering(input),
    sentinelSettings: input.sentinelSettings,
    redisSettings: input.redisSettings,
    masterName,
    pauseTimeoutMs,
    catchUpTimeoutMs,
    signal: ctx.signal,
    now: () => ctx.now(),
    nameOf: namer(ctx),
    phase: (name, detail, fault) => {
      if (fault) {
        ctx.timeline('fault', name, detail);
        runFaults(ctx.resources).push(ctx.now());
      } else {
        ctx.timeline('switchover', name, detail);
      }
    },
    say: (line) => ctx.output(ctx.redact(line)),
  });
  const single = result.masters.length === 1;
  const ok = result.ok && single && result.masters[0] === result.master_after;
  const masters = single
    ? `one master: ${result.masters[0]}`
    : `${result.masters.length} nodes answer ROLE master (${result.masters.join(', ') || 'none'})`;
  if (ok) {
    return {
      ok: true,
      summary: `switched ${result.master_before} → ${result.master_after}; writes paused ${result.pause_ms} ms`,
      data: result,
    };
  }
  const problem = result.error ?? `the switchover ended with ${masters}`;
  return {
    ok: false,
    summary: `switchover of ${masterName} stopped (${result.outcome}); ${masters}`,
    data: result,
    error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${ctx.redact(problem)}; now ${masters}`,
  };
}
