// wait for=… (a plain pause) and wait event=… absent=… (the event must NOT happen within the window):
// the second is how a drill asserts that Sentinel did not act — no +odown with one Sentinel left, no
// +switch-master while a replica has replica-priority 0.
import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { parseDuration } from '../../runbook/duration.js';
import { describeEvent, runSentinelEvents } from '../../targets/redis/sentinel-events.js';
import { connectionSettings } from '../redis/connection-attributes.js';
import { masterNameFor } from '../sentinel/index.js';
import { sleep } from '../sleep.js';
import { eventMatcher, waitSentinels } from './event.js';
import type { WaitSpec } from './spec.js';

export async function pauseFor(text: string, ctx: ActionContext): Promise<ActionOutcome> {
  const ms = parseDuration(text.trim()) ?? 0;
  ctx.progress(`pausing ${text}`);
  await sleep(ms, ctx.signal);
  return { ok: true, summary: `paused ${text}`, data: { paused_ms: ms } };
}

export interface AbsenceData {
  event: string;
  window_ms: number;
  /** true when no matching event came within the window. */
  absent: boolean;
  watched: string[];
  /** The event that did happen (first sighting, who reported it). */
  seen?: { name: string; t: number; afterMs: number; seenBy: string[]; detail: string };
}

export async function waitForAbsence(
  spec: WaitSpec & { event: string; absent: string },
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const windowMs = parseDuration(spec.absent.trim()) ?? 0;
  const masterName = masterNameFor(spec.master, ctx);
  const chosen = waitSentinels(spec, ctx);
  if ('failed' in chosen) return chosen.failed;
  const { sentinels, only } = chosen;
  const stream = runSentinelEvents(ctx, sentinels, connectionSettings(spec, ctx, 'sentinel_password'));
  await stream.ready();
  const startedAt = ctx.now();
  const since = spec.since === 'run' ? 0 : startedAt;
  const watched = only ? [only.name] : stream.sentinels.map((s) => s.name);
  ctx.progress(`watching ${watched.join(', ')} for ${spec.absent}: ${spec.event} must not happen`);
  const local = new AbortController();
  const onAbort = () => local.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const event = await stream
      .waitFor(eventMatcher(spec.event, masterName, only, stream.sentinels), {
        since,
        timeoutMs: windowMs,
        signal: local.signal,
      })
      .catch((error: unknown) => {
        if (ctx.signal.aborted) throw error;
        return undefined;
      });
    const data: AbsenceData = { event: spec.event, window_ms: windowMs, absent: !event, watched };
    if (!event) {
      return {
        ok: true,
        summary: `no ${spec.event} from ${only ? only.name : 'any Sentinel'} for ${spec.absent}`,
        data,
      };
    }
    data.seen = {
      name: event.name,
      t: event.t,
      afterMs: Math.round(event.t - startedAt),
      seenBy: event.seenBy,
      detail: event.detail,
    };
    return {
      ok: false,
      summary: `${event.name} happened ${(data.seen.afterMs / 1000).toFixed(2)} s into a ${spec.absent} window where it must not`,
      data,
      error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${spec.event} must not happen for ${spec.absent}, but ${describeEvent(event)} came ${data.seen.afterMs} ms after the wait began; the Sentinels acted where the drill expected them not to — look at the timeline and their settings (quorum, down-after-milliseconds)`,
    };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    local.abort(new Error('wait finished'));
  }
}
