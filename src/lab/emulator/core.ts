import { randomUUID } from 'node:crypto';
import type { DropletRuntime } from '../runtime.js';
import { type Cidr, formatCidr } from './addresses.js';
import { notFound } from './errors.js';
import { ActionRunner } from './lifecycle.js';
import type { State, StoredAction, StoredDroplet, StoredVpc } from './types.js';

export interface Settings {
  addressMode: 'loopback' | 'private';
  bootDelayMs: number;
  actionDelayMs: number;
  defaultVpcRange: Cidr;
  publicRange: Cidr;
  vpcReleaseMs: number;
}

/** The emulator's world: its state, settings and runtime, shared by every resource's handlers. */
export class EmulatorCore {
  /** Absolute API base, e.g. http://127.0.0.1:41234/v2; set once the server listens. */
  apiUrl = '';
  readonly actions: ActionRunner;

  constructor(
    readonly state: State,
    readonly settings: Settings,
    readonly runtime: DropletRuntime | undefined,
    private readonly persist: (state: State) => void,
  ) {
    this.actions = new ActionRunner({
      runtime,
      delayFor: (kind) => (kind === 'boot' ? settings.bootDelayMs : settings.actionDelayMs),
      findDroplet: (id) => this.findDroplet(id),
      state,
      changed: () => this.changed(),
    });
    runtime?.network?.syncFirewalls(state);
  }

  /** After every change: saved, and the container lab's firewall recompiled (firewalls, tags, droplets). */
  changed(): void {
    this.persist(this.state);
    this.runtime?.network?.syncFirewalls(this.state);
  }

  /** Waits for queued firewall updates; a failed one was already reported through the network's onError. */
  async networkApplied(): Promise<void> {
    await this.runtime?.network?.settled().catch(() => undefined);
  }

  now(): string {
    return new Date().toISOString();
  }

  findDroplet(id: number): StoredDroplet | undefined {
    return this.state.droplets.find((droplet) => droplet.id === id);
  }

  requireDroplet(idText: string | undefined): StoredDroplet {
    const droplet = /^\d+$/.test(idText ?? '') ? this.findDroplet(Number(idText)) : undefined;
    if (!droplet) throw notFound(`Droplet ${idText}`);
    return droplet;
  }

  /** Every address in use, private and public, across all VPCs: they all share the machine's loopback. */
  usedAddresses(): Set<string> {
    return new Set(this.state.droplets.flatMap((droplet) => [droplet.privateIp, droplet.publicIp]));
  }

  /** The region's default VPC, created on first use as the real API does. */
  defaultVpc(region: string): StoredVpc {
    const existing = this.state.vpcs.find((vpc) => vpc.region === region && vpc.isDefault);
    if (existing) return existing;
    const vpc: StoredVpc = {
      id: randomUUID(),
      name: `default-${region}`,
      description: `Default VPC of ${region} on the lab (${this.settings.addressMode} ${formatCidr(this.settings.defaultVpcRange)})`,
      region,
      ipRange: formatCidr(this.settings.defaultVpcRange),
      // DigitalOcean's default VPCs use ranges such as 10.116.0.0/20; the loopback lab maps it elsewhere.
      requestedRange: this.settings.addressMode === 'private' ? undefined : '10.116.0.0/20',
      isDefault: true,
      createdAt: this.now(),
    };
    this.state.vpcs.push(vpc);
    return vpc;
  }

  startAction(droplet: StoredDroplet, type: string): StoredAction {
    const action: StoredAction = {
      id: this.state.nextActionId++,
      type,
      status: 'in-progress',
      startedAt: this.now(),
      completedAt: null,
      dropletId: droplet.id,
      region: droplet.region,
    };
    this.state.actions.push(action);
    this.actions.run(action, droplet);
    return action;
  }

  /** After a restart, actions the previous emulator left in progress run again from the start. */
  resumeActions(): void {
    for (const action of this.state.actions) {
      if (action.status !== 'in-progress') continue;
      const droplet = this.findDroplet(action.dropletId);
      if (droplet) {
        this.actions.run(action, droplet);
      } else {
        action.status = 'errored';
        action.completedAt = this.now();
        action.error = 'the droplet was deleted while the emulator was stopped';
      }
    }
  }
}
