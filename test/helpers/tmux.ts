// The built CLI in a real terminal, for the e2e tests: a private tmux server (its own socket, so a test never
// touches anyone's sessions) runs the command in one session; the test reads the screen and sends keys.
// The CLI is bundled into a private folder (anyone's build deletes dist/) and removed with the terminal.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirePackages } from './system.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface TuiTerminal {
  /** The visible screen, as text. */
  screen(): string;
  /** tmux key names (Enter, C-c, Up, NPage) or several keys in order. */
  keys(...names: string[]): void;
  /** Text as typed, character by character. */
  type(text: string): void;
  /** A tmux pane flag: cursor_flag (cursor shown) or alternate_on (alternate screen). */
  paneFlag(name: 'cursor_flag' | 'alternate_on'): string;
  /** Polls the screen until predicate holds; the error shows the last screen. */
  waitForScreen(predicate: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** waitForScreen for a text on the screen. */
  waitFor(text: string, timeoutMs?: number): Promise<string>;
  /** Ends the tmux server and removes the private CLI. */
  close(): void;
}

export interface TuiTerminalOptions {
  /** Names the socket and the private CLI folder. */
  name: string;
  /** drillbook's arguments, e.g. ['run', 'fixtures/tui/drill.md']. */
  args: string[];
  /** Environment for the CLI besides TERM and PATH (XDG_STATE_HOME, …). */
  env: Record<string, string>;
  columns?: number;
  rows?: number;
  /** After the CLI exits: shell commands whose output the test reads (e.g. stty -a). */
  after?: string;
  /** Default wait of waitForScreen. */
  timeoutMs?: number;
  /** How often the screen is read while waiting. */
  pollMs?: number;
}

export async function startTuiTerminal(options: TuiTerminalOptions): Promise<TuiTerminal> {
  requirePackages('tmux');
  const { buildPrivateCli } = await import('../../bench/lib/build-cli.mjs');
  const built: { cli: string; remove: () => void } = await buildPrivateCli(options.name);
  const socket = `drillbook-${options.name}-${process.pid}`;
  const session = 'tui';
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const env = Object.entries({
    ...options.env,
    TERM: 'xterm-256color',
    PATH: process.env.PATH ?? '',
  }).map(([name, value]) => `${name}=${value}`);
  // CI=1 makes Ink print only the last frame; these tests are about the interactive screen.
  const command = [
    `env -u CI ${env.join(' ')} ${process.execPath} ${built.cli} ${options.args.join(' ')}`,
    'echo "EXIT=$?"',
    ...(options.after ? [options.after] : []),
    'sleep 900',
  ].join('; ');
  try {
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      String(options.columns ?? 100),
      '-y',
      String(options.rows ?? 30),
      '-c',
      ROOT,
      command,
    );
  } catch (error) {
    built.remove();
    throw error;
  }
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  const waitForScreen = async (
    predicate: (current: string) => boolean,
    what: string,
    timeoutMs = options.timeoutMs ?? 15_000,
  ): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = screen();
      if (predicate(current)) return current;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Screen:\n${current}`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
    }
  };
  return {
    screen,
    keys: (...names) => {
      tmux('send-keys', '-t', session, ...names);
    },
    type: (text) => {
      tmux('send-keys', '-t', session, '-l', text);
    },
    paneFlag: (name) => tmux('display', '-p', '-t', session, `#{${name}}`).trim(),
    waitForScreen,
    waitFor: (text, timeoutMs) => waitForScreen((s) => s.includes(text), JSON.stringify(text), timeoutMs),
    close: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
      built.remove();
    },
  };
}
