// `drillbook run FILE --target lab --monitoring`: lab monitoring for a runbook that builds its own cluster.
// Loopback mode provisions nothing here; the lab daemon's follow mode adds each droplet the runbook boots.
// Container mode puts a monitoring droplet in the runbook's own VPC once its cluster is there, for as long
// as the run lasts (src/lab/monitoring/runbook-vpc.ts). Either way the runbook's http checks against
// Prometheus and Alertmanager run at their usual address instead of being skipped as unreachable.

import { isLoopback } from '../lab/monitoring/index.js';
import { UsageError } from './args.js';

export async function startRunMonitoring(options: {
  target: string;
  host?: string;
  dryRun: boolean;
  labMode?: 'loopback' | 'container';
}): Promise<{ stop(): Promise<void> } | undefined> {
  if (options.target !== 'lab') {
    throw new UsageError(
      `--monitoring runs monitoring in the lab; with --target ${options.target} point the runbook's prometheus_url and alertmanager_url vars at your own`,
      'run',
    );
  }
  if (options.host !== undefined && !isLoopback(options.host)) {
    throw new UsageError(
      `--monitoring-host ${options.host}: give a loopback address such as 127.10.0.30`,
      'run',
    );
  }
  if (options.dryRun) return undefined;
  const [{ resolveLabTarget, labStateDir }, { readSettings, DEFAULT_IP_RANGE }, lab, monitoring] =
    await Promise.all([
      import('../lab/index.js'),
      import('../lab/state.js'),
      import('../lab/monitoring/lab.js'),
      import('../lab/monitoring/index.js'),
    ]);
  const stateDir = labStateDir();
  // The emulator daemon runs the follow mode, so it must run before monitoring can follow anything.
  const target = await resolveLabTarget({ stateDir, ...(options.labMode ? { mode: options.labMode } : {}) });
  const ipRange = (await readSettings(stateDir))?.ipRange ?? DEFAULT_IP_RANGE;
  if (target.lab?.mode === 'container') {
    const { followRunbookMonitoring } = await import('../lab/monitoring/runbook-vpc.js');
    const followed = await followRunbookMonitoring({
      stateDir,
      host: options.host ?? lab.labMonitoringHost(ipRange),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stderr.write(
      `${monitoring.formatMonitoringInfo(followed)} (forwarded to a monitoring droplet this run adds to the runbook's VPC once its cluster is up; deleted with the cluster or when the run ends)\n`,
    );
    return followed;
  }
  const info = await lab.startFollowingMonitoring(stateDir, { host: options.host, ipRange });
  process.stderr.write(
    `${monitoring.formatMonitoringInfo(info)} (following the lab's droplets; drillbook lab down stops it)\n`,
  );
  return undefined;
}
