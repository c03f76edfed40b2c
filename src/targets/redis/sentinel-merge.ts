// Merges the same Sentinel message reported by several Sentinels into one event that remembers who saw it
// when. Same = same name and payload (without Sentinel's "#…" commentary), first reported within the window,
// from a Sentinel that has not reported it yet; anything else starts a new event.
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

/** onSettled is called once per event, MERGE_WINDOW_MS after its first report (or at flush). */
export function createEventMerger(
  onSettled: (event: SentinelEvent) => void,
  windowMs = MERGE_WINDOW_MS,
): EventMerger {
  const events: SentinelEvent[] = [];
  const latest = new Map<string, SentinelEvent>();
  const timers = new Map<SentinelEvent, NodeJS.Timeout>();

  const settle = (event: SentinelEvent) => {
    const timer = timers.get(event);
    if (!timer) return;
    clearTimeout(timer);
    timers.delete(event);
    onSettled(event);
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
      return event;
    },
    flush() {
      for (const event of [...timers.keys()]) settle(event);
    },
  };
}
