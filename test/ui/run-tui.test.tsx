// runTui end to end in-process: the engine started by runTui, driven from the keyboard, and the terminal put
// back (raw mode off, cursor shown, alternate screen left) on quit.
import { EventEmitter } from 'node:events';
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import type { StepStatus } from '../../src/contract/events.js';
import { runTui } from '../../src/ui/run-tui.js';
import { CTRL_C, ENTER, FakeEngine, makeRunbook, untilAborted } from './test-utils.js';

class FakeTtyOut extends EventEmitter {
  readonly isTTY = true;
  columns = 100;
  rows = 30;
  written = '';
  // As a real stream does, calls back once written (Ink 8 waits for that before it unmounts).
  write = (chunk: string, encodingOrDone?: unknown, done?: unknown) => {
    this.written += chunk;
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    if (typeof callback === 'function') queueMicrotask(() => callback());
    return true;
  };
}

class FakeTtyIn extends EventEmitter {
  readonly isTTY = true;
  rawModes: boolean[] = [];
  private data: string | null = null;
  setRawMode(mode: boolean) {
    this.rawModes.push(mode);
    return this;
  }
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  type(data: string) {
    this.data = data;
    this.emit('readable');
  }
}

let stdout: FakeTtyOut;
let stdin: FakeTtyIn;

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}. Screen:\n${stripAnsi(stdout.written).slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Each step's latest status as the engine's events report it. */
function statusesOf(engine: FakeEngine): Record<string, StepStatus> {
  const statuses: Record<string, StepStatus> = {};
  engine.subscribe((event) => {
    if (event.type === 'step.started') statuses[event.step] = 'running';
    if (event.type === 'step.finished') statuses[event.step] = event.status;
  });
  return statuses;
}

afterEach(() => {
  stdout?.removeAllListeners();
  stdin?.removeAllListeners();
});

describe('runTui', () => {
  const runbook = makeRunbook([
    { id: 'first', title: 'First step' },
    { id: 'second', title: 'Second step' },
  ]);

  /** runTui over a fresh fake terminal (stdout and stdin above), as the CLI starts it on the lab. */
  function startOnFakeTty(engine: FakeEngine, theme?: { color: boolean }) {
    stdout = new FakeTtyOut();
    stdin = new FakeTtyIn();
    return runTui({
      engine,
      runbook,
      dryRun: false,
      targetName: 'lab',
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      ...(theme ? { theme } : {}),
    });
  }

  it('starts the engine, lets the operator run a step, and restores the terminal on q', async () => {
    const engine = new FakeEngine(runbook);
    const statuses = statusesOf(engine);
    const done = startOnFakeTty(engine, { color: false });
    await until(() => stdout.written.includes('run-test-1'), 'the run id from run.started');
    expect(stdout.written.startsWith('\u001B[?1049h')).toBe(true);
    expect(stdin.rawModes[0]).toBe(true);
    stdin.type(ENTER);
    await until(() => statuses.first === 'passed', 'the first step to pass');
    stdin.type('q');
    await expect(done).resolves.toBe('passed');
    expect(stdin.rawModes.at(-1)).toBe(false);
    expect(stdout.written.endsWith('\u001B[?25h\u001B[?1049l')).toBe(true);
    expect(engine.calls).toEqual(['run:first']);
  });

  it('resolves aborted after Ctrl-C Ctrl-C during a running step, terminal restored', async () => {
    const engine = new FakeEngine(runbook, {
      first: async ({ signal }) => {
        await untilAborted(signal);
        return 'failed';
      },
    });
    const statuses = statusesOf(engine);
    const done = startOnFakeTty(engine);
    await until(() => stdout.written.includes('run-test-1'), 'the run id');
    stdin.type(ENTER);
    await until(() => statuses.first === 'running', 'the step to run');
    stdin.type(CTRL_C);
    await until(() => statuses.first === 'failed', 'the abort');
    stdin.type(CTRL_C);
    await expect(done).resolves.toBe('aborted');
    expect(stdin.rawModes.at(-1)).toBe(false);
    expect(stdout.written.endsWith('\u001B[?25h\u001B[?1049l')).toBe(true);
  });
});
