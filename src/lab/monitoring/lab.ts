// Monitoring for the lab `drillbook lab up --monitoring` provisions: the services sit on the VPC range's .30
// (127.10.0.30, as a monitoring droplet would at 10.10.0.30), on their usual ports, and scrape every droplet.
import { readSettings } from '../state.js';
import { rangeBase } from '../topology.js';
import { dropletUrls, ensureMonitoringDroplet, waitForDropletServices } from './droplet.js';
import { currentCluster, syncMonitoringTargets } from './follow.js';
import {
  type MonitoringInfo,
  monitoringDir,
  readInfo,
  recordMonitoringInfo,
  startMonitoring,
  waitForFirstScrapes,
} from './index.js';

/** Last octet of the lab's monitoring address: clear of the master (.10), replicas (.11–.19) and Sentinels (.20–.22). */
export const MONITORING_HOST_OCTET = 30;

export function labMonitoringHost(ipRange: string): string {
  return `${rangeBase(ipRange)}.${MONITORING_HOST_OCTET}`;
}

export interface LabNode {
  role: string;
  privateIp: string;
  port: number;
}

/**
 * Starts (or refreshes) monitoring for the lab in stateDir, whose `lab up` produced these droplets, and waits
 * until Prometheus has scraped every droplet once (plus the exporter itself), so a drill started right
 * after `lab up --monitoring` is seen from its first second.
 */
export async function startLabMonitoring(stateDir: string, droplets: LabNode[]): Promise<MonitoringInfo> {
  const settings = await readSettings(stateDir);
  if (!settings) throw new Error(`no lab settings in ${stateDir}; run \`drillbook lab up\` first`);
  const address = (node: LabNode) => `${node.privateIp}:${node.port}`;
  const info = await startMonitoring({
    stateDir,
    host: labMonitoringHost(settings.ipRange),
    redisNodes: droplets.filter((d) => d.role !== 'sentinel').map(address),
    sentinels: droplets.filter((d) => d.role === 'sentinel').map(address),
    password: settings.password,
    ...(settings.sentinelPassword ? { sentinelPassword: settings.sentinelPassword } : {}),
  });
  await waitForFirstScrapes(info.prometheusUrl, droplets.length + 1);
  return info;
}

/**
 * Starts (or reuses) monitoring for the lab in stateDir without provisioning anything: it scrapes the
 * droplets that exist now, and the lab daemon's follow mode adds each droplet a runbook boots later.
 * host defaults to the .30 of the lab's range.
 */
export async function startFollowingMonitoring(
  stateDir: string,
  options: { host?: string; ipRange: string },
): Promise<MonitoringInfo> {
  const cluster = await currentCluster(stateDir);
  const info = await startMonitoring({
    stateDir,
    host: options.host ?? labMonitoringHost(options.ipRange),
    ...cluster,
  });
  // Monitoring that was already running kept its old password map: bring it in line with the droplets.
  await syncMonitoringTargets(stateDir);
  await waitForFirstScrapes(info.prometheusUrl, cluster.redisNodes.length + cluster.sentinels.length + 1);
  return info;
}

/**
 * Container mode: monitoring on a droplet at the range's .30 in the lab's VPC, as on DigitalOcean. It scrapes
 * the droplets' private addresses over the VPC; the URLs it returns are its public address, the only way in
 * from this machine. Resolves once Prometheus has scraped every droplet (and the exporter) once.
 */
export async function startContainerLabMonitoring(
  stateDir: string,
  droplets: Array<LabNode & { id: number }>,
  onProgress?: (line: string) => void,
): Promise<MonitoringInfo> {
  const settings = await readSettings(stateDir);
  if (!settings) throw new Error(`no lab settings in ${stateDir}; run \`drillbook lab up\` first`);
  const first = droplets[0];
  if (!first) throw new Error('the lab has no droplets to monitor; run `drillbook lab up` first');
  const address = (node: LabNode) => `${node.privateIp}:${node.port}`;
  const redisNodes = droplets.filter((d) => d.role !== 'sentinel').map(address);
  const sentinels = droplets.filter((d) => d.role === 'sentinel').map(address);
  const targets = [...redisNodes, ...sentinels];
  const previous = await readInfo(monitoringDir(stateDir));
  const droplet = await ensureMonitoringDroplet({
    stateDir,
    nextTo: first.id,
    host: MONITORING_HOST_OCTET,
    replace: previous?.targets !== undefined && previous.targets.join() !== targets.join(),
    cluster: {
      redisNodes,
      sentinels,
      password: settings.password,
      ...(settings.sentinelPassword ? { sentinelPassword: settings.sentinelPassword } : {}),
    },
    ...(onProgress ? { onProgress } : {}),
  });
  onProgress?.(
    `waiting for Prometheus, Alertmanager and redis_exporter on ${droplet.name} (cloud-init installs them)`,
  );
  await waitForDropletServices(droplet);
  const info: MonitoringInfo = {
    dir: monitoringDir(stateDir),
    ...dropletUrls(droplet),
    pids: {},
    droplet,
    targets,
  };
  await recordMonitoringInfo(info);
  await waitForFirstScrapes(info.prometheusUrl, droplets.length + 1);
  return info;
}
