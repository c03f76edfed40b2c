// The container lab's DropletRuntime: each droplet is a systemd-nspawn container booted by real systemd and
// real cloud-init (fed the exact user_data through a NoCloud seed) on its own overlay disk, in its own
// network namespace on its VPC's bridge. Power actions cut links and kill or boot init for real.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LabNetwork, NftLabNetwork } from '../network/lab-network.js';
import type { DropletRuntime, LabDroplet } from '../runtime.js';
import { ensureAgent } from './agent-process.js';
import { BootAddresses, PRIVATE_ADDRESS_DELAY_MS } from './boot-address.js';
import { PublicForwarder } from './forwarder.js';
import { type ImagePaths, requireRoot } from './image.js';
import {
  CGROUP_KILL_TIMEOUT_MS,
  containerInit,
  freezeCgroup,
  killCgroup,
  launch,
  type MachinePaths,
  machineCgroup,
  machineName,
  machinePaths,
  mountDisk,
  nspawnPid,
  removeCgroupTree,
  removeMachineDir,
  removePropagateDir,
  unmountDisk,
  waitForExit,
  writeSeed,
} from './machine.js';
import { removeMetadata, writeMetadata } from './metadata.js';
import {
  type DropletLinks,
  dropletLinks,
  labKey,
  PUBLIC_SIDE_RANGE,
  privateVeth,
  publicSideAddress,
  vpcNamespace,
} from './netns.js';
import {
  addPrivateAddress,
  attachDroplet,
  detachDroplet,
  ensureVpcBridge,
  ensureVpcNamespace,
  setDropletLinks,
} from './network.js';
import { type ContainerLabFiles, containerLabFiles, containerStateDir } from './state.js';

const SHUTDOWN_TIMEOUT_MS = 30_000;
const BOOT_START_TIMEOUT_MS = 15_000;

export interface ContainerRuntimeOptions {
  stateDir: string;
  image: ImagePaths;
  /** argv that runs `drillbook lab _vpc-agent` (the daemon passes its own entry point). */
  agentCommand: string[];
  /** Delay before a rebooted droplet's private address comes up (default PRIVATE_ADDRESS_DELAY_MS). */
  privateAddressDelayMs?: number;
  log?: (line: string) => void;
}

export class ContainerRuntime implements DropletRuntime {
  readonly key: string;
  /** The Cloud Firewall and network faults, as nftables tables in the VPC namespace. */
  readonly network: LabNetwork;
  private readonly files: ContainerLabFiles;
  private readonly forwarder: PublicForwarder;
  private readonly log: (line: string) => void;
  /** Droplets boot concurrently; the shared parts of the network are created one at a time. */
  private networkQueue: Promise<unknown> = Promise.resolve();
  /** Rebooted droplets get their private address during the boot, not before it. */
  private readonly bootAddresses: BootAddresses;

  constructor(private readonly options: ContainerRuntimeOptions) {
    requireRoot('the container lab');
    this.key = labKey(options.stateDir);
    this.files = containerLabFiles(options.stateDir);
    this.log = options.log ?? (() => {});
    this.bootAddresses = new BootAddresses(
      options.privateAddressDelayMs ?? PRIVATE_ADDRESS_DELAY_MS,
      this.log,
    );
    this.forwarder = new PublicForwarder(this.files.relaySocket, this.log);
    this.network = new NftLabNetwork({
      namespace: vpcNamespace(this.key),
      addressesOf: (droplet) => [droplet.privateIp, publicSideAddress(droplet.publicIp)],
      privateDevice: (droplet) => privateVeth(droplet.id),
      onError: (error) => this.log(`firewall update failed: ${error.message}`),
    });
  }

  /** The VPC namespace and its agent, before the emulator starts (its firewall sync needs the namespace). */
  async prepare(): Promise<void> {
    await this.ensureLabNetwork();
  }

  private links(droplet: LabDroplet): DropletLinks {
    if (!droplet.vpcUuid || !droplet.vpcRange) {
      throw new Error(
        `droplet ${droplet.name} has no VPC range in the lab's state (created by an older lab); delete and re-create it`,
      );
    }
    return dropletLinks(this.key, {
      id: droplet.id,
      privateIp: droplet.privateIp,
      publicIp: droplet.publicIp,
      vpcUuid: droplet.vpcUuid,
      vpcRange: droplet.vpcRange,
    });
  }

  private paths(droplet: LabDroplet): MachinePaths {
    return machinePaths(containerStateDir(this.options.stateDir), droplet.id);
  }

  async boot(droplet: LabDroplet): Promise<void> {
    const links = this.links(droplet);
    await this.ensureLabNetwork();
    await this.serialized(async () => {
      // Recorded first, so `lab down` removes the route even when a crash follows its creation.
      await this.recordRoute(droplet.vpcRange as string);
      await ensureVpcBridge(this.key, links.bridge, droplet.vpcRange as string);
    });
    await attachDroplet(this.key, links);
    // Droplets boot concurrently: metadata.json is rewritten whole, one droplet at a time.
    await this.serialized(() =>
      writeMetadata(this.files.metadata, { ...droplet, vpcRange: droplet.vpcRange as string }),
    );
    const paths = this.paths(droplet);
    await mountDisk(paths, this.options.image.rootfs);
    if (!existsSync(path.join(paths.merged, 'var/lib/cloud/seed/nocloud/meta-data'))) {
      await writeSeed(paths, {
        instanceId: `i-${droplet.id}`,
        hostname: droplet.name,
        ...(droplet.userData !== undefined ? { userData: droplet.userData } : {}),
        publicKeys: droplet.sshPublicKeys ?? [],
      });
    }
    // First boot: the address is there from the start (attachDroplet), as cloud-init's network stage
    // configures it on a fresh droplet long before its runcmd installs and starts Redis.
    await this.start(droplet, links, paths, 'first boot');
  }

  async powerOn(droplet: LabDroplet): Promise<void> {
    const links = this.links(droplet);
    const paths = this.paths(droplet);
    await this.ensureLabNetwork();
    await mountDisk(paths, this.options.image.rootfs);
    await this.start(droplet, links, paths, 'reboot');
  }

  /** A power cut: link down first (so peers see timeouts, not refusals), then SIGKILL to the container's init. */
  async powerOff(droplet: LabDroplet): Promise<void> {
    await this.bootAddresses.cancel(droplet.id);
    const links = this.links(droplet);
    await setDropletLinks(this.key, links, 'down');
    const paths = this.paths(droplet);
    const nspawn = await nspawnPid(paths);
    if (nspawn !== undefined) {
      await freezeCgroup(machineCgroup(this.key, droplet.id), false).catch(() => {});
      const init = await containerInit(nspawn);
      if (init !== undefined) signal(init, 'SIGKILL');
      if (!(await waitForExit(nspawn, 10_000))) signal(nspawn, 'SIGKILL');
    }
    await this.killMachine(droplet);
  }

  /** An orderly shutdown: SIGTERM to nspawn makes systemd stop every unit in order. */
  async shutdown(droplet: LabDroplet): Promise<void> {
    await this.bootAddresses.cancel(droplet.id);
    const paths = this.paths(droplet);
    const nspawn = await nspawnPid(paths);
    if (nspawn !== undefined) {
      await freezeCgroup(machineCgroup(this.key, droplet.id), false).catch(() => {});
      signal(nspawn, 'SIGTERM');
      if (!(await waitForExit(nspawn, SHUTDOWN_TIMEOUT_MS))) {
        this.log(`droplet ${droplet.name} did not shut down within ${SHUTDOWN_TIMEOUT_MS / 1000} s; killed`);
      }
    }
    await this.killMachine(droplet);
    // Off means off: nothing answers, connections time out until it is powered on.
    await setDropletLinks(this.key, this.links(droplet), 'down');
  }

  async restart(droplet: LabDroplet, how: 'graceful' | 'kill'): Promise<void> {
    if (how === 'graceful') await this.shutdown(droplet);
    else await this.powerOff(droplet);
    await this.powerOn(droplet);
  }

  async destroy(droplet: LabDroplet): Promise<void> {
    await this.bootAddresses.cancel(droplet.id);
    const paths = this.paths(droplet);
    if (droplet.vpcUuid && droplet.vpcRange) {
      await this.powerOff(droplet);
      await detachDroplet(this.key, this.links(droplet));
    } else {
      await this.killMachine(droplet);
    }
    await this.forwarder.close(droplet.id);
    await unmountDisk(paths);
    await removeCgroupTree(machineCgroup(this.key, droplet.id));
    await removePropagateDir(machineName(this.key, droplet.id));
    await removeMachineDir(paths);
    await this.serialized(() => removeMetadata(this.files.metadata, droplet.privateIp));
  }

  async freeze(droplet: LabDroplet): Promise<void> {
    await this.requireRunning(droplet, 'frozen');
    await freezeCgroup(machineCgroup(this.key, droplet.id), true);
  }

  async thaw(droplet: LabDroplet): Promise<void> {
    await this.requireRunning(droplet, 'thawed');
    await freezeCgroup(machineCgroup(this.key, droplet.id), false);
  }

  /**
   * After a daemon restart: the machines kept running, but their public addresses lived in the old
   * daemon. Listens again for every droplet whose machine is still there.
   */
  async resume(droplets: LabDroplet[]): Promise<void> {
    for (const droplet of droplets) {
      if (!existsSync(this.paths(droplet).dir)) continue;
      await this.forwarder.open(droplet.id, droplet.publicIp);
      // A daemon that died during a reboot's address delay left a running machine without its address.
      if ((await nspawnPid(this.paths(droplet))) !== undefined) await addPrivateAddress(this.links(droplet));
    }
  }

  /** Stops listening on public addresses (the daemon is stopping; containers keep running). */
  async close(): Promise<void> {
    await this.bootAddresses.cancelAll();
    await this.forwarder.closeAll();
  }

  /**
   * Every process of the machine killed and gone: until then its nspawn may still hold the disk's lock, and
   * a next boot of the droplet would find it busy.
   */
  private async killMachine(droplet: LabDroplet): Promise<void> {
    const cgroup = machineCgroup(this.key, droplet.id);
    const left = await killCgroup(cgroup);
    if (left.length > 0) {
      throw new Error(
        `droplet ${droplet.name}'s container did not stop: processes ${left.join(', ')} of its cgroup ${cgroup} still ran ${CGROUP_KILL_TIMEOUT_MS / 1000} s after SIGKILL (stuck in the kernel, e.g. on I/O); see \`ps -o pid,stat,wchan,args -p ${left.join(',')}\`, and try again once they are gone`,
      );
    }
  }

  private async requireRunning(droplet: LabDroplet, what: string): Promise<void> {
    if ((await nspawnPid(this.paths(droplet))) === undefined) {
      throw new Error(
        `droplet ${droplet.name}'s container is not running, so it cannot be ${what}; power it on first`,
      );
    }
  }

  private async start(
    droplet: LabDroplet,
    links: DropletLinks,
    paths: MachinePaths,
    boot: 'first boot' | 'reboot',
  ): Promise<void> {
    await setDropletLinks(this.key, links, 'up');
    await this.forwarder.open(droplet.id, droplet.publicIp);
    if ((await nspawnPid(paths)) !== undefined) return;
    if (boot === 'reboot') await this.bootAddresses.takeDown(droplet.id, links);
    await removeCgroupTree(machineCgroup(this.key, droplet.id));
    const machine = await launch({
      key: this.key,
      dropletId: droplet.id,
      hostname: droplet.name,
      namespace: links.namespace,
      repo: this.options.image.repo,
      paths,
    });
    // Started means systemd runs as the container's PID 1; cloud-init then runs on its own, as on DigitalOcean.
    const deadline = Date.now() + BOOT_START_TIMEOUT_MS;
    while (Date.now() < deadline && machine.ended() === undefined) {
      if ((await containerInit(machine.pid)) !== undefined) {
        if (boot === 'reboot') await this.bootAddresses.bringUpLater(droplet, links);
        return;
      }
      await sleep(50);
    }
    const ended = machine.ended();
    const output = (await readFile(paths.console).catch(() => Buffer.alloc(0)))
      .subarray(machine.consoleOffset)
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .slice(-12);
    // A machine that never got going is not left half-started for the next power-on to mistake for running.
    await killCgroup(machineCgroup(this.key, droplet.id));
    throw new Error(
      `droplet ${droplet.name}'s container did not start: ${
        ended
          ? `systemd-nspawn ended (${ended})`
          : `no init ran in it within ${BOOT_START_TIMEOUT_MS / 1000} s`
      }; this boot's output:\n    ${output.join('\n    ') || '(none)'}\n  console: ${paths.console}\n  ` +
        'Power the droplet on again (or run `drillbook lab down` and `lab up`); if it fails the same way, the output above says why',
    );
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.networkQueue.then(work, work);
    this.networkQueue = next.catch(() => {});
    return next;
  }

  private ensureLabNetwork(): Promise<void> {
    return this.serialized(async () => {
      await mkdir(containerStateDir(this.options.stateDir), { recursive: true, mode: 0o700 });
      await this.recordRoute(PUBLIC_SIDE_RANGE);
      await ensureVpcNamespace(this.key);
      await ensureAgent({
        files: this.files,
        namespace: vpcNamespace(this.key),
        agentCommand: this.options.agentCommand,
        stateDir: this.options.stateDir,
      });
    });
  }

  private async recordRoute(range: string): Promise<void> {
    const routes = JSON.parse(await readFile(this.files.routes, 'utf8').catch(() => '[]')) as string[];
    if (routes.includes(range)) return;
    await writeFile(this.files.routes, JSON.stringify([...routes, range]));
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {}
}
