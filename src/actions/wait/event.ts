// wait event=… — resolves on a Sentinel event from the run's event stream (since the last fault by
// default); for +switch-master also polls GET-MASTER-ADDR-BY-NAME in case the subscription missed it.

import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { runPool } from '../../targets/redis/connection.js';
import { type NodeAddress, resolveAllSentinels, resolveNode } from '../../targets/redis/inventory.js';
import { runSentinelEvents, type SentinelEvent } from '../../targets/redis/sentinel-events.js';
import { agreementOf, surveySentinels } from '../../targets/redis/sentinel-survey.js';
import { connectionSettings } from '../redis/connection-attributes.js';
import { runFaults } from '../redis/execute.js';
import { masterNameFor } from '../sentinel/index.js';
import { DEFAULT_WAIT_MS, type WaitData, type WaitSpec } from './spec.js';

const POLL_INTERVAL_MS = 500;

/** Monotonic time from which events count: the last fault on the timeline (default), the step start, or 0. */
function sinceTime(spec: WaitSpec, ctx: ActionContext, startedAt: number): number {
  if (spec.since === 'run') return 0;
  if (spec.since === 'step') return startedAt;
  const onTimeline = (ctx.timelineSince?.(0) ?? []).filter((entry) => entry.source === 'fault').at(-1)?.t;
  const ours = runFaults(ctx.resources).at(-1);
  return Math.max(onTimeline ?? 0, ours ?? 0);
}

/**
 * Events named by the pattern, for the master; with `only` (wait node=…), only those that Sentinel itself
 * reported — the run's stream merges every Sentinel's messages, so another Sentinel's sighting must not count.
 */
export function eventMatcher(
  pattern: string,
  masterName: string,
  only?: NodeAddress,
  known: readonly NodeAddress[] = [],
): (event: SentinelEvent) => boolean {
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
  const isOnly = (name: string) =>
    name === only?.name || known.find((s) => s.name === name)?.address === only?.address;
  return (event) =>
    (prefix !== undefined ? event.name.startsWith(prefix) : event.name === pattern) &&
    (event.master === undefined || event.master.name === masterName) &&
    (only === undefined || event.seenBy.some(isOnly));
}

function fromEvent(
  spec: WaitSpec & { event: string },
  event: SentinelEvent,
  since: number,
  only?: NodeAddress,
): WaitData {
  const reporter = only ? event.seenBy.find((name) => name === only.name) : undefined;
  const t = reporter ? (event.seenAt[reporter] ?? event.t) : event.t;
  return {
    event: spec.event,
    via: 'stream',
    t,
    afterMs: Math.round(t - since),
    seenBy: event.seenBy,
    seenAt: event.seenAt,
    detail: event.detail,
    ...(event.from ? { from: event.from } : {}),
    ...(event.to ? { to: event.to } : {}),
    ...(event.master ? { master: event.master.address } : {}),
  };
}

/** The Sentinels a wait listens to: the one node= names (only its own sightings count), else every one. */
export function waitSentinels(
  spec: WaitSpec,
  ctx: ActionContext,
): { sentinels: NodeAddress[]; only?: NodeAddress } | { failed: ActionOutcome } {
  try {
    const only = spec.node && spec.node !== 'all' ? resolveNode(spec.node, ctx) : undefined;
    return { sentinels: only ? [only] : resolveAllSentinels(ctx), only };
  } catch (error) {
    return {
      failed: {
        ok: false,
        summary: 'wait: no Sentinels',
        error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${error instanceof Error ? error.message : String(error)}`,
      },
    };
  }
}

export async function waitForEvent(
  spec: WaitSpec & { event: string },
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const startedAt = ctx.now();
  const timeoutMs = ctx.action.timeoutMs ?? DEFAULT_WAIT_MS;
  const masterName = masterNameFor(spec.master, ctx);
  const chosen = waitSentinels(spec, ctx);
  if ('failed' in chosen) return chosen.failed;
  const { sentinels, only } = chosen;
  const settings = connectionSettings(spec, ctx, 'sentinel_password');
  const stream = runSentinelEvents(ctx, sentinels, settings);
  const since = sinceTime(spec, ctx, startedAt);
  const baseline = stream.masterAt(masterName, since);
  const local = new AbortController();
  const onAbort = () => local.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  ctx.progress(
    `waiting for ${spec.event} (${stream.connected.size}/${stream.sentinels.length} Sentinels subscribed)`,
  );

  const fromStream = stream
    .waitFor(eventMatcher(spec.event, masterName, only, stream.sentinels), {
      since,
      timeoutMs,
      signal: local.signal,
    })
    .then((event) => fromEvent(spec, event, since, only));
  const polls: Promise<WaitData>[] = [fromStream];
  if (spec.event === '+switch-master' && baseline) {
    polls.push(
      (async (): Promise<WaitData> => {
        const pool = runPool(ctx.resources);
        while (!local.signal.aborted) {
          await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
          if (local.signal.aborted) break;
          const survey = await surveySentinels(pool, sentinels, settings, masterName, {
            deep: false,
            signal: local.signal,
          }).catch(() => []);
          const agreement = agreementOf(survey);
          if (agreement.sameMaster && agreement.master && agreement.master !== baseline) {
            const t = ctx.now();
            return {
              event: spec.event,
              via: 'poll',
              t,
              afterMs: Math.round(t - since),
              seenBy: survey.filter((s) => !s.error).map((s) => s.node),
              seenAt: {},
              detail: `${masterName} ${baseline} → ${agreement.master} (GET-MASTER-ADDR-BY-NAME; no pub/sub message seen)`,
              from: baseline,
              to: agreement.master,
              master: agreement.master,
            };
          }
        }
        throw local.signal.reason ?? new Error('aborted');
      })(),
    );
  }
  try {
    const data = await Promise.race(polls);
    const who = data.seenBy.length ? ` seen by ${data.seenBy.join(', ')}` : '';
    return {
      ok: true,
      summary: `${spec.event} ${data.to ? `→ ${data.to} ` : ''}${(data.afterMs / 1000).toFixed(2)} s after the ${spec.since ?? 'fault'}${who}${data.via === 'poll' ? ' (by polling)' : ''}`,
      data,
      view: {
        kind: 'timeline',
        entries: [{ afterMs: data.afterMs, event: spec.event, detail: data.detail, seenBy: data.seenBy }],
      },
    };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const current = stream.masterAt(masterName, ctx.now());
    return {
      ok: false,
      summary: `no ${spec.event} within ${Math.round(timeoutMs / 1000)} s`,
      error:
        `${ctx.runbook.file}:${ctx.action.loc.line}: no ${spec.event} for ${masterName} from ${only ? only.name : 'any Sentinel'} within ${Math.round(timeoutMs / 1000)} s ` +
        `(subscribed to ${[...stream.connected].join(', ') || 'none'} of ${stream.sentinels.map((s) => s.name).join(', ')}` +
        `${current ? `; master still ${current}` : ''}); check that the fault really happened and that the Sentinels reach quorum (sentinel verify=health)`,
    };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    local.abort(new Error('wait finished'));
    await Promise.allSettled(polls);
  }
}
