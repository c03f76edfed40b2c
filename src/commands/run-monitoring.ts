// `drillbook run FILE --target lab --monitoring`: lab monitoring for a runbook that builds its own cluster.
// Nothing is provisioned here; the lab daemon's follow mode adds each droplet the runbook boots, so the
// runbook's http checks against Prometheus and Alertmanager run instead of being skipped as unreachable.
import { UsageError } from './args.js';

export async function startRunMonitoring(options: {
  target: string;
  host?: string;
  dryRun: boolean;
  labMode?: 'loopback' | 'container';
}): Promise<void> {
  if (options.target !== 'lab') {
    throw new UsageError(
      `--monitoring runs monitoring in the lab; with --target ${options.target} point the runbook's prometheus_url and alertmanager_url vars at your own`,
      'run',
    );
  }
  if (options.host !== undefined && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(options.host)) {
    throw new UsageError(
      `--monitoring-host ${options.host}: give a loopback address such as 127.10.0.30`,
      'run',
    );
  }
  if (options.dryRun) return;
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
  if (target.lab?.mode === 'container') {
    throw new Error(
      "--monitoring follows the droplets a runbook creates only in loopback mode (run with --lab-mode loopback); in container mode monitoring is a droplet in the lab's own VPC: `drillbook lab up --mode container --monitoring` monitors the lab's cluster, and a runbook run against it takes the URLs `drillbook lab status` shows (PROMETHEUS_URL=… ALERTMANAGER_URL=…)",
    );
  }
  const ipRange = (await readSettings(stateDir))?.ipRange ?? DEFAULT_IP_RANGE;
  const info = await lab.startFollowingMonitoring(stateDir, { host: options.host, ipRange });
  process.stderr.write(
    `${monitoring.formatMonitoringInfo(info)} (following the lab's droplets; drillbook lab down stops it)\n`,
  );
}
