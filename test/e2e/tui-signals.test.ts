// SIGTERM to the TUI while a step runs: the step's process group is stopped at once (it does not finish
// and pass), the abort is journaled as "terminated by SIGTERM", and the exit code is 143 (issue #15 item 16).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../helpers/processes.js';
import { removeTempDir, tempDir } from '../helpers/temp-dir.js';
import { startTuiTerminal, type TuiTerminal } from '../helpers/tmux.js';

let stateDir: string;
let terminal: TuiTerminal | undefined;

beforeAll(async () => {
  stateDir = tempDir('drillbook-e2e-tui-signals-');
  terminal = await startTuiTerminal({
    name: 'e2e-tui-signals',
    args: ['run', 'test/cli/fixtures/slow.md'],
    env: { XDG_STATE_HOME: stateDir },
    timeoutMs: 20_000,
  });
});

afterAll(async () => {
  terminal?.close();
  // Not left to the exit hook: a vitest worker can end without 'exit', and every run left a folder behind.
  if (stateDir) await removeTempDir(stateDir);
});

describe('the TUI and SIGTERM', () => {
  it('stops the running step at once, journals the signal and exits 143', async () => {
    const { keys, screen, waitForScreen: waitFor } = terminal as TuiTerminal;
    await waitFor((s) => s.includes('Wait a while'), 'the step list');
    keys('Enter');
    await waitFor((s) => /Proceed\?/.test(s), 'the confirmation');
    keys('y');
    const running = await waitFor((s) => /started \d+/.test(s), 'the script to start');
    const scriptPid = Number(/started (\d+)/.exec(running)?.[1]);
    const runs = join(stateDir, 'drillbook', 'runs');
    const lock = readdirSync(runs).find((name) => name.endsWith('.jsonl.lock')) as string;
    const holder = JSON.parse(readFileSync(join(runs, lock), 'utf8')) as { pid: number };
    process.kill(holder.pid, 'SIGTERM');
    await waitFor((s) => s.includes('EXIT='), 'the exit');
    expect(screen()).toContain('EXIT=143');
    expect(alive(scriptPid)).toBe(false);
    const events = readFileSync(join(runs, lock.replace(/\.lock$/, '')), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const finished = events.find((e) => e.type === 'step.finished');
    expect(finished).toMatchObject({ status: 'failed' });
    expect(finished.error).toContain('terminated by SIGTERM');
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });
});
