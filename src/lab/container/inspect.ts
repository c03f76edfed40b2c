// What `lab status` shows about a container droplet: its machine's state, when it booted, and how far
// cloud-init got (read from the droplet's own disk, as `cloud-init status` would).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isFrozen, machineCgroup, machinePaths, nspawnPid } from './machine.js';
import { labKey } from './netns.js';
import { containerStateDir } from './state.js';

export interface CloudInitStatus {
  status: 'not started' | 'running' | 'done' | 'error';
  errors: string[];
}

export interface ContainerReport {
  state: 'running' | 'frozen' | 'stopped';
  bootedAt?: string;
  cloudInit: CloudInitStatus;
  /** /var/log/cloud-init-output.log inside the droplet (only in `lab status --json`). */
  cloudInitLog?: string;
}

interface StatusFile {
  v1?: { stage?: string | null; errors?: string[] } & Record<string, unknown>;
}

async function cloudInitStatus(root: string): Promise<CloudInitStatus> {
  const read = async (file: string) =>
    JSON.parse(await readFile(path.join(root, file), 'utf8').catch(() => 'null')) as StatusFile | null;
  const result = await read('var/lib/cloud/data/result.json');
  if (result?.v1) {
    const errors = result.v1.errors ?? [];
    return { status: errors.length > 0 ? 'error' : 'done', errors };
  }
  const status = await read('var/lib/cloud/data/status.json');
  if (!status?.v1) return { status: 'not started', errors: [] };
  // Stages record their own errors as they finish; any means cloud-init will end in error.
  const errors = Object.values(status.v1).flatMap((stage) =>
    stage && typeof stage === 'object' && Array.isArray((stage as { errors?: unknown }).errors)
      ? ((stage as { errors: string[] }).errors ?? [])
      : [],
  );
  return { status: 'running', errors };
}

export async function inspectContainer(
  stateDir: string,
  dropletId: number,
  options: { withLog: boolean },
): Promise<ContainerReport> {
  const paths = machinePaths(containerStateDir(stateDir), dropletId);
  const running = (await nspawnPid(paths)) !== undefined;
  const frozen = running && (await isFrozen(machineCgroup(labKey(stateDir), dropletId)));
  const bootedAt = (await readFile(paths.bootedAt, 'utf8').catch(() => '')).trim();
  const report: ContainerReport = {
    state: frozen ? 'frozen' : running ? 'running' : 'stopped',
    ...(bootedAt ? { bootedAt } : {}),
    cloudInit: await cloudInitStatus(paths.merged),
  };
  if (options.withLog) {
    const log = await readFile(path.join(paths.merged, 'var/log/cloud-init-output.log'), 'utf8').catch(
      () => undefined,
    );
    if (log !== undefined) report.cloudInitLog = log;
  }
  return report;
}
