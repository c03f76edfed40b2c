// One clock for everything that moves by itself on screen (spinners, elapsed timers). Each re-render makes
// Ink rebuild the whole screen (about 2 MB of short-lived objects at 100×30), so unsynchronised timers cost a
// frame each: the spinners at their own rate plus each 1 s clock at its own phase. Here every subscriber is
// woken by the same tick, and React batches their updates into one frame.
import { useEffect, useState } from 'react';

/** A spinner frame every tick; a 1 s clock every fourth. */
export const TICK_MS = 250;

const listeners = new Set<(tick: number) => void>();
let tick = 0;
let timer: NodeJS.Timeout | undefined;

function subscribe(listener: (tick: number) => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    tick++;
    for (const notify of listeners) notify(tick);
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * Re-renders the caller every `every` ticks of the shared clock while active; returns the tick count.
 * every=1: spinners; every=4: the 1 s elapsed clocks, all in the same frame.
 */
export function useClock(every: number, active = true): number {
  const [current, setCurrent] = useState(tick);
  useEffect(() => {
    if (!active) return;
    return subscribe((now) => {
      if (now % every === 0) setCurrent(now);
    });
  }, [every, active]);
  return current;
}
