// The lab's DropletRuntime: a droplet is a folder under <labDir>/droplets/<name>/ holding the files its
// cloud-init wrote, and the redis-server / redis-sentinel processes those files configure.
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { type LabBinaries, requireLabBinaries } from './binaries.js';
import { type LabService, parseCloudInit } from './cloud-init.js';
import { assertPortFree, ownedPid, sendSignal, waitForExit, waitForStopped } from './processes.js';
import { labConfig } from './redis-config.js';
import type { DropletRuntime, LabDroplet } from './runtime.js';

const execFileAsync = promisify(execFile);

/** Where each Debian service reads its configuration on a real droplet. */
const CONFIG_PATHS: Record<LabService, string> = {
  'redis-server': '/etc/redis/redis.conf',
  'redis-sentinel': '/etc/redis/sentinel.conf',
};
const MANIFEST = 'droplet.json';
const GRACEFUL_STOP_MS = 20_000;
const START_TIMEOUT_MS = 10_000;
/** Log lines with which redis reports that it is exiting during start-up. */
const FATAL_LOG_LINE = /# (Could not create server TCP listening socket|Fatal|Can't|Failed opening)/;

export interface ServiceRecord {
  service: LabService;
  /** Lab paths. */
  config: string;
  pidfile: string;
  logfile: string;
  address: string;
  port: number;
}

export interface DropletManifest {
  name: string;
  privateIp: string;
  services: ServiceRecord[];
}

export interface ServiceStatus extends ServiceRecord {
  pid?: number;
  running: boolean;
}

export class DropletProcessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DropletProcessError';
  }
}

export interface SupervisorOptions {
  labDir: string;
  /** Found on PATH on first use when absent. */
  binaries?: LabBinaries;
}

export class LabSupervisor implements DropletRuntime {
  readonly labDir: string;
  private binaries: LabBinaries | undefined;

  constructor(options: SupervisorOptions) {
    this.labDir = options.labDir;
    this.binaries = options.binaries;
  }

  dropletDir(name: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(name)) {
      throw new DropletProcessError(`droplet name ${JSON.stringify(name)} cannot be a lab folder name`);
    }
    return path.join(this.labDir, 'droplets', name);
  }

  /** A droplet path such as /etc/redis/redis.conf inside the droplet's lab folder. */
  private remap(droplet: string, dropletPath: string): string {
    return path.join(this.dropletDir(droplet), path.resolve('/', dropletPath));
  }

  async manifest(name: string): Promise<DropletManifest | undefined> {
    try {
      return JSON.parse(
        await readFile(path.join(this.dropletDir(name), MANIFEST), 'utf8'),
      ) as DropletManifest;
    } catch {
      return undefined;
    }
  }

  async boot(droplet: LabDroplet): Promise<void> {
    // cloud-init runs once per instance: a boot resumed after an emulator restart only starts services.
    const booted = await this.manifest(droplet.name);
    if (booted) return this.startAll(booted);
    const dir = this.dropletDir(droplet.name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const plan = droplet.userData
      ? parseCloudInit(droplet.name, droplet.userData)
      : { files: [], services: [] };
    for (const file of plan.files) {
      const target = this.remap(droplet.name, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      // The owner must be able to write: Sentinel and CONFIG REWRITE rewrite their configuration in place.
      const mode = (file.permissions ? Number.parseInt(file.permissions, 8) : 0o644) | 0o600;
      await writeFile(target, file.content, { mode });
      await chmod(target, mode);
    }
    const services: ServiceRecord[] = [];
    for (const service of plan.services) {
      const config = this.remap(droplet.name, CONFIG_PATHS[service]);
      const written = await readFile(config, 'utf8').catch(() => '');
      const lab = labConfig(written, {
        service,
        privateIp: droplet.privateIp,
        droplet: droplet.name,
        remap: (p) => this.remap(droplet.name, p),
      });
      await mkdir(path.dirname(config), { recursive: true });
      await writeFile(config, lab.text, { mode: 0o600 });
      for (const p of [path.dirname(lab.pidfile), path.dirname(lab.logfile), lab.dir]) {
        await mkdir(p, { recursive: true });
      }
      services.push({
        service,
        config,
        pidfile: lab.pidfile,
        logfile: lab.logfile,
        address: droplet.privateIp,
        port: lab.port,
      });
    }
    const manifest: DropletManifest = { name: droplet.name, privateIp: droplet.privateIp, services };
    await writeFile(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await this.startAll(manifest);
  }

  async powerOn(droplet: LabDroplet): Promise<void> {
    await this.startAll(await this.requireManifest(droplet));
  }

  async powerOff(droplet: LabDroplet): Promise<void> {
    await this.stopAll(await this.requireManifest(droplet), 'kill');
  }

  async shutdown(droplet: LabDroplet): Promise<void> {
    await this.stopAll(await this.requireManifest(droplet), 'graceful');
  }

  async restart(droplet: LabDroplet, how: 'graceful' | 'kill'): Promise<void> {
    const manifest = await this.requireManifest(droplet);
    await this.stopAll(manifest, how);
    await this.startAll(manifest);
  }

  async destroy(droplet: LabDroplet): Promise<void> {
    const manifest = await this.manifest(droplet.name);
    if (manifest) await this.stopAll(manifest, 'kill');
    await rm(this.dropletDir(droplet.name), { recursive: true, force: true });
  }

  async freeze(droplet: LabDroplet): Promise<void> {
    await this.signalAll(await this.requireManifest(droplet), 'SIGSTOP');
  }

  async thaw(droplet: LabDroplet): Promise<void> {
    await this.signalAll(await this.requireManifest(droplet), 'SIGCONT');
  }

  /** Each service of the droplet with its verified pid (a stale pid file reads as not running). */
  async status(name: string): Promise<ServiceStatus[]> {
    const manifest = await this.manifest(name);
    if (!manifest) return [];
    const statuses: ServiceStatus[] = [];
    for (const record of manifest.services) {
      const pid = await ownedPid(record.pidfile, record.config);
      statuses.push({ ...record, ...(pid ? { pid } : {}), running: pid !== undefined });
    }
    return statuses;
  }

  private async requireManifest(droplet: LabDroplet): Promise<DropletManifest> {
    const manifest = await this.manifest(droplet.name);
    if (!manifest) {
      throw new DropletProcessError(
        `droplet ${droplet.name} (${droplet.privateIp}) has never booted in this lab (no ${path.join(this.dropletDir(droplet.name), MANIFEST)}); delete and re-create it`,
      );
    }
    return manifest;
  }

  private async startAll(manifest: DropletManifest): Promise<void> {
    for (const record of manifest.services) await this.start(manifest.name, record);
  }

  private async start(droplet: string, record: ServiceRecord): Promise<void> {
    if (await ownedPid(record.pidfile, record.config)) return;
    // A pid file left by a crash (or naming a pid now used by another program) must not fool the next check.
    await rm(record.pidfile, { force: true });
    this.binaries ??= await requireLabBinaries();
    const where = `droplet ${droplet} ${record.service} ${record.address}:${record.port}`;
    await assertPortFree(record.address, record.port).catch((error: Error) => {
      throw new DropletProcessError(`${where}: ${error.message}`);
    });
    const logStart = await stat(record.logfile).then(
      (info) => info.size,
      () => 0,
    );
    try {
      await execFileAsync(this.binaries[record.service], [record.config], { timeout: START_TIMEOUT_MS });
    } catch (error) {
      const failure = error as { stderr?: string; stdout?: string; message: string };
      const detail = `${failure.stderr ?? ''}${failure.stdout ?? ''}`.trim() || failure.message;
      throw new DropletProcessError(`${where} did not start: ${detail}\n  config: ${record.config}`);
    }
    // Redis writes its pid file only once it listens, so an owned pid file means the service is up.
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await ownedPid(record.pidfile, record.config))) {
      const log = await readFile(record.logfile).catch(() => Buffer.alloc(0));
      if (Date.now() >= deadline || FATAL_LOG_LINE.test(log.subarray(logStart).toString('utf8'))) {
        throw new DropletProcessError(
          `${where} did not come up:\n${await logTail(record.logfile)}\n  log: ${record.logfile}`,
        );
      }
      await sleep(20);
    }
  }

  private async stopAll(manifest: DropletManifest, how: 'graceful' | 'kill'): Promise<void> {
    await Promise.all(
      manifest.services.map(async (record) => {
        const pid = await ownedPid(record.pidfile, record.config);
        if (pid === undefined) return;
        if (how === 'kill') {
          sendSignal(pid, 'SIGKILL');
          await waitForExit(pid, 5_000);
          return;
        }
        sendSignal(pid, 'SIGTERM');
        // A frozen process only acts on SIGTERM once it runs again.
        sendSignal(pid, 'SIGCONT');
        if (!(await waitForExit(pid, GRACEFUL_STOP_MS))) {
          sendSignal(pid, 'SIGKILL');
          await waitForExit(pid, 5_000);
        }
      }),
    );
  }

  private async signalAll(manifest: DropletManifest, signal: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    for (const record of manifest.services) {
      const pid = await ownedPid(record.pidfile, record.config);
      if (pid === undefined) {
        throw new DropletProcessError(
          `droplet ${manifest.name} ${record.service} ${record.address}:${record.port} is not running, so it cannot be ${signal === 'SIGSTOP' ? 'frozen' : 'thawed'}; power it on first`,
        );
      }
      sendSignal(pid, signal);
      await waitForStopped(pid, signal === 'SIGSTOP');
    }
  }
}

async function logTail(logfile: string, lines = 8): Promise<string> {
  const text = await readFile(logfile, 'utf8').catch(() => '');
  const tail = text.trimEnd().split('\n').slice(-lines);
  return tail.length > 0 && tail[0] !== ''
    ? tail.map((line) => `    ${line}`).join('\n')
    : '    (no log output)';
}
