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

describe('settling as soon as every Sentinel has spoken', () => {
  const all = () => ['sentinel-1', 'sentinel-2', 'sentinel-3'];

  it('puts an event on the timeline when the last listening Sentinel reports it, stamped with the first report', () => {
    vi.useFakeTimers();
    const settled: SentinelEvent[] = [];
    const merger = createEventMerger((event) => settled.push(event), 1000, all);
    const switches = captured.filter((m) => m.channel === '+switch-master');
    const [first, second, third] = switches as [Captured, Captured, Captured];
    merger.receive(first.sentinel, first.channel, first.payload, first.ms);
    merger.receive(second.sentinel, second.channel, second.payload, second.ms);
    expect(settled).toEqual([]);
    merger.receive(third.sentinel, third.channel, third.payload, third.ms);
    // No timer had to run: the third sighting settled it.
    expect(settled.map((e) => [e.name, e.t, e.seenBy.length])).toEqual([['+switch-master', first.ms, 3]]);
    vi.advanceTimersByTime(1000);
    expect(settled).toHaveLength(1);
  });

  it('settles the earlier events one Sentinel reported (the leader) with it, in the order they happened', () => {
    vi.useFakeTimers();
    const settled: SentinelEvent[] = [];
    const merger = createEventMerger((event) => settled.push(event), 1000, all);
    const lastSwitch = captured.findLastIndex((m) => m.channel === '+switch-master');
    for (const message of captured.slice(0, lastSwitch + 1))
      merger.receive(message.sentinel, message.channel, message.payload, message.ms);
    // Everything up to +switch-master is on the timeline the moment the last Sentinel reports the switch,
    // without waiting out any window: +elected-leader and +promoted-slave too (only the leader sends those).
    const names = settled.map((e) => e.name);
    for (const name of ['+odown', '+elected-leader', '+promoted-slave', '+failover-end', '+switch-master'])
      expect(names).toContain(name);
    expect(settled.map((e) => e.t)).toEqual([...settled.map((e) => e.t)].sort((a, b) => a - b));
    const switched = settled.find((e) => e.name === '+switch-master') as SentinelEvent;
    expect(settled.slice(0, settled.indexOf(switched) + 1)).toEqual(
      merger.events.slice(0, merger.events.indexOf(switched) + 1),
    );
  });

  it('waits out the window while a listening Sentinel has not reported the event', () => {
    vi.useFakeTimers();
    const settled: SentinelEvent[] = [];
    const merger = createEventMerger((event) => settled.push(event), 1000, all);
    merger.receive('sentinel-1', '+odown', 'master mymaster 10.0.0.1 6379 #quorum 2/2', 100);
    merger.receive('sentinel-2', '+odown', 'master mymaster 10.0.0.1 6379 #quorum 2/2', 130);
    vi.advanceTimersByTime(999);
    expect(settled).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(settled.map((e) => [e.name, e.t, e.seenBy])).toEqual([
      ['+odown', 100, ['sentinel-1', 'sentinel-2']],
    ]);
  });
});
