// SIGTERM to the TUI while a step runs: the step's process group is stopped at once (it does not finish
// and pass), the abort is journaled as "terminated by SIGTERM", and the exit code is 143 (issue #15 item 16).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePackages } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const socket = `drillbook-e2e-tui-signals-${process.pid}`;
const session = 'tui';
let stateDir: string;
let built: { cli: string; remove: () => void } | undefined;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);

async function waitFor(what: (s: string) => boolean, label: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const current = screen();
    if (what(current)) return current;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${label}. Screen:\n${current}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  requirePackages('tmux');
  const { buildPrivateCli } = await import('../../bench/lib/build-cli.mjs');
  built = await buildPrivateCli('e2e-tui-signals');
  stateDir = tempDir('drillbook-e2e-tui-signals-');
  const env = [`XDG_STATE_HOME=${stateDir}`, 'TERM=xterm-256color', `PATH=${process.env.PATH}`];
  const command = `env -u CI ${env.join(' ')} ${process.execPath} ${built.cli} run test/cli/fixtures/slow.md; echo "EXIT=$?"; sleep 600`;
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', root, command);
});

afterAll(() => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  built?.remove();
});

describe('the TUI and SIGTERM', () => {
  it('stops the running step at once, journals the signal and exits 143', async () => {
    await waitFor((s) => s.includes('Wait a while'), 'the step list');
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor((s) => /Proceed\?/.test(s), 'the confirmation');
    tmux('send-keys', '-t', session, 'y');
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
