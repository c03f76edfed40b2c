// Merges the same Sentinel message reported by several Sentinels into one event that remembers who saw it
// when. Same = same name and payload (without Sentinel's "#…" commentary), first reported within the window,
// from a Sentinel that has not reported it yet; anything else starts a new event.
// An event settles (goes on the timeline, stamped with its first report) as soon as every Sentinel listened
// to has reported it — and with it every event first reported before it, since each Sentinel's messages
// arrive in order: nothing it published earlier can still come. Otherwise it settles when its window closes.
// So a failover's events reach the timeline within milliseconds of +switch-master, under the step that
// saw them, not a second later under the next one.
import { mergeKey, type ParsedSentinelMessage, parseSentinelMessage } from './sentinel-messages.js';

export const MERGE_WINDOW_MS = 1000;

export interface SentinelEvent extends ParsedSentinelMessage {
  /** The Sentinel that reported it first (node name). */
  sentinel: string;
  /** Every Sentinel that reported it, in order. */
  seenBy: string[];
  /** Sentinel → monotonic ms (ctx.now axis) when it reported it. */
  seenAt: Record<string, number>;
  /** Monotonic ms of the first report. */
  t: number;
}

export interface EventMerger {
  readonly events: readonly SentinelEvent[];
  /** Adds one report; returns the event it created or joined (undefined for Sentinel-internal channels). */
  receive(sentinel: string, channel: string, payload: string, t: number): SentinelEvent | undefined;
  /** Settles every event still within its window (at close). */
  flush(): void;
}

/**
 * onSettled is called once per event, in the order of their first reports: as soon as every Sentinel in
 * listening() has reported it or a later event they all reported, else windowMs after its first report, or
 * at flush.
 */
export function createEventMerger(
  onSettled: (event: SentinelEvent) => void,
  windowMs = MERGE_WINDOW_MS,
  listening: () => Iterable<string> = () => [],
): EventMerger {
  const events: SentinelEvent[] = [];
  const latest = new Map<string, SentinelEvent>();
  const timers = new Map<SentinelEvent, NodeJS.Timeout>();

  const settle = (event: SentinelEvent) => {
    if (!timers.has(event)) return;
    // It and the events first reported before it (timers keeps that order), earliest first, so the timeline
    // stays in the order things happened.
    for (const [pending, timer] of [...timers]) {
      clearTimeout(timer);
      timers.delete(pending);
      onSettled(pending);
      if (pending === event) return;
    }
  };

  const seenByAll = (event: SentinelEvent): boolean => {
    const names = [...listening()];
    return names.length > 0 && names.every((name) => name in event.seenAt);
  };

  return {
    events,
    receive(sentinel, channel, payload, t) {
      if (channel.startsWith('__')) return undefined;
      const message = parseSentinelMessage(channel, payload);
      const key = mergeKey(message);
      const previous = latest.get(key);
      if (previous && t - previous.t <= windowMs && !previous.seenBy.includes(sentinel)) {
        previous.seenBy.push(sentinel);
        previous.seenAt[sentinel] = t;
        if (seenByAll(previous)) settle(previous);
        return previous;
      }
      if (previous) settle(previous);
      const event: SentinelEvent = { ...message, sentinel, seenBy: [sentinel], seenAt: { [sentinel]: t }, t };
      events.push(event);
      latest.set(key, event);
      timers.set(
        event,
        setTimeout(() => settle(event), windowMs),
      );
      if (seenByAll(event)) settle(event);
      return event;
    },
    flush() {
      for (const event of [...timers.keys()]) settle(event);
    },
  };
}
