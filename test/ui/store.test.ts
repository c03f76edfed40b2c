import { describe, expect, it, vi } from 'vitest';
import type { EngineEvent, EngineEventBody } from '../../src/contract/events.js';
import { RingBuffer } from '../../src/controller/ring-buffer.js';
import { selectProgress, selectRunningStepId } from '../../src/controller/selectors.js';
import { OUTPUT_LINES_PER_ACTION } from '../../src/controller/state.js';
import { createEventFeed, createTuiStore } from '../../src/controller/store.js';
import { makeRunbook } from './test-utils.js';

let seq = 0;
const stamp = (body: EngineEventBody): EngineEvent =>
  ({ ...body, seq: ++seq, t: seq, wall: new Date(0).toISOString() }) as EngineEvent;

describe('RingBuffer', () => {
  it('keeps the newest items and counts what it dropped', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.dropped).toBe(2);
    expect(ring.totalPushed).toBe(5);
    expect(ring.window(2)).toEqual([4, 5]);
    expect(ring.window(2, 1)).toEqual([3, 4]);
    expect(ring.window(2, 99)).toEqual([3, 4]);
    expect(ring.window(10)).toEqual([3, 4, 5]);
  });

  it('refuses a capacity that cannot hold anything', () => {
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
  });
});

describe('store', () => {
  const runbook = makeRunbook([{ id: 'one' }, { id: 'two' }]);

  it('applies a step lifecycle', () => {
    const store = createTuiStore(runbook, { target: 'lab', dryRun: false });
    const feed = createEventFeed(store, 10_000);
    feed.push(stamp({ type: 'step.started', step: 'one' }));
    expect(selectRunningStepId(store.getState())).toBe('one');
    feed.push(stamp({ type: 'action.started', step: 'one', action: 0, kind: 'sh', preview: ['echo hi'] }));
    feed.push(
      stamp({ type: 'action.progress', step: 'one', action: 0, message: 'waiting', done: 3, total: 5 }),
    );
    feed.flush();
    expect(store.getState().steps.one?.actions[0]?.progress).toEqual({
      message: 'waiting',
      done: 3,
      total: 5,
    });
    feed.push(
      stamp({
        type: 'action.finished',
        step: 'one',
        action: 0,
        kind: 'sh',
        ok: true,
        summary: 'ok',
        durationMs: 4,
        view: { kind: 'checks' },
      }),
    );
    feed.push(stamp({ type: 'step.finished', step: 'one', status: 'passed', durationMs: 5 }));
    const step = store.getState().steps.one;
    expect(step?.status).toBe('passed');
    expect(step?.actions[0]).toMatchObject({
      status: 'passed',
      summary: 'ok',
      view: { kind: 'checks' },
      progress: undefined,
    });
    expect(selectProgress(store.getState())).toEqual({ total: 2, passed: 1, failed: 0, skipped: 0 });
  });

  it('batches output: one store update per tick, not per line', () => {
    vi.useFakeTimers();
    try {
      const store = createTuiStore(runbook, { target: 'lab', dryRun: false });
      const feed = createEventFeed(store, 50);
      feed.push(stamp({ type: 'step.started', step: 'one' }));
      const listener = vi.fn();
      store.subscribe(listener);
      for (let i = 0; i < 500; i++) {
        feed.push(stamp({ type: 'action.output', step: 'one', action: 0, stream: 'stdout', line: `l${i}` }));
      }
      expect(listener).not.toHaveBeenCalled();
      vi.advanceTimersByTime(50);
      expect(listener).toHaveBeenCalledTimes(1);
      expect(store.getState().steps.one?.actions[0]?.output.size).toBe(500);
    } finally {
      vi.useRealTimers();
    }
  });

  it('bounds output per action', () => {
    const store = createTuiStore(runbook, { target: 'lab', dryRun: false });
    const feed = createEventFeed(store);
    for (let i = 0; i < OUTPUT_LINES_PER_ACTION + 10; i++) {
      feed.push(stamp({ type: 'action.output', step: 'one', action: 0, stream: 'stdout', line: `l${i}` }));
    }
    feed.close();
    const output = store.getState().steps.one?.actions[0]?.output;
    expect(output?.size).toBe(OUTPUT_LINES_PER_ACTION);
    expect(output?.dropped).toBe(10);
  });

  it('leaves the previous state untouched (new step objects for changed steps only)', () => {
    const store = createTuiStore(runbook, { target: 'lab', dryRun: false });
    const feed = createEventFeed(store);
    const before = store.getState();
    feed.push(stamp({ type: 'step.started', step: 'one' }));
    const after = store.getState();
    expect(before.steps.one?.status).toBe('pending');
    expect(after.steps.one).not.toBe(before.steps.one);
    expect(after.steps.two).toBe(before.steps.two);
  });

  it('a retry starts with fresh actions and counts attempts', () => {
    const store = createTuiStore(runbook, { target: 'lab', dryRun: false });
    const feed = createEventFeed(store);
    feed.push(stamp({ type: 'step.started', step: 'one' }));
    feed.push(stamp({ type: 'action.output', step: 'one', action: 0, stream: 'stderr', line: 'boom' }));
    feed.push(stamp({ type: 'step.finished', step: 'one', status: 'failed', durationMs: 1, error: 'boom' }));
    feed.push(stamp({ type: 'step.started', step: 'one' }));
    const step = store.getState().steps.one;
    expect(step).toMatchObject({ status: 'running', attempts: 2, actions: [], error: undefined });
  });
});

describe('questions', () => {
  const runbook = makeRunbook([{ id: 'one' }]);
  const confirm = {
    id: 1,
    type: 'confirm' as const,
    request: { step: 'one', safety: 'mutating' as const, message: 'creates 1 droplet' },
  };

  it('holds the pending question from question.asked until its question.closed', () => {
    const store = createTuiStore(runbook, { target: 'lab', dryRun: false });
    // A long interval: the question must reach the store at once, not at the next tick.
    const feed = createEventFeed(store, 10_000);
    feed.push(stamp({ type: 'question.asked', step: 'one', question: confirm }));
    expect(store.getState().question).toEqual(confirm);
    // A close for another question leaves this one pending.
    feed.push(stamp({ type: 'question.closed', step: 'one', question: 2, outcome: 'answered' }));
    expect(store.getState().question).toEqual(confirm);
    feed.push(stamp({ type: 'question.closed', step: 'one', question: 1, outcome: 'withdrawn' }));
    expect(store.getState().question).toBeUndefined();
  });

  it('marks the steps a resumed run already passed, and says where a run-on stopped', () => {
    const book = makeRunbook([{ id: 'one' }, { id: 'two', title: 'Two' }]);
    const store = createTuiStore(book, { target: 'lab', dryRun: false });
    const feed = createEventFeed(store, 10_000);
    feed.push(
      stamp({
        type: 'run.started',
        runId: 'r',
        runbook: { file: 'test.md', title: 'T' },
        target: 'lab',
        dryRun: false,
        operator: 'tester',
        steps: [
          { id: 'one', title: 'one', safety: 'safe', status: 'passed' },
          { id: 'two', title: 'Two', safety: 'mutating' },
        ],
      }),
    );
    expect(store.getState().steps.one?.status).toBe('passed');
    expect(store.getState().steps.two?.status).toBe('pending');
    feed.push(stamp({ type: 'steps.stopped', reason: 'needs-operator', step: 'two' }));
    expect(store.getState().ui.selected).toBe(1);
    expect(store.getState().ui.notice?.text).toBe('Stopped before "Two": it needs you. Enter runs it.');
    feed.push(stamp({ type: 'step.started', step: 'two' }));
    feed.flush();
    expect(store.getState().ui.notice).toBeUndefined();
  });
});

describe('Ctrl-C while a variable is asked for at start', () => {
  it('withdraws the question on the first press and leaves on the second', async () => {
    const { createCommands } = await import('../../src/controller/commands.js');
    const runbook = makeRunbook([{ id: 'one' }]);
    const store = createTuiStore(runbook, { target: 'lab', dryRun: false });
    const feed = createEventFeed(store, 10_000);
    const calls: string[] = [];
    const refuse = () => {
      throw new Error('not used');
    };
    const engine = {
      runId: 'r',
      subscribe: () => () => {},
      start: async () => {},
      runStep: refuse,
      runAll: refuse,
      preview: () => [],
      skipStep: refuse,
      approve: refuse,
      decline: refuse,
      answer: refuse,
      abort: () => {
        calls.push('abort');
        feed.push(stamp({ type: 'question.closed', step: '', question: 1, outcome: 'withdrawn' }));
        feed.flush();
      },
      finish: async () => 'aborted' as const,
    };
    const commands = createCommands({ store, engine });
    const question = {
      id: 1,
      type: 'prompt' as const,
      request: {
        step: '',
        kind: 'value' as const,
        question: 'Redis password?',
        variable: 'redis_password',
        secret: true,
      },
    };
    feed.push(stamp({ type: 'question.asked', step: '', question }));
    feed.flush();
    commands.interrupt();
    expect(calls).toEqual(['abort']);
    expect(store.getState().question).toBeUndefined();
    expect(store.getState().exit).toBeUndefined();
    commands.interrupt();
    expect(store.getState().exit).toEqual({ aborted: true });
  });
});
