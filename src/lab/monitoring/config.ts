// The shipped runbooks/monitoring/ files, copied into the lab's monitoring folder with the lab's addresses:
// Prometheus scrapes every node through one redis_exporter (/scrape?target=), Alertmanager gets the alerts.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, stringify } from 'yaml';

export const PROMETHEUS_CONFIG = 'prometheus.yml';
export const RULES_FILE = 'redis-sentinel.rules.yml';
export const ALERTMANAGER_CONFIG = 'alertmanager.yml';
export const REDIS_TARGETS = 'targets/redis-nodes.json';
export const SENTINEL_TARGETS = 'targets/sentinels.json';
export const PASSWORD_FILE = 'redis-passwords.json';

/** The address the shipped prometheus.yml uses for the exporter, replaced by the lab's. */
const SHIPPED_EXPORTER = '127.0.0.1:9121';

/** runbooks/monitoring/, found from this module both in src/ (tests) and in the bundled dist/. */
export function monitoringConfigDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'runbooks', 'monitoring');
    if (existsSync(path.join(candidate, PROMETHEUS_CONFIG))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `cannot find runbooks/monitoring/${PROMETHEUS_CONFIG} above ${fileURLToPath(import.meta.url)}; reinstall drillbook`,
      );
    }
    dir = parent;
  }
}

export interface MonitoringAddresses {
  prometheus: string;
  alertmanager: string;
  exporter: string;
}

export interface MonitoredCluster {
  /** "host:port" of every Redis node. */
  redisNodes: string[];
  /** "host:port" of every Sentinel. */
  sentinels: string[];
  /** requirepass of the Redis nodes (a secret: goes only into a 0600 file the exporter reads). */
  password?: string;
  /** Set when the Sentinels require a password too. */
  sentinelPassword?: string;
  /** Per-node passwords ("host:port" → password), for clusters whose nodes differ; wins over the two above. */
  passwords?: Record<string, string>;
}

type Json = Record<string, unknown>;

function replaceExporter(value: unknown, exporter: string): unknown {
  if (value === SHIPPED_EXPORTER) return exporter;
  if (Array.isArray(value)) return value.map((item) => replaceExporter(item, exporter));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceExporter(v, exporter)]));
  }
  return value;
}

/** prometheus.yml with the lab's exporter and Alertmanager addresses; everything else as shipped. */
export function renderPrometheusConfig(shipped: string, addresses: MonitoringAddresses): string {
  const document = parseDocument(shipped);
  if (document.errors.length > 0) {
    throw new Error(`runbooks/monitoring/${PROMETHEUS_CONFIG}: ${document.errors[0]?.message}`);
  }
  const config = replaceExporter(document.toJS(), addresses.exporter) as Json;
  config.alerting = { alertmanagers: [{ static_configs: [{ targets: [addresses.alertmanager] }] }] };
  const header = `# Written by drillbook lab up --monitoring from runbooks/monitoring/${PROMETHEUS_CONFIG}; edits are overwritten.\n`;
  return header + stringify(config);
}

export function targetsFile(addresses: string[], kind: string): string {
  return `${JSON.stringify([{ targets: addresses, labels: { cluster: 'lab', kind } }], null, 2)}\n`;
}

/** The exporter's -redis.password-file: one entry per node URI that needs a password. */
export function renderPasswordFile(cluster: MonitoredCluster): string {
  const entries: Record<string, string> = {};
  if (cluster.password) for (const node of cluster.redisNodes) entries[`redis://${node}`] = cluster.password;
  if (cluster.sentinelPassword) {
    for (const node of cluster.sentinels) entries[`redis://${node}`] = cluster.sentinelPassword;
  }
  for (const [node, password] of Object.entries(cluster.passwords ?? {}))
    entries[`redis://${node}`] = password;
  return `${JSON.stringify(entries)}\n`;
}

/** Writes every config file the three services read into dir (the password file with mode 0600). */
export async function writeMonitoringConfig(
  dir: string,
  cluster: MonitoredCluster,
  addresses: MonitoringAddresses,
  sourceDir = monitoringConfigDir(),
): Promise<void> {
  await mkdir(path.join(dir, 'targets'), { recursive: true, mode: 0o700 });
  const shipped = await readFile(path.join(sourceDir, PROMETHEUS_CONFIG), 'utf8');
  await writeFile(path.join(dir, PROMETHEUS_CONFIG), renderPrometheusConfig(shipped, addresses));
  await copyFile(path.join(sourceDir, RULES_FILE), path.join(dir, RULES_FILE));
  await copyFile(path.join(sourceDir, ALERTMANAGER_CONFIG), path.join(dir, ALERTMANAGER_CONFIG));
  await writeTargets(dir, cluster);
  await writeFile(path.join(dir, PASSWORD_FILE), renderPasswordFile(cluster), { mode: 0o600 });
}

/** Prometheus re-reads these files by itself (file_sd), so a running lab can change its nodes. */
export async function writeTargets(dir: string, cluster: MonitoredCluster): Promise<void> {
  await writeFile(path.join(dir, REDIS_TARGETS), targetsFile(cluster.redisNodes, 'redis'));
  await writeFile(path.join(dir, SENTINEL_TARGETS), targetsFile(cluster.sentinels, 'sentinel'));
}
