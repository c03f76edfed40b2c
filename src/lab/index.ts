// The lab target: what `run --target lab` and `drillbook lab` use.
import type { TargetInfo } from '../contract/action.js';
import { requireLabBinaries } from './binaries.js';
import { requireImage, requireRoot } from './container/image.js';
import { PUBLIC_SIDE_GATEWAY } from './container/netns.js';
import { ensureLabDaemon } from './daemon-control.js';
import { defaultIpRange, type LabMode, labStateDir, readDaemonState, readSettings } from './state.js';
import { LabSettingsError, rangeBase } from './topology.js';

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
  options: { stateDir?: string; mode?: LabMode; ipRange?: string } = {},
): Promise<TargetInfo> {
  const stateDir = options.stateDir ?? labStateDir();
  const settings = await readSettings(stateDir);
  // Default: the mode of the lab already running (or set up), else loopback.
  const mode =
    options.mode ?? (await readDaemonState(stateDir))?.mode ?? settings?.mode ?? ('loopback' as LabMode);
  if (options.ipRange) await requireLabRange(options.ipRange, { stateDir, mode });
  if (mode === 'container') {
    requireRoot('the container lab');
    await requireImage();
  } else {
    await requireLabBinaries();
  }
  const daemon = await ensureLabDaemon({
    stateDir,
    ipRange:
      options.ipRange ??
      ((settings?.mode ?? 'loopback') === mode
        ? (settings?.ipRange ?? defaultIpRange(mode))
        : defaultIpRange(mode)),
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

/**
 * `run --ip-range`: the run must land on the lab with that range. The lab of a state dir is the one under
 * $XDG_STATE_HOME/drillbook/lab/; one that runs (or was set up) on another range is refused, naming both and
 * the way to run beside it: another XDG_STATE_HOME, whose lab this run then starts on the range asked for.
 */
export async function requireLabRange(
  ipRange: string,
  options: { stateDir?: string; mode?: LabMode } = {},
): Promise<void> {
  const stateDir = options.stateDir ?? labStateDir();
  const daemon = await readDaemonState(stateDir);
  const settings = await readSettings(stateDir);
  const mode = options.mode ?? daemon?.mode ?? settings?.mode ?? 'loopback';
  rangeBase(ipRange, mode);
  const inUse = daemon?.ipRange ?? settings?.ipRange;
  if (inUse !== undefined && inUse !== ipRange) {
    throw new LabSettingsError(
      `--ip-range ${ipRange}: the lab in ${stateDir} is on ${inUse}. To use that lab, leave out --ip-range (or pass ${inUse}); to run beside it, give this run a state home of its own, e.g. XDG_STATE_HOME=/tmp/lab-b drillbook lab up --ip-range ${ipRange} and the same XDG_STATE_HOME for the run; or stop it first with drillbook lab down`,
    );
  }
}
