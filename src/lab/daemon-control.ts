// Starting, finding and stopping the lab daemon from the CLI (and from `run --target lab`).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DAEMON_TOKEN_ENV } from './daemon.js';
import { commandLine, sendSignal, waitForExit } from './processes.js';
import {
  type DaemonState,
  daemonLog,
  ensureStateDir,
  generateSecret,
  type LabMode,
  readDaemonState,
  removeDaemonState,
} from './state.js';

/** Overrides the script the daemon is started from (tests run the CLI from a bundle of their own). */
export const DAEMON_ENTRY_ENV = 'DRILLBOOK_LAB_DAEMON_ENTRY';
const START_TIMEOUT_MS = 15_000;

export const DAEMON_SUBCOMMAND = '_daemon';

/** The daemon's pid when daemon.json names a live lab daemon for this state folder. */
async function daemonPid(stateDir: string, state: DaemonState): Promise<number | undefined> {
  const line = await commandLine(state.pid);
  return line?.includes(DAEMON_SUBCOMMAND) && line.includes(stateDir) ? state.pid : undefined;
}

async function healthy(state: DaemonState): Promise<boolean> {
  try {
    const response = await fetch(`${state.url}/_lab/health`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** The running daemon's state, or undefined (removing a stale daemon.json left by a crash). */
export async function runningDaemon(stateDir: string): Promise<DaemonState | undefined> {
  const state = await readDaemonState(stateDir);
  if (!state) return undefined;
  if ((await daemonPid(stateDir, state)) !== undefined && (await healthy(state))) return state;
  if ((await daemonPid(stateDir, state)) === undefined) await removeDaemonState(stateDir);
  return undefined;
}

/**
 * The drillbook CLI script: found from this module (src/ or the bundled dist/ both sit below the package
 * root), so the daemon starts the same way whoever calls resolveLabTarget (the CLI, a test, a benchmark).
 */
function cliEntry(): string | undefined {
  const override = process.env[DAEMON_ENTRY_ENV];
  if (override) return override;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const bin = path.join(dir, 'bin', 'drillbook.js');
    if (existsSync(bin) && existsSync(path.join(dir, 'dist', 'cli.js'))) return bin;
    const parent = path.dirname(dir);
    if (parent === dir) return process.argv[1];
    dir = parent;
  }
}

function daemonCommand(options: DaemonOptions): string[] {
  const entry = cliEntry();
  if (!entry)
    throw new Error('cannot find the drillbook CLI to start the lab daemon from; run `npm run build`');
  return [
    entry,
    'lab',
    DAEMON_SUBCOMMAND,
    '--state-dir',
    options.stateDir,
    '--ip-range',
    options.ipRange,
    '--mode',
    options.mode,
  ];
}

interface DaemonOptions {
  stateDir: string;
  ipRange: string;
  mode: LabMode;
}

/** Starts the lab daemon unless one is already serving this state folder. */
export async function ensureLabDaemon(options: DaemonOptions): Promise<DaemonState & { started: boolean }> {
  const lock = path.join(options.stateDir, 'daemon.lock');
  const deadline = Date.now() + 2 * START_TIMEOUT_MS;
  for (;;) {
    const existing = await runningDaemon(options.stateDir);
    if (existing && (existing.mode ?? 'loopback') !== options.mode) {
      throw new Error(
        `the lab already runs in ${existing.mode ?? 'loopback'} mode; run \`drillbook lab down\` before starting it in ${options.mode} mode`,
      );
    }
    if (existing) return { ...existing, started: false };
    const stale = await readDaemonState(options.stateDir);
    if (stale) {
      throw new Error(
        `the lab daemon (pid ${stale.pid}, ${stale.url}) is running but not answering; stop it with \`drillbook lab down\` and run \`drillbook lab up\` again`,
      );
    }
    await ensureStateDir(options.stateDir);
    // Two drillbook processes starting the lab at once (a runbook and `lab up`) must not start two daemons.
    if (await acquireLock(lock)) {
      try {
        const started = await runningDaemon(options.stateDir);
        return started ? { ...started, started: false } : await spawnDaemon(options);
      } finally {
        await rm(lock, { force: true });
      }
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `another drillbook process has been starting the lab daemon for too long (lock ${lock}); if none is running, delete that file`,
      );
    }
    await sleep(100);
  }
}

/** Creates the lock file; a lock left by a process that is gone is removed (the next call takes it). */
async function acquireLock(file: string): Promise<boolean> {
  try {
    await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(holder) || holder <= 0 || (await commandLine(holder)) === undefined) {
      await rm(file, { force: true });
    }
    return false;
  }
}

async function spawnDaemon(options: DaemonOptions): Promise<DaemonState & { started: boolean }> {
  const log = daemonLog(options.stateDir);
  const logFd = openSync(log, 'a', 0o600);
  const token = generateSecret(32);
  const child = spawn(process.execPath, daemonCommand(options), {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, [DAEMON_TOKEN_ENV]: token },
  });
  closeSync(logFd);
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  });
  child.once('error', (error) => {
    exit = `could not start: ${error.message}`;
  });
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && exit === undefined) {
    const state = await readDaemonState(options.stateDir);
    if (state && state.pid === child.pid && (await healthy(state))) return { ...state, started: true };
    await sleep(50);
  }
  if (exit === undefined && child.pid) sendSignal(child.pid, 'SIGKILL');
  const tail = (await readFile(log, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-10).join('\n    ');
  throw new Error(
    `the lab daemon ${exit ?? `did not answer within ${START_TIMEOUT_MS / 1000} s`}:\n    ${tail || '(no output)'}\n  log: ${log}`,
  );
}

/** Stops the daemon named by daemon.json when it really is the lab daemon of this folder. */
export async function stopLabDaemon(stateDir: string): Promise<void> {
  const state = await readDaemonState(stateDir);
  if (!state) return;
  const pid = await daemonPid(stateDir, state);
  if (pid !== undefined) {
    sendSignal(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 10_000))) {
      sendSignal(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
  }
  await removeDaemonState(stateDir);
}
