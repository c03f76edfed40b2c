// Runs a command as the leader of its own process group, so stopping it stops everything it started:
// a pipeline, a `sleep 1000 &`, a server it launched in the background.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineSplitter } from './lines.js';

export interface ProcessGroupOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** How long the group gets between SIGTERM and SIGKILL. */
  killGraceMs: number;
  onLine(stream: 'stdout' | 'stderr', line: string): void;
  /** Masks secrets in a text: an endless line is masked before it is cut into lines (see LineSplitter). */
  mask?(text: string): string;
}

export interface ProcessGroupResult {
  /** null when the leader was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The signal fired and the group was stopped. */
  aborted: boolean;
  /** Processes of the group were still running when the leader exited, and were stopped. */
  strayProcesses: boolean;
  /** The group ignored SIGTERM for killGraceMs and was SIGKILLed. */
  forceKilled: boolean;
}

/** How long output may keep arriving after the group is gone (a setsid'd process may still hold the pipe). */
const DRAIN_MS = 200;
const POLL_MS = 25;

/** Sends a signal to every process in the group; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Whether a process is running (not a zombie). Orphans are reaped by init, which in some containers takes
 * seconds; an unreaped zombie has finished and holds nothing, so it does not count.
 */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Whether any process of the group is still running (zombies excluded where /proc tells them apart). */
export async function groupRunning(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

/** SIGTERM, then SIGKILL after the grace period; resolves once no process of the group is running. */
async function stopGroup(pgid: number, graceMs: number): Promise<{ forceKilled: boolean }> {
  if (!signalGroup(pgid, 'SIGTERM')) return { forceKilled: false };
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await groupRunning(pgid))) return { forceKilled: false };
    await sleep(POLL_MS);
  }
  signalGroup(pgid, 'SIGKILL');
  // Bounded: a process stuck in uninterruptible sleep (a hung NFS mount) must not hang the run forever.
  const killDeadline = Date.now() + graceMs;
  while (Date.now() < killDeadline && (await groupRunning(pgid))) await sleep(POLL_MS);
  return { forceKilled: true };
}

export function runInProcessGroup(
  file: string,
  args: string[],
  options: ProcessGroupOptions,
): Promise<ProcessGroupResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      // Runbook scripts are not interactive: a command that reads stdin gets EOF instead of hanging.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    let aborted = false;
    let forceKilled = false;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= stopGroup(pgid as number, options.killGraceMs).then((r) => {
        forceKilled ||= r.forceKilled;
      });
      return stopping;
    };
    const onAbort = () => {
      aborted = true;
      void stop();
    };

    const streams = { stdout: child.stdout, stderr: child.stderr };
    const closed: Promise<void>[] = [];
    for (const [name, stream] of Object.entries(streams) as Array<
      ['stdout' | 'stderr', typeof child.stdout]
    >) {
      const splitter = new LineSplitter((line) => options.onLine(name, line), options.mask);
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => splitter.push(chunk));
      closed.push(
        new Promise((done) => {
          stream.once('close', () => {
            splitter.end();
            done();
          });
        }),
      );
    }

    child.once('error', (error) => {
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('spawn', () => {
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    });
    child.once('exit', async (exitCode, signal) => {
      options.signal.removeEventListener('abort', onAbort);
      const strayProcesses = !aborted && (await groupRunning(pgid as number));
      if (aborted || strayProcesses) await stop();
      const drained = Promise.all(closed);
      const timedOut = await Promise.race([drained.then(() => false), sleep(DRAIN_MS).then(() => true)]);
      if (timedOut) {
        streams.stdout.destroy();
        streams.stderr.destroy();
        await drained;
      }
      resolve({ exitCode, signal, aborted, strayProcesses, forceKilled });
    });
  });
}
