// One line of the event feed as an operator reads it: when it was first seen, who saw it ("sentinel-2",
// or "3/3" when every Sentinel did), the event, and the part that matters (the instance and, for
// +switch-master, the new address) — short enough to stay whole in an 80-column terminal.
import { parseSentinelMessage } from '../targets/redis/sentinel-messages.js';

export interface FeedEntry {
  /** First sighting, monotonic run ms. */
  t: number;
  source: string;
  name: string;
  detail: string;
  seenBy?: string[];
}

export interface FeedLine {
  /** "12.34s" after the run started. */
  time: string;
  /** "sentinel-2", "2/3", "3/3"; the source for entries that are not Sentinel events ("probe", "fault"). */
  who: string;
  name: string;
  /** The important part, e.g. "→ 127.0.0.12:6379 (was 127.0.0.11:6379)". */
  what: string;
  /** Everything, for the full-screen view: the raw detail, then who saw it when. */
  full: string;
}

/** "training-sentinel-2" → "sentinel-2": the distinguishing part of a Sentinel's name. */
export function shortSentinelName(name: string): string {
  const match = name.match(/sentinel-?\d+$/i);
  if (match) return match[0];
  return name.length > 12 ? `…${name.slice(-11)}` : name;
}

const SEEN_BY = / \(seen by [^)]*\)$/;

/** "sentinel-3 +0ms, sentinel-2 +2ms" from the detail's "(seen by …)" suffix, names shortened. */
function sightings(detail: string, seenBy: readonly string[]): string {
  const suffix = detail.match(SEEN_BY)?.[0] ?? '';
  const offsets = new Map([...suffix.matchAll(/([^\s,(]+) \+(\d+)ms/g)].map((m) => [m[1], m[2]]));
  return seenBy
    .map((name) => `${shortSentinelName(name)}${offsets.has(name) ? ` +${offsets.get(name)}ms` : ''}`)
    .join(', ');
}

function essence(name: string, detail: string): string {
  const message = parseSentinelMessage(name, detail);
  if (message.from && message.to) return `→ ${message.to} (was ${message.from})`;
  if (message.epoch !== undefined && message.leader)
    return `leader ${message.leader.slice(0, 8)} epoch ${message.epoch}`;
  if (message.epoch !== undefined) return `epoch ${message.epoch}`;
  if (message.instance) {
    const { type, address } = message.instance;
    const of = message.master && message.master.address !== address ? ` of ${message.master.address}` : '';
    return `${type === 'slave' ? 'replica' : type} ${address}${of}`;
  }
  return detail;
}

export function feedLine(entry: FeedEntry, sentinelCount: number): FeedLine {
  const seenBy = entry.seenBy ?? [];
  const detail = entry.detail.replace(SEEN_BY, '');
  const isSentinel = entry.source === 'sentinel' || seenBy.length > 0;
  const who =
    !isSentinel || seenBy.length === 0
      ? entry.source
      : seenBy.length === 1
        ? shortSentinelName(seenBy[0] as string)
        : `${seenBy.length}/${Math.max(sentinelCount, seenBy.length)}`;
  return {
    time: `${(entry.t / 1000).toFixed(2)}s`,
    who,
    name: entry.name,
    what: isSentinel ? essence(entry.name, detail) : detail,
    full: seenBy.length > 0 ? `${detail} · seen by ${sightings(entry.detail, seenBy)}` : detail,
  };
}
