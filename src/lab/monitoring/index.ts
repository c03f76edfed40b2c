// Lab monitoring: prometheus, prometheus-redis-exporter and prometheus-alertmanager on loopback, configured
// from runbooks/monitoring/, state in <lab state dir>/monitoring/ (config copies, data, logs, pid files).
//
//   const info = await startMonitoring({ stateDir, redisNodes: ['127.10.0.10:6379', ...],
//     sentinels: ['127.10.0.20:26379', ...], password });      // resolves once all three answer
//   info.prometheusUrl / info.alertmanagerUrl / info.exporterUrl
//   await monitoringStatus(stateDir)   // undefined when never started; else URLs and which pids live
//   await stopMonitoring(stateDir)     // stops what it started (by pid), removes the folder
// In container mode the services run on a monitoring droplet instead (./droplet.ts, ./lab.ts); the same
// monitoring.json records its URLs and the droplet, and its status is what its URLs answer.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertPortFree } from '../processes.js';
import {
  type MonitoredCluster,
  type MonitoringAddresses,
  writeMonitoringConfig,
  writeTargets,
} from './config.js';
import {
  answers,
  findMonitoringBinaries,
  type MonitoringService,
  READY_PATH,
  runningPid,
  SERVICES,
  startService,
  stopService,
} from './services.js';

export { MissingMonitoringBinariesError } from './services.js';

/** Default ports: the services' usual ones, on the lab's own monitoring address. */
export const DEFAULT_MONITORING_PORTS: Record<MonitoringService, number> = {
  prometheus: 9090,
  alertmanager: 9093,
  'redis-exporter': 9121,
};

export interface MonitoringOptions extends MonitoredCluster {
  /** The lab's state folder; monitoring lives in its monitoring/ subfolder. */
  stateDir: string;
  /** Loopback address the three services listen on (default 127.0.0.1). */
  host?: string;
  /** Override any port (default DEFAULT_MONITORING_PORTS). */
  ports?: Partial<Record<MonitoringService, number>>;
  /** Folder holding prometheus.yml, the rules and alertmanager.yml (default: the shipped runbooks/monitoring/). */
  configDir?: string;
}

export interface MonitoringInfo {
  dir: string;
  prometheusUrl: string;
  alertmanagerUrl: string;
  exporterUrl: string;
  pids: Partial<Record<MonitoringService, number>>;
  /** Container mode: the droplet the services run on (no pids of ours; lab down removes it). */
  droplet?: { id: number; name: string; privateIp: string; publicIp: string };
  /** Container mode: the "host:port" of every node the droplet was configured to scrape. */
  targets?: string[];
}

export interface MonitoringStatus extends MonitoringInfo {
  /** Services whose recorded pid is no longer ours (crashed, or killed). */
  down: MonitoringService[];
}

export const monitoringDir = (stateDir: string) => path.join(stateDir, 'monitoring');
const infoFile = (dir: string) => path.join(dir, 'monitoring.json');

export function isLoopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export async function readInfo(dir: string): Promise<MonitoringInfo | undefined> {
  try {
    return JSON.parse(await readFile(infoFile(dir), 'utf8')) as MonitoringInfo;
  } catch {
    return undefined;
  }
}

export async function monitoringStatus(stateDir: string): Promise<MonitoringStatus | undefined> {
  const dir = monitoringDir(stateDir);
  const info = await readInfo(dir);
  if (!info) return undefined;
  if (info.droplet) return { ...info, down: await unanswered(info) };
  const pids: Partial<Record<MonitoringService, number>> = {};
  const down: MonitoringService[] = [];
  for (const service of SERVICES) {
    const pid = await runningPid(dir, service);
    if (pid === undefined) down.push(service);
    else pids[service] = pid;
  }
  return { ...info, pids, down };
}

/** The services of a monitoring droplet that do not answer their ready endpoint through its public address. */
async function unanswered(info: MonitoringInfo): Promise<MonitoringService[]> {
  const base: Record<MonitoringService, string> = {
    prometheus: info.prometheusUrl,
    alertmanager: info.alertmanagerUrl,
    'redis-exporter': info.exporterUrl,
  };
  const down: MonitoringService[] = [];
  for (const service of SERVICES)
    if (!(await answers(`${base[service]}${READY_PATH[service]}`))) down.push(service);
  return down;
}

/** Records monitoring that runs on a droplet, for `lab status`, `run --monitoring` and `lab down`. */
export async function recordMonitoringInfo(info: MonitoringInfo): Promise<void> {
  await mkdir(info.dir, { recursive: true, mode: 0o700 });
  await writeFile(infoFile(info.dir), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Starts the three services (or, when they all still run, only rewrites the scrape targets, which Prometheus
 * re-reads by itself). A service left half-started by a crash is stopped by its pid and started again.
 * Throws MissingMonitoringBinariesError (with the apt command) or a port-in-use error naming the holder.
 */
export async function startMonitoring(options: MonitoringOptions): Promise<MonitoringInfo> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new Error(`lab monitoring listens on loopback only; ${host} is not a 127.x.y.z address`);
  }
  const dir = monitoringDir(options.stateDir);
  const current = await monitoringStatus(options.stateDir);
  if (current && current.down.length === 0) {
    await writeTargets(dir, options);
    return {
      dir,
      prometheusUrl: current.prometheusUrl,
      alertmanagerUrl: current.alertmanagerUrl,
      exporterUrl: current.exporterUrl,
      pids: current.pids,
    };
  }
  const binaries = await findMonitoringBinaries();
  for (const service of SERVICES) await stopService(dir, service);

  const ports = { ...DEFAULT_MONITORING_PORTS, ...options.ports };
  const listen = (service: MonitoringService) => `${host}:${ports[service]}`;
  for (const service of SERVICES) await assertPortFree(host, ports[service]);
  const addresses: MonitoringAddresses = {
    prometheus: listen('prometheus'),
    alertmanager: listen('alertmanager'),
    exporter: listen('redis-exporter'),
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeMonitoringConfig(dir, options, addresses, options.configDir);
  const info: MonitoringInfo = {
    dir,
    prometheusUrl: `http://${addresses.prometheus}`,
    alertmanagerUrl: `http://${addresses.alertmanager}`,
    exporterUrl: `http://${addresses.exporter}`,
    pids: {},
  };
  try {
    for (const service of SERVICES) {
      info.pids[service] = await startService(service, binaries[service], dir, listen(service));
    }
  } catch (error) {
    for (const service of SERVICES) await stopService(dir, service);
    throw error;
  }
  await writeFile(infoFile(dir), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return info;
}

const FIRST_SCRAPE_TIMEOUT_MS = 30_000;

/**
 * Resolves true once Prometheus has scraped each of its `count` targets at least once (it discovers new
 * targets about 5 s after start), false after 30 s. Until then a failover cannot show as a change.
 */
export async function waitForFirstScrapes(prometheusUrl: string, count: number): Promise<boolean> {
  const deadline = Date.now() + FIRST_SCRAPE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${prometheusUrl}/api/v1/targets?state=active`, {
        signal: AbortSignal.timeout(2000),
      });
      const body = (await response.json()) as { data?: { activeTargets?: Array<{ lastScrape: string }> } };
      const targets = body.data?.activeTargets ?? [];
      const scraped = targets.filter((t) => Date.parse(t.lastScrape) > 0);
      if (targets.length >= count && scraped.length === targets.length) return true;
    } catch {
      // not answering yet: try again
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** Stops every monitoring process recorded under stateDir (by pid, ours only) and removes its folder. */
export async function stopMonitoring(stateDir: string): Promise<MonitoringService[]> {
  const dir = monitoringDir(stateDir);
  const stopped: MonitoringService[] = [];
  for (const service of SERVICES) if (await stopService(dir, service)) stopped.push(service);
  await rm(dir, { recursive: true, force: true });
  return stopped;
}

/** The line `drillbook lab up --monitoring` prints. */
export function formatMonitoringInfo(info: MonitoringInfo): string {
  return `Monitoring: Prometheus ${info.prometheusUrl}, Alertmanager ${info.alertmanagerUrl}, redis_exporter ${info.exporterUrl}`;
}

/** Lines for `drillbook lab status`. */
export function formatMonitoringStatus(status: MonitoringStatus | undefined): string[] {
  if (!status) return [];
  const state = (service: MonitoringService) =>
    status.down.includes(service) ? 'DOWN' : status.droplet ? 'up' : `pid ${status.pids[service]}`;
  return [
    status.droplet
      ? `monitoring: on droplet ${status.droplet.name} (${status.droplet.privateIp}), through its public address`
      : 'monitoring:',
    `  prometheus    ${status.prometheusUrl}  (${state('prometheus')})`,
    `  alertmanager  ${status.alertmanagerUrl}  (${state('alertmanager')})`,
    `  exporter      ${status.exporterUrl}  (${state('redis-exporter')})`,
  ];
}
