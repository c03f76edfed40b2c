// Container-mode monitoring, as on DigitalOcean: a monitoring droplet inside the cluster's VPC, created
// through the lab's own API and configured by its cloud-init (Debian's prometheus, prometheus-redis-exporter
// and prometheus-alertmanager installed from the lab's offline apt repository, runbooks/monitoring/ in
// /etc/prometheus/), save its one secret: the exporter's password map, which the lab writes onto its disk, as
// user_data is no place for a secret (the API and the metadata service give it out). It scrapes the nodes'
// private addresses over the VPC; the operator reaches its APIs only through its public address (the lab
// forwards 9090, 9093 and 9121).
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IDroplet } from 'dots-wrapper/dist/droplet/index.js';
import { stringify } from 'yaml';
import { type ApiSession, DoStepError } from '../../targets/digitalocean/session.js';
import { openLabSession } from '../api.js';
import { isMounted, machinePaths, writeSecretOntoDisk } from '../container/machine.js';
import { containerStateDir } from '../container/state.js';
import { runningDaemon } from '../daemon-control.js';
import { LAB_IMAGE, LAB_REGION, LAB_SIZE, LAB_TAG } from '../topology.js';
import {
  ALERTMANAGER_CONFIG,
  type MonitoredCluster,
  monitoringConfigDir,
  PASSWORD_FILE,
  PROMETHEUS_CONFIG,
  REDIS_TARGETS,
  RULES_FILE,
  renderPasswordFile,
  SENTINEL_TARGETS,
  targetsFile,
} from './config.js';
import { answers, READY_PATH, SERVICES } from './services.js';

export const MONITORING_DROPLET = 'monitoring';
/** The tag the monitoring droplet carries besides the lab's: a Cloud Firewall rule can admit it by name. */
export const MONITORING_TAG = 'monitoring';
const PORTS = { prometheus: 9090, alertmanager: 9093, 'redis-exporter': 9121 } as const;
/** The offline repository holds these (src/lab/container/image.ts); cloud-init installs them. */
const PACKAGES = ['prometheus', 'prometheus-alertmanager', 'prometheus-redis-exporter'];
/** Boot, apt install of the three packages and their first start; about 25 s on 2 cores. */
const READY_TIMEOUT_MS = 180_000;
const PASSWORD_PATH = `/etc/prometheus/${PASSWORD_FILE}`;
/** How long cloud-init waits for the password map; the lab writes it as soon as the droplet is active. */
const PASSWORD_WAIT_S = 300;

export interface MonitoringDroplet {
  id: number;
  name: string;
  privateIp: string;
  publicIp: string;
}

function file(filePath: string, content: string, extra: Record<string, unknown> = {}) {
  // Deferred: written once the packages are installed, so dpkg never meets a conffile it did not write.
  return { path: filePath, content, permissions: '0644', defer: true, ...extra };
}

/**
 * The monitoring droplet's configuration as cloud-config, all but the password map (deliverPasswordFile):
 * what an operator would give a monitoring droplet on DigitalOcean. The shipped prometheus.yml already names
 * the exporter and Alertmanager at 127.0.0.1, where they run on this droplet; only the target lists are the lab's.
 */
export async function monitoringCloudConfig(
  cluster: Pick<MonitoredCluster, 'redisNodes' | 'sentinels'>,
  sourceDir = monitoringConfigDir(),
): Promise<string> {
  const shipped = (name: string) => readFile(path.join(sourceDir, name), 'utf8');
  const config = {
    package_update: true,
    packages: PACKAGES,
    write_files: [
      file(`/etc/prometheus/${PROMETHEUS_CONFIG}`, await shipped(PROMETHEUS_CONFIG)),
      file(`/etc/prometheus/${RULES_FILE}`, await shipped(RULES_FILE)),
      file(`/etc/prometheus/${ALERTMANAGER_CONFIG}`, await shipped(ALERTMANAGER_CONFIG)),
      file(`/etc/prometheus/${REDIS_TARGETS}`, targetsFile(cluster.redisNodes, 'redis')),
      file(`/etc/prometheus/${SENTINEL_TARGETS}`, targetsFile(cluster.sentinels, 'sentinel')),
      file(
        '/etc/default/prometheus-redis-exporter',
        `ARGS="-redis.addr= -redis.password-file ${PASSWORD_PATH}"\n`,
      ),
      // Alertmanager's cluster gossip is of no use with one instance.
      file('/etc/default/prometheus-alertmanager', 'ARGS="--cluster.listen-address="\n'),
      file('/etc/default/prometheus', 'ARGS="--storage.tsdb.retention.time=1d"\n'),
    ],
    runcmd: [
      // The password map is no part of user_data, which the API and the metadata service give out: the lab
      // writes it onto the droplet's disk once the droplet runs (deliverPasswordFile). The exporter reads it
      // only at start, so it waits for the map, which then goes to the prometheus user.
      ['timeout', String(PASSWORD_WAIT_S), 'sh', '-c', `until [ -s ${PASSWORD_PATH} ]; do sleep 1; done`],
      ['chown', 'prometheus:prometheus', PASSWORD_PATH],
      // The packages started with their own defaults before the files above were written.
      ['systemctl', 'restart', 'prometheus-redis-exporter', 'prometheus-alertmanager', 'prometheus'],
    ],
  };
  return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}

function ipOf(droplet: IDroplet, type: 'private' | 'public'): string | undefined {
  return droplet.networks?.v4?.find((network) => network.type === type)?.ip_address;
}

export interface MonitoringDropletOptions {
  stateDir: string;
  cluster: MonitoredCluster;
  /** A droplet it scrapes: the monitoring droplet joins that droplet's VPC, where it reaches the nodes. */
  nextTo: number;
  /** Last octet asked for in the VPC (the lab puts monitoring on .30). */
  host: number;
  /** The droplet there is monitors another set of nodes: delete it and create one for these. */
  replace?: boolean;
  /** Tags besides MONITORING_TAG and lab-host (default: the lab's own tag). */
  tags?: string[];
  onProgress?: (line: string) => void;
  /** Ends every wait and request: the run is stopping. */
  signal?: AbortSignal;
  /**
   * Told the id of the droplet as soon as there is one (adopted or created), and undefined once a replaced
   * one is deleted, so a caller stopped part-way knows what to delete.
   */
  onDroplet?: (id: number | undefined) => void;
}

/** Creates the monitoring droplet (or adopts the one there is) and waits until it is active. */
export async function ensureMonitoringDroplet(options: MonitoringDropletOptions): Promise<MonitoringDroplet> {
  const daemon = await runningDaemon(options.stateDir);
  if (!daemon) throw new Error(`no lab runs in ${options.stateDir}; run \`drillbook lab up\` first`);
  const { signal } = options;
  const session = await openLabSession({
    apiUrl: daemon.url,
    token: daemon.token,
    ...(signal ? { signal } : {}),
  });
  const { droplet: neighbour } = await session.call((c) =>
    c.droplet.getDroplet({ droplet_id: options.nextTo }),
  );
  const vpcUuid = neighbour.vpc_uuid;
  const find = async () => {
    const { droplets } = await session.call((c) =>
      c.droplet.listDroplets({ tag_name: MONITORING_TAG, per_page: 200 }),
    );
    return droplets.find((d) => d.name === MONITORING_DROPLET && d.vpc_uuid === vpcUuid);
  };
  let droplet = await find();
  if (droplet && options.replace) {
    options.onProgress?.(
      `replacing ${MONITORING_DROPLET} (id ${droplet.id}): its cloud-init ran once, so these targets need a new droplet`,
    );
    await deleteAndWait(session, droplet.id);
    options.onDroplet?.(undefined);
    droplet = await find();
  }
  if (droplet) options.onDroplet?.(droplet.id);
  else {
    options.onProgress?.(`creating ${MONITORING_DROPLET} (Prometheus, Alertmanager, redis_exporter)`);
    const { droplet: created } = await session.call(
      async (c) =>
        c.droplet.createDroplet({
          name: MONITORING_DROPLET,
          // A VPC belongs to one region: the runbook's may not be the lab's.
          region:
            typeof neighbour.region === 'string' ? neighbour.region : (neighbour.region?.slug ?? LAB_REGION),
          size: LAB_SIZE,
          image: LAB_IMAGE,
          vpc_uuid: vpcUuid,
          tags: [...(options.tags ?? [LAB_TAG]), MONITORING_TAG, `lab-host:${options.host}`],
          user_data: await monitoringCloudConfig(options.cluster),
        }),
      'rejected-only',
    );
    options.onDroplet?.(created.id);
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    droplet = await find();
    if (droplet?.status === 'active' && !droplet.locked) break;
    if (Date.now() > deadline) {
      throw new Error(
        `droplet ${MONITORING_DROPLET} is not active after 60 s (${droplet?.status ?? 'gone'}); see \`drillbook lab status\``,
      );
    }
    await sleep(200, undefined, { signal });
  }
  const privateIp = ipOf(droplet, 'private');
  const publicIp = ipOf(droplet, 'public');
  if (!privateIp || !publicIp) {
    throw new Error(`droplet ${MONITORING_DROPLET} (id ${droplet.id}) has no private or public address`);
  }
  await deliverPasswordFile(await mountedDisk(options.stateDir, droplet.id), options.cluster);
  return { id: droplet.id, name: droplet.name, privateIp, publicIp };
}

async function mountedDisk(stateDir: string, dropletId: number): Promise<string> {
  const disk = machinePaths(containerStateDir(stateDir), dropletId).merged;
  if (!(await isMounted(disk))) {
    throw new Error(
      `droplet ${MONITORING_DROPLET} (id ${dropletId}) is active but its disk is not mounted at ${disk}; see \`drillbook lab status\``,
    );
  }
  return disk;
}

/**
 * Writes the exporter's 0600 password map onto the droplet's disk (mounted at disk), where its cloud-init
 * waits for it. A droplet adopted again keeps the map it has: its cloud-init gave that one to the prometheus
 * user, and a new file, root's, would stop the exporter at its next start.
 */
export async function deliverPasswordFile(disk: string, cluster: MonitoredCluster): Promise<void> {
  const there = await lstat(path.join(disk, PASSWORD_PATH)).then(
    () => true,
    () => false,
  );
  if (!there) await writeSecretOntoDisk(disk, PASSWORD_PATH, renderPasswordFile(cluster));
}

/** Deletes the monitoring droplet and resolves once the lab no longer lists it (at most 60 s). */
export async function deleteMonitoringDroplet(stateDir: string, id: number): Promise<void> {
  const daemon = await runningDaemon(stateDir);
  if (!daemon) return;
  await deleteAndWait(await openLabSession({ apiUrl: daemon.url, token: daemon.token }), id);
}

/** Deletes the monitoring droplet with this id and resolves once the lab no longer lists it (at most 60 s). */
async function deleteAndWait(session: ApiSession, id: number): Promise<void> {
  try {
    await session.call((c) => c.droplet.deleteDroplet({ droplet_id: id }), 'rejected-only');
  } catch (error) {
    // Already gone (the run's follower deleted it with the cluster): nothing is left to wait for.
    if (error instanceof DoStepError && error.apiError?.status === 404) return;
    throw error;
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { droplets } = await session.call((c) =>
      c.droplet.listDroplets({ tag_name: MONITORING_TAG, per_page: 200 }),
    );
    if (!droplets.some((d) => d.id === id)) return;
    if (Date.now() > deadline)
      throw new Error(
        `droplet ${MONITORING_DROPLET} (id ${id}) is not deleted after 60 s; \`drillbook lab down\` removes it`,
      );
    await sleep(200, undefined, { signal: session.signal });
  }
}

export function dropletUrls(droplet: MonitoringDroplet) {
  const url = (port: number) => `http://${droplet.publicIp}:${port}`;
  return {
    prometheusUrl: url(PORTS.prometheus),
    alertmanagerUrl: url(PORTS.alertmanager),
    exporterUrl: url(PORTS['redis-exporter']),
  };
}

/**
 * Resolves once all three services answer through the droplet's public address (cloud-init installs them);
 * rejects at once when signal aborts (the run is ending).
 */
export async function waitForDropletServices(
  droplet: MonitoringDroplet,
  signal?: AbortSignal,
): Promise<void> {
  const urls = dropletUrls(droplet);
  const base = {
    prometheus: urls.prometheusUrl,
    alertmanager: urls.alertmanagerUrl,
    'redis-exporter': urls.exporterUrl,
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const waiting: string[] = [];
    for (const service of SERVICES) {
      if (!(await answers(`${base[service]}${READY_PATH[service]}`, signal))) waiting.push(service);
    }
    signal?.throwIfAborted();
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the ${MONITORING_DROPLET} droplet (${droplet.privateIp}, public ${droplet.publicIp}) did not serve ${waiting.join(', ')} within ${READY_TIMEOUT_MS / 1000} s; its cloud-init log: \`drillbook lab status --json\``,
      );
    }
    await sleep(500, undefined, signal ? { signal } : {});
  }
}
