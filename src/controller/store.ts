// The one zustand vanilla store of the TUI, and the batching pipe that feeds it engine events.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineEvent, EngineEventType } from '../contract/events.js';
import type { Runbook, TargetName } from '../contract/runbook.js';
import { applyEvents } from './reduce.js';
import { initialState, type TuiState } from './state.js';

export type TuiStore = StoreApi<TuiState>;

export function createTuiStore(runbook: Runbook, options: { target: TargetName; dryRun: boolean }): TuiStore {
  return createStore<TuiState>()(() => initialState(runbook, options));
}

/** 10 Hz: fast enough to feel live, slow enough that 1,000 lines/s cost 10 renders, not 1,000. */
export const FLUSH_INTERVAL_MS = 100;

/** Events that change what the operator can do next: applied at once rather than at the next tick. */
const FLUSH_AT_ONCE: ReadonlySet<EngineEventType> = new Set([
  'run.started',
  'target.resolved',
  'step.started',
  'step.finished',
  'step.declined',
  'steps.stopped',
  'question.asked',
  'question.closed',
  'run.finished',
]);

export interface EventFeed {
  /** Queues one event; pass this to engine.subscribe. */
  push(event: EngineEvent): void;
  /** Applies everything queued now. */
  flush(): void;
  /** Flushes and stops the timer. */
  close(): void;
}

/** Queues engine events and applies them to the store in batches (one setState per tick, not per line). */
export function createEventFeed(store: TuiStore, intervalMs = FLUSH_INTERVAL_MS): EventFeed {
  let queue: EngineEvent[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    store.setState((state) => applyEvents(state, batch), true);
  };

  return {
    push(event) {
      queue.push(event);
      if (FLUSH_AT_ONCE.has(event.type)) {
        flush();
        return;
      }
      timer ??= setTimeout(flush, intervalMs);
    },
    flush,
    close: flush,
  };
}
