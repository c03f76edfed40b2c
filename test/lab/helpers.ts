// Shared by the lab tests: temp lab folders and a check that nothing a test started is still running.
import { commandLine } from '../../src/lab/processes.js';
import type { LabSupervisor } from '../../src/lab/supervisor.js';
import { removeTempDir, tempDir } from '../helpers/temp-dir.js';

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
