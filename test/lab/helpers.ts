// Shared by the lab tests: temp lab folders and a check that nothing a test started is still running.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { commandLine } from '../../src/lab/processes.js';
import type { LabSupervisor } from '../../src/lab/supervisor.js';

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
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
