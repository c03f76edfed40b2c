// Target resolution for `drillbook run`, loaded on first use so runbooks without cloud steps never pay for it.
import type { TargetInfo } from '../contract/action.js';
import type { TargetName } from '../contract/runbook.js';

export const TARGETS: readonly TargetName[] = ['lab', 'digitalocean'];

export function isTargetName(name: string): name is TargetName {
  return (TARGETS as readonly string[]).includes(name);
}

export async function resolveTarget(
  name: TargetName,
  options: { labMode?: 'loopback' | 'container' } = {},
): Promise<TargetInfo> {
  if (name === 'digitalocean') {
    const { resolveDigitalOceanTarget } = await import('../targets/digitalocean/credentials.js');
    return resolveDigitalOceanTarget();
  }
  const { resolveLabTarget } = await import('../lab/index.js');
  // Without --lab-mode: the mode of the lab already running, else loopback.
  return resolveLabTarget(options.labMode ? { mode: options.labMode } : {});
}
