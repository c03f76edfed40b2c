// Shared by the lab tests: the `drillbook lab` CLI as a user runs it, temp lab folders and a check that nothing a
// test started is still running.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { commandLine } from '../../src/lab/processes.js';
import type { LabSupervisor } from '../../src/lab/supervisor.js';
import { removeTempDir, tempDir } from '../helpers/temp-dir.js';

const execFileAsync = promisify(execFile);

export interface LabCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface LabCli {
  /** The bundled CLI (bundleLabCli): it also starts the daemon, so a test never depends on a stale dist/. */
  cli: string;
  /** XDG_STATE_HOME: where the lab keeps its state. */
  stateHome: string;
  env: Record<string, string>;
  timeoutMs: number;
}

/** Runs `drillbook lab <args>` as a child process and returns its exit code and output, failed or not. */
export async function runLabCli(
  { cli, stateHome, env, timeoutMs }: LabCli,
  ...args: string[]
): Promise<LabCliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, 'lab', ...args], {
      env: { ...process.env, XDG_STATE_HOME: stateHome, DRILLBOOK_LAB_DAEMON_ENTRY: cli, ...env },
      timeout: timeoutMs,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as LabCliResult;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A lab state folder, removed by the test once every process the lab started in it is gone. */
export function labStateDir(prefix: string): { dir: string; remove: () => Promise<void> } {
  const dir = tempDir(prefix);
  return { dir, remove: () => removeTempDir(dir) };
}

/** Pids of every process (any user) whose command line mentions the folder: the lab's own processes. */
export async function processesUnder(dir: string): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const line = await commandLine(Number(entry));
    if (line?.includes(dir)) found.push(Number(entry));
  }
  return found;
}

/** Kills what a failed test may have left behind (only processes started from this folder). */
export async function killProcessesUnder(dir: string): Promise<void> {
  for (const pid of await processesUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

export async function destroyAll(supervisor: LabSupervisor, names: string[]): Promise<void> {
  for (const name of names) {
    await supervisor.destroy({ id: 0, name, privateIp: '127.0.0.1', publicIp: '127.0.0.1', tags: [] });
  }
}
