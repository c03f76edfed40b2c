// Merging on a captured SIGKILL failover (fixtures/redis/sentinel-events-sigkill.json: every message each of
// 3 Sentinels published, with its arrival time): one event per happening, who saw it and when.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventMerger, type SentinelEvent } from '../../src/targets/redis/sentinel-merge.js';

interface Captured {
  sentinel: string;
  channel: string;
  payload: string;
  ms: number;
}

const captured = JSON.parse(
  readFileSync(new URL('../../fixtures/redis/sentinel-events-sigkill.json', import.meta.url), 'utf8'),
) as Captured[];

function replay(): { events: readonly SentinelEvent[]; settled: SentinelEvent[] } {
  const settled: SentinelEvent[] = [];
  const merger = createEventMerger((event) => settled.push(event));
  for (const message of captured)
    merger.receive(message.sentinel, message.channel, message.payload, message.ms);
  merger.flush();
  return { events: merger.events, settled };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('merging a real failover', () => {
  it('merges each happening across Sentinels and keeps the phases in order', () => {
    const { events } = replay();
    const names = events.map((e) => e.name);
    const order = [
      '+sdown',
      '+odown',
      '+try-failover',
      '+elected-leader',
      '+selected-slave',
      '+promoted-slave',
      '+failover-end',
      '+switch-master',
    ];
    const positions = order.map((name) => names.indexOf(name));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(events.filter((e) => e.name === '+switch-master')).toHaveLength(1);
    const switched = events.find((e) => e.name === '+switch-master');
    expect(switched).toMatchObject({
      from: '127.49.253.11:6379',
      to: '127.49.253.12:6379',
      sentinel: 'sentinel-2',
      t: 2294,
    });
    expect(switched?.seenAt).toEqual({ 'sentinel-2': 2294, 'sentinel-3': 2298, 'sentinel-1': 2299 });
  });

  it('merges +odown despite different "#quorum" commentary, and the first +sdown of all three', () => {
    const { events } = replay();
    const odown = events.filter((e) => e.name === '+odown');
    expect(odown[0]?.seenBy).toEqual(['sentinel-2', 'sentinel-1']);
    const sdown = events.filter((e) => e.name === '+sdown' && e.instance?.type === 'master');
    expect(sdown[0]?.seenBy).toEqual(['sentinel-3', 'sentinel-2', 'sentinel-1']);
    // sentinel-3 flapped (-sdown, then +sdown again a second later): a separate event, not a lost one.
    expect(sdown[1]).toMatchObject({ seenBy: ['sentinel-3'], t: 2173 });
    // the old master, now a replica still down, is reported by all three.
    const replicaDown = events.find((e) => e.name === '+sdown' && e.instance?.type === 'slave');
    expect(replicaDown?.seenBy).toHaveLength(3);
  });

  it('settles each event once, after its window', () => {
    vi.useFakeTimers();
    const settled: SentinelEvent[] = [];
    const merger = createEventMerger((event) => settled.push(event));
    const switches = captured.filter((m) => m.channel === '+switch-master');
    for (const message of switches)
      merger.receive(message.sentinel, message.channel, message.payload, message.ms);
    expect(settled).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(settled).toHaveLength(1);
    expect(settled[0]?.seenBy).toEqual(['sentinel-2', 'sentinel-3', 'sentinel-1']);
    merger.flush();
    expect(settled).toHaveLength(1);
  });
});
