// Target resolution for `drillbook run`, loaded on first use so runbooks without cloud steps never pay for it.
import type { TargetInfo } from '../contract/action.js';
import type { TargetName } from '../contract/runbook.js';

export const TARGETS: readonly TargetName[] = ['lab', 'digitalocean'];

export function isTargetName(name: string): name is TargetName {
  return (TARGETS as readonly string[]).includes(name);
}

/** Set when this process started the lab emulator, so the run's last lines can say it is still running. */
let startedLab = false;

export function startedLabEmulator(): boolean {
  return startedLab;
}

/**
 * The secrets a target keeps in its own state, readable without starting anything: the lab's Redis and
 * Sentinel passwords (lab.json, 0600). A run masks them even when its runbook never declares them.
 */
export async function knownTargetSecrets(
  name: TargetName,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  if (name !== 'lab') return [];
  const { labStateDir, readSettings } = await import('../lab/state.js');
  const settings = await readSettings(labStateDir(env));
  return [settings?.password, settings?.sentinelPassword].filter((value): value is string => !!value);
}

export async function resolveTarget(
  name: TargetName,
  options: { labMode?: 'loopback' | 'container'; ipRange?: string } = {},
): Promise<TargetInfo> {
  if (name === 'digitalocean') {
    const { resolveDigitalOceanTarget } = await import('../targets/digitalocean/credentials.js');
    return resolveDigitalOceanTarget();
  }
  const { resolveLabTarget } = await import('../lab/index.js');
  // Without --lab-mode: the mode of the lab already running, else loopback.
  const info = await resolveLabTarget({
    ...(options.labMode ? { mode: options.labMode } : {}),
    ...(options.ipRange ? { ipRange: options.ipRange } : {}),
  });
  if (info.lab?.started) startedLab = true;
  return info;
}
