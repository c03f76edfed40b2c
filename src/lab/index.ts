// The lab target: what `run --target lab` and `drillbook lab` use.
import type { TargetInfo } from '../contract/action.js';
import { requireLabBinaries } from './binaries.js';
import { ensureLabDaemon } from './daemon-control.js';
import { DEFAULT_IP_RANGE, labStateDir, readSettings } from './state.js';

export { MissingBinariesError } from './binaries.js';
export { type LabDownResult, labDown } from './lab-down.js';
export { formatLabStatus, type LabStatus, labStatus } from './lab-status.js';
export { type LabUpOptions, type LabUpResult, labUp } from './lab-up.js';
export { labStateDir } from './state.js';
export { LabSupervisor } from './supervisor.js';

/**
 * Starts the lab's emulator daemon, or reuses the running one, without provisioning anything: a runbook
 * creates its cluster itself through `do` steps. The token in the result is a secret.
 */
export async function resolveLabTarget(options: { stateDir?: string } = {}): Promise<TargetInfo> {
  const stateDir = options.stateDir ?? labStateDir();
  await requireLabBinaries();
  const settings = await readSettings(stateDir);
  const daemon = await ensureLabDaemon({ stateDir, ipRange: settings?.ipRange ?? DEFAULT_IP_RANGE });
  return { name: 'lab', apiUrl: daemon.url, token: daemon.token, lab: { stateDir } };
}
