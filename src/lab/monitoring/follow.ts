// Follow mode: lab monitoring scrapes whatever droplets the emulator runs right now, not only the ones
// `lab up` provisioned. A runbook that builds its own cluster through `do` steps (with its own generated
// password) is then monitored too: each boot, restart or destroy rewrites the file_sd target files, which
// Prometheus re-reads by itself, and the exporter's 0600 password map.
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DropletRuntime, LabDroplet } from '../runtime.js';
import type { DropletManifest } from '../supervisor.js';
import { type MonitoredCluster, PASSWORD_FILE, renderPasswordFile, writeTargets } from './config.js';
import { monitoringDir, monitoringStatus } from './index.js';
import { findMonitoringBinaries, startService, stopService } from './services.js';

/** `requirepass` as the config a droplet's service runs with says it (quoted or bare), if any. */
export function requirepassOf(configText: string): string | undefined {
  for (const line of configText.split('\n')) {
    const match = /^\s*requirepass\s+(.+?)\s*$/.exec(line);
    if (!match) continue;
    const value = match[1] as string;
    const quoted = /^"(.*)"$|^'(.*)'$/.exec(value);
    return quoted ? (quoted[1] ?? quoted[2]) : value;
  }
  return undefined;
}

/** Every Redis node and Sentinel of the droplets booted under labDir, with each node's own password. */
export async function currentCluster(labDir: string): Promise<MonitoredCluster> {
  const cluster: MonitoredCluster = { redisNodes: [], sentinels: [], passwords: {} };
  const dropletsDir = path.join(labDir, 'droplets');
  const names = await readdir(dropletsDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const manifest = await readFile(path.join(dropletsDir, name, 'droplet.json'), 'utf8')
      .then((text) => JSON.parse(text) as DropletManifest)
      .catch(() => undefined);
    // A droplet being destroyed (folder half removed) or half booted has no manifest yet: not a target.
    if (!manifest) continue;
    for (const service of manifest.services) {
      const address = `${service.address}:${service.port}`;
      if (service.service === 'redis-sentinel') cluster.sentinels.push(address);
      else cluster.redisNodes.push(address);
      const password = requirepassOf(await readFile(service.config, 'utf8').catch(() => ''));
      if (password && cluster.passwords) cluster.passwords[address] = password;
    }
  }
  return cluster;
}

/**
 * Points running monitoring at the droplets under labDir. Nothing happens when monitoring is not running.
 * redis_exporter (1.45, Debian's) reads its password file only at start, so a changed map restarts it on
 * the same address; Prometheus's scrapes fail for that second and carry on.
 */
export async function syncMonitoringTargets(labDir: string): Promise<boolean> {
  const status = await monitoringStatus(labDir);
  if (!status) return false;
  const dir = monitoringDir(labDir);
  const cluster = await currentCluster(labDir);
  await writeTargets(dir, cluster);
  const passwordPath = path.join(dir, PASSWORD_FILE);
  const before = await readFile(passwordPath, 'utf8').catch(() => '');
  const after = renderPasswordFile(cluster);
  if (before === after && !status.down.includes('redis-exporter')) return true;
  await writeFile(passwordPath, after, { mode: 0o600 });
  await chmod(passwordPath, 0o600);
  const binaries = await findMonitoringBinaries();
  await stopService(dir, 'redis-exporter');
  await startService('redis-exporter', binaries['redis-exporter'], dir, new URL(status.exporterUrl).host);
  return true;
}

/**
 * The lab's DropletRuntime with follow mode: every action that changes which services run is passed on,
 * then monitoring is pointed at the result. Syncs run one at a time (droplets boot in parallel) and a
 * failing sync is logged, never turned into a failed droplet action: the droplet itself is fine.
 */
export class MonitoringFollower implements DropletRuntime {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly inner: DropletRuntime,
    private readonly labDir: string,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  /** Resolves once the droplets' current state has reached monitoring (or monitoring is off). */
  sync(): Promise<void> {
    const next = this.queue.then(() =>
      syncMonitoringTargets(this.labDir).catch((error: Error) => {
        // Messages name files and addresses only: the password map never reaches an error text.
        this.log(`${new Date().toISOString()} monitoring follow: ${error.message}`);
      }),
    );
    this.queue = next;
    return next.then(() => undefined);
  }

  private async followed(action: Promise<void>): Promise<void> {
    try {
      await action;
    } finally {
      await this.sync();
    }
  }

  boot = (droplet: LabDroplet) => this.followed(this.inner.boot(droplet));
  powerOn = (droplet: LabDroplet) => this.followed(this.inner.powerOn(droplet));
  restart = (droplet: LabDroplet, how: 'graceful' | 'kill') =>
    this.followed(this.inner.restart(droplet, how));
  destroy = (droplet: LabDroplet) => this.followed(this.inner.destroy(droplet));
  // Stopped or frozen services stay targets: their `up == 0` is exactly what the alerts watch.
  powerOff = (droplet: LabDroplet) => this.inner.powerOff(droplet);
  shutdown = (droplet: LabDroplet) => this.inner.shutdown(droplet);
  freeze = (droplet: LabDroplet) => this.inner.freeze(droplet);
  thaw = (droplet: LabDroplet) => this.inner.thaw(droplet);
}
