import { afterEach, describe, expect, it } from 'vitest';
import { CTRL_C, ENTER, makeRunbook, renderTui, untilAborted } from './test-utils.js';

let ui: ReturnType<typeof renderTui> | undefined;
afterEach(() => ui?.unmount());

const runbook = makeRunbook([
  { id: 'first', title: 'First step' },
  { id: 'second', title: 'Second step' },
  { id: 'third', title: 'Third step', safety: 'mutating' },
]);

describe('running steps', () => {
  it('Enter runs the selected step and keeps it on screen with its output and result; Enter again moves on', async () => {
    ui = renderTui({ runbook });
    await ui.start();
    await ui.waitForText('First step');
    await ui.press(ENTER);
    await ui.waitForState((s) => s.steps.first?.status === 'passed', 'first to pass');
    const frame = await ui.waitForText('✓ 1. First step');
    expect(frame).toContain('12ms');
    expect(frame).toContain('hello from first');
    expect(frame).toContain('✓ sh — exit 0');
    await ui.waitForText('✓ First step passed — Enter moves to the next step');
    expect(ui.store.getState().ui.selected).toBe(0);
    await ui.press(ENTER);
    await ui.waitForText('Next: Second step — Enter runs it');
    expect(ui.store.getState().ui.selected).toBe(1);
    expect(ui.engine.calls).toEqual(['run:first']);
    await ui.press(ENTER);
    await ui.waitForText('✓ 2. Second step');
    expect(ui.engine.calls).toEqual(['run:first', 'run:second']);
  });

  it('s skips the selected step and r runs a failed step again', async () => {
    let attempts = 0;
    ui = renderTui({
      runbook,
      scripts: {
        second: async ({ emit }) => {
          attempts++;
          emit({ type: 'action.started', step: 'second', action: 0, kind: 'sh', preview: ['false'] });
          emit({
            type: 'action.finished',
            step: 'second',
            action: 0,
            kind: 'sh',
            ok: attempts > 1,
            summary: attempts > 1 ? 'exit 0' : 'exit 1',
            durationMs: 3,
            error:
              attempts > 1 ? undefined : 'bash exited with status 1: connection refused by 127.60.128.1:6379',
          });
          return attempts > 1 ? 'passed' : 'failed';
        },
      },
    });
    await ui.start();
    await ui.press('s');
    await ui.waitForText('– 1. First step');
    await ui.press(ENTER);
    let frame = await ui.waitForText('✗ 2. Second step');
    expect(frame).toContain('✗ bash exited with status 1: connection refused by');
    expect(frame).toContain('127.60.128.1:6379');
    expect(frame).toContain('failed — r retries, s skips');
    await ui.press('r');
    frame = await ui.waitForText('✓ 2. Second step');
    expect(ui.engine.calls).toEqual(['skip:first', 'run:second', 'run:second']);
  });

  it('r on a step that has not run says why and does nothing', async () => {
    ui = renderTui({ runbook });
    await ui.start();
    await ui.press('r');
    await ui.waitForText('only a step that has run');
    expect(ui.engine.calls).toEqual([]);
  });

  it('Ctrl-C once aborts the running step, twice asks to leave', async () => {
    ui = renderTui({
      runbook,
      scripts: {
        first: async ({ emit, signal }) => {
          emit({ type: 'action.started', step: 'first', action: 0, kind: 'sh', preview: ['sleep 100'] });
          await untilAborted(signal);
          return 'failed';
        },
      },
    });
    await ui.start();
    await ui.press(ENTER);
    await ui.waitForState((s) => s.steps.first?.status === 'running', 'first to run');
    await ui.press('s');
    await ui.waitForText('a step is running');
    await ui.press(CTRL_C);
    await ui.waitForText('✗ 1. First step');
    expect(ui.engine.calls).toEqual(['run:first', 'abort']);
    expect(ui.store.getState().exit).toBeUndefined();
    await ui.press(CTRL_C);
    await ui.waitForState((s) => s.exit !== undefined, 'exit request');
    expect(ui.store.getState().exit).toEqual({ aborted: true });
  });

  it('q asks before quitting while a step runs; No keeps it running', async () => {
    ui = renderTui({
      runbook,
      scripts: {
        first: async ({ signal }) => {
          await untilAborted(signal);
          return 'failed';
        },
      },
    });
    await ui.start();
    await ui.press(ENTER);
    await ui.waitForState((s) => s.steps.first?.status === 'running', 'first to run');
    await ui.press('q');
    await ui.waitForText('Abort it and quit? y/N');
    await ui.press(ENTER);
    await ui.waitFor((f) => !f.includes('Abort it and quit?'), 'the question to go');
    expect(ui.engine.calls).toEqual(['run:first']);
    await ui.press('q', 'y');
    await ui.waitForState((s) => s.exit?.aborted === true, 'exit request');
    expect(ui.engine.calls).toEqual(['run:first', 'abort']);
  });

  it('q quits at once when nothing runs', async () => {
    ui = renderTui({ runbook });
    await ui.start();
    await ui.press('q');
    await ui.waitForState((s) => s.exit !== undefined, 'exit request');
    expect(ui.store.getState().exit).toEqual({ aborted: false });
  });
});
