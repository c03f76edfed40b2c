// The lab target: what `run --target lab` and `drillbook lab` use.
import type { TargetInfo } from '../contract/action.js';
import { requireLabBinaries } from './binaries.js';
import { requireImage, requireRoot } from './container/image.js';
import { PUBLIC_SIDE_GATEWAY } from './container/netns.js';
import { ensureLabDaemon } from './daemon-control.js';
import { defaultIpRange, type LabMode, labStateDir, readDaemonState, readSettings } from './state.js';

export { MissingBinariesError } from './binaries.js';
export { type LabDownResult, labDown } from './lab-down.js';
export { formatLabStatus, type LabStatus, labStatus } from './lab-status.js';
export { type LabUpOptions, type LabUpResult, labUp } from './lab-up.js';
export { labStateDir } from './state.js';
export { LabSupervisor } from './supervisor.js';
export { LabSettingsError } from './topology.js';

/**
 * Starts the lab's emulator daemon, or reuses the running one, without provisioning anything: a runbook
 * creates its cluster itself through `do` steps. The token in the result is a secret.
 */
export async function resolveLabTarget(
  options: { stateDir?: string; mode?: LabMode } = {},
): Promise<TargetInfo> {
  const stateDir = options.stateDir ?? labStateDir();
  const settings = await readSettings(stateDir);
  // Default: the mode of the lab already running (or set up), else loopback.
  const mode =
    options.mode ?? (await readDaemonState(stateDir))?.mode ?? settings?.mode ?? ('loopback' as LabMode);
  if (mode === 'container') {
    requireRoot('the container lab');
    await requireImage();
  } else {
    await requireLabBinaries();
  }
  const daemon = await ensureLabDaemon({
    stateDir,
    ipRange:
      (settings?.mode ?? 'loopback') === mode
        ? (settings?.ipRange ?? defaultIpRange(mode))
        : defaultIpRange(mode),
    mode,
  });
  // Container mode: the host's connections reach droplets from the operator-side bridge, not from loopback.
  const operatorCidr = mode === 'container' ? `${PUBLIC_SIDE_GATEWAY}/32` : '127.0.0.1/32';
  return {
    name: 'lab',
    apiUrl: daemon.url,
    token: daemon.token,
    lab: { stateDir, mode, started: daemon.started, operatorCidr },
  };
}
