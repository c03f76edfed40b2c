// `drillbook run --monitoring` in container mode: the runbook builds its cluster in a VPC of its own, so
// monitoring is a droplet that joins that VPC once the cluster is there, as an operator would add one on
// DigitalOcean. It is tagged `redis-app`, the tag the DR runbook's firewall admits on 6379 and 26379 for
// the cluster's clients, and scrapes the nodes' private addresses. The runbook's URL variables keep their
// fixed address (the range's .30, e.g. 127.10.0.30:9090), where this run forwards to the droplet's public
// address, as `ssh -L` would on a laptop. The droplet lives as long as the run: it is deleted when the
// runbook deletes its cluster (before the VPC, which refuses deletion while it has members) or when the run ends.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { spliceTracked } from '../container/vpc-agent.js';
import { loadState } from '../emulator/store.js';
import type { StoredDroplet } from '../emulator/types.js';
import { assertPortFree } from '../processes.js';
import { emulatorFile } from '../state.js';
import { LAB_TAG } from '../topology.js';
import type { MonitoredCluster } from './config.js';
import {
  deleteMonitoringDroplet,
  ensureMonitoringDroplet,
  type MonitoringDroplet,
  type MonitoringDropletOptions,
  waitForDropletServices,
} from './droplet.js';
import { requirepassOf } from './follow.js';
import { DEFAULT_MONITORING_PORTS, type MonitoringInfo, monitoringDir } from './index.js';

/** The tag the DR runbook's firewall admits for the cluster's clients (its application droplets). */
export const CLIENT_TAG = 'redis-app';
const MONITORING_OCTET = 30;
const POLL_MS = 1000;
const FORWARDED = ['prometheus', 'alertmanager', 'redis-exporter'] as const;

export interface RunbookMonitoring extends MonitoringInfo {
  stop(): Promise<void>;
}

interface Cluster {
  key: string;
  nextTo: number;
  monitored: MonitoredCluster;
}

/**
 * The cluster a runbook built: its active droplets tagged redis or sentinel (not the lab's own), in the first
 * VPC holding both kinds; undefined while any of them is still booting or none is there.
 */
export function runbookCluster(droplets: StoredDroplet[]): Cluster | undefined {
  const nodes = runbookNodes(droplets);
  for (const vpc of new Set(nodes.map((d) => d.vpcUuid))) {
    const members = nodes.filter((d) => d.vpcUuid === vpc).sort((a, b) => a.id - b.id);
    if (!members.some((d) => d.tags.includes('sentinel')) || !members.some((d) => d.tags.includes('redis')))
      continue;
    if (members.some((d) => d.status !== 'active' || d.locked)) return undefined;
    const monitored: Required<Pick<MonitoredCluster, 'redisNodes' | 'sentinels' | 'passwords'>> = {
      redisNodes: [],
      sentinels: [],
      passwords: {},
    };
    for (const droplet of members) {
      const sentinel = droplet.tags.includes('sentinel');
      const address = `${droplet.privateIp}:${sentinel ? 26379 : 6379}`;
      (sentinel ? monitored.sentinels : monitored.redisNodes).push(address);
      // The password the node's cloud-init gave it; it goes only into the exporter's 0600 file.
      const password = requirepassOf(droplet.userData ?? '');
      if (password) monitored.passwords[address] = password;
    }
    // A changed password needs a new droplet as a changed node does (its exporter got the old one); only a
    // digest of the passwords goes into the key, which is compared and never shown.
    const key = [...monitored.redisNodes, ...monitored.sentinels, passwordsDigest(monitored.passwords)].join(
      ',',
    );
    return { key, nextTo: (members[0] as StoredDroplet).id, monitored };
  }
  return undefined;
}

function passwordsDigest(passwords: Record<string, string>): string {
  const entries = Object.entries(passwords).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 16);
}

/**
 * Forwards host:port to the droplet's public address once it serves; until then a connection is closed.
 * Both sockets of every forwarded connection stay in `open` (spliceTracked), so stopping can cut them.
 */
function forwarder(
  host: string,
  port: number,
  upstream: () => string | undefined,
  open: Set<net.Socket>,
): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const to = upstream();
    if (!to) {
      socket.destroy();
      return;
    }
    spliceTracked(socket, net.connect(port, to), open);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** What following needs of the lab: its droplets, and making, readying and deleting the monitoring droplet. */
export interface MonitoringDropletLab {
  droplets(): StoredDroplet[];
  ensure(options: Omit<MonitoringDropletOptions, 'stateDir'>): Promise<MonitoringDroplet>;
  /** Rejects once signal aborts. */
  waitForServices(droplet: MonitoringDroplet, signal: AbortSignal): Promise<void>;
  remove(id: number): Promise<void>;
}

function labIn(stateDir: string): MonitoringDropletLab {
  return {
    droplets: () => loadState(emulatorFile(stateDir)).droplets,
    ensure: (options) => ensureMonitoringDroplet({ stateDir, ...options }),
    waitForServices: waitForDropletServices,
    remove: (id) => deleteMonitoringDroplet(stateDir, id),
  };
}

export async function followRunbookMonitoring(options: {
  stateDir: string;
  /** The loopback address the runbook's URLs name (the range's .30). */
  host: string;
  log: (line: string) => void;
  /** Default: the lab in stateDir. */
  lab?: MonitoringDropletLab;
}): Promise<RunbookMonitoring> {
  const { stateDir, host, log } = options;
  const lab = options.lab ?? labIn(stateDir);
  const url = (port: number) => `http://${host}:${port}`;
  for (const service of FORWARDED) await assertPortFree(host, DEFAULT_MONITORING_PORTS[service]);
  let droplet: MonitoringDroplet | undefined;
  /** The droplet this run made or adopted, known as soon as it exists: stopping mid-ensure still deletes it. */
  let ownedId: number | undefined;
  /** The cluster whose droplet serves: set only once its services answer, so a droplet that never does is tried again. */
  let following: Cluster | undefined;
  const open = new Set<net.Socket>();
  const listening = await Promise.allSettled(
    FORWARDED.map((service) =>
      forwarder(
        host,
        DEFAULT_MONITORING_PORTS[service],
        () => (following ? droplet?.publicIp : undefined),
        open,
      ),
    ),
  );
  const servers = listening.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const closeServers = () =>
    Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  const refused = listening.find((result) => result.status === 'rejected');
  if (refused) {
    await closeServers();
    throw refused.reason;
  }
  const stopping = new AbortController();
  const step = async () => {
    const droplets = lab.droplets();
    const cluster = runbookCluster(droplets);
    if (cluster && cluster.key !== following?.key) {
      following = undefined;
      // A droplet there serves another cluster, never served this one, or was left by a run that crashed
      // (its targets may be another cluster's); its cloud-init ran once: always a new one.
      droplet = await lab.ensure({
        cluster: cluster.monitored,
        nextTo: cluster.nextTo,
        host: MONITORING_OCTET,
        replace: true,
        tags: [CLIENT_TAG],
        onProgress: log,
        signal: stopping.signal,
        onDroplet: (id) => {
          ownedId = id;
        },
      });
      ownedId = droplet.id;
      try {
        await lab.waitForServices(droplet, stopping.signal);
      } catch (error) {
        if (stopping.signal.aborted) throw error;
        throw new Error(
          `${(error as Error).message}. This run replaces the droplet and waits again; until it serves, ${url(DEFAULT_MONITORING_PORTS.prometheus)} and ${url(DEFAULT_MONITORING_PORTS.alertmanager)} close every connection, so the runbook's checks against them fail`,
        );
      }
      following = cluster;
      log(`monitoring the runbook's cluster from droplet ${droplet.name} (${droplet.privateIp})`);
    } else if (!cluster && ownedId !== undefined && runbookNodes(droplets).length === 0) {
      // The runbook deleted its cluster: the VPC can be deleted only once monitoring has left it too (also a
      // droplet whose ensure failed part-way: it is still in the VPC).
      const gone = ownedId;
      droplet = undefined;
      ownedId = undefined;
      following = undefined;
      await lab.remove(gone);
      log(`deleted droplet monitoring (id ${gone}): the runbook's cluster is gone`);
    }
  };
  let lastFailure: string | undefined;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      // A failure that repeats every poll is said once, and again only when it changes or after a success.
      lastFailure = await step().then(
        () => undefined,
        (error: Error) => {
          // Stopping aborts the wait: nothing failed.
          if (stopping.signal.aborted) return lastFailure;
          if (error.message !== lastFailure) log(`monitoring: ${error.message}`);
          return error.message;
        },
      );
      await sleep(POLL_MS, undefined, { signal: stopping.signal }).catch(() => {});
    }
  })();
  return {
    dir: monitoringDir(stateDir),
    prometheusUrl: url(DEFAULT_MONITORING_PORTS.prometheus),
    alertmanagerUrl: url(DEFAULT_MONITORING_PORTS.alertmanager),
    exporterUrl: url(DEFAULT_MONITORING_PORTS['redis-exporter']),
    pids: {},
    async stop() {
      stopping.abort();
      await loop;
      for (const socket of open) socket.destroy();
      await closeServers();
      if (ownedId !== undefined) await lab.remove(ownedId);
    },
  };
}

/** The droplets a runbook made for its cluster: tagged redis or sentinel, not the lab's own. */
function runbookNodes(droplets: StoredDroplet[]): StoredDroplet[] {
  return droplets.filter(
    (d) => !d.tags.includes(LAB_TAG) && (d.tags.includes('redis') || d.tags.includes('sentinel')),
  );
}
