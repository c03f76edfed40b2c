// The container lab's network controls: keeps the Cloud Firewall table in step with the emulator's state
// and holds the partitions in force. One queue applies everything in order, so a later state never loses
// to an earlier one that finished late.
import { enableBridgeFiltering, type Impairment, replaceTable, setImpairment } from './apply.js';
import { compileFirewalls, FIREWALL_TABLE, type NetworkFirewall } from './firewall-compile.js';
import {
  compilePartitions,
  FAULTS_TABLE,
  type Partition,
  type PartitionDirection,
  type PartitionMember,
  partitionProblem,
} from './partitions.js';

/** The parts of a droplet the network needs (the emulator's StoredDroplet has them). */
export interface DropletOnNetwork {
  id: number;
  name: string;
  tags: readonly string[];
  privateIp: string;
  publicIp: string;
}

export interface NetworkState {
  droplets: readonly DropletOnNetwork[];
  firewalls: readonly NetworkFirewall[];
}

export interface PartitionRequest {
  name: string;
  from: readonly DropletOnNetwork[];
  to: readonly DropletOnNetwork[] | 'operator';
  direction: PartitionDirection;
}

/** What the emulator asks of the lab's network; only the container runtime has one. */
export interface LabNetwork {
  /** After every emulator change: recompiles the firewall and applies it if it changed (queued). */
  syncFirewalls(state: NetworkState): void;
  /** Resolves once everything queued is applied; rejects with the last failure, if the last apply failed. */
  settled(): Promise<void>;
  partition(request: PartitionRequest): Promise<Partition>;
  /** Heals one partition by name, or all; returns what was healed. */
  heal(name?: string): Promise<Partition[]>;
  impair(droplet: DropletOnNetwork, impairment: Impairment): Promise<void>;
  /** Removes both tables (lab down). */
  close(): Promise<void>;
}

export interface NftLabNetworkOptions {
  /** The VPC namespace, where the droplets' links meet. */
  namespace: string;
  /** Every address a droplet answers on inside the lab (private, and its public side). */
  addressesOf: (droplet: DropletOnNetwork) => string[];
  /** The VPC-namespace end of a droplet's private link, where netem would sit. */
  privateDevice: (droplet: DropletOnNetwork) => string;
  /** A firewall update that failed to apply (the API call that caused it has already answered). */
  onError?: (error: Error) => void;
}

export class NftLabNetwork implements LabNetwork {
  private queue: Promise<void> = Promise.resolve();
  private lastError: Error | undefined;
  private firewallText: string | undefined | null = null;
  private readonly partitions = new Map<string, Partition>();
  private prepared: Promise<void> | undefined;

  constructor(private readonly options: NftLabNetworkOptions) {}

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      // Prepared once; a failure (e.g. the namespace not created yet) is tried again by the next job.
      this.prepared ??= enableBridgeFiltering(this.options.namespace).catch((error: Error) => {
        this.prepared = undefined;
        throw error;
      });
      await this.prepared;
      await job();
    });
    this.queue = run.then(
      () => {
        this.lastError = undefined;
      },
      (error: Error) => {
        this.lastError = error;
      },
    );
    return run;
  }

  syncFirewalls(state: NetworkState): void {
    const text = compileFirewalls({
      droplets: state.droplets.map((droplet) => ({
        id: droplet.id,
        name: droplet.name,
        tags: droplet.tags,
        addresses: this.options.addressesOf(droplet),
      })),
      firewalls: state.firewalls,
    });
    if (text === this.firewallText) return;
    this.firewallText = text;
    this.enqueue(() => replaceTable(this.options.namespace, FIREWALL_TABLE, text)).catch((error: Error) =>
      this.options.onError?.(error),
    );
  }

  async settled(): Promise<void> {
    await this.queue;
    if (this.lastError) throw this.lastError;
  }

  private member(droplet: DropletOnNetwork): PartitionMember {
    return { name: droplet.name, addresses: this.options.addressesOf(droplet) };
  }

  private applyPartitions(): Promise<void> {
    const text = compilePartitions([...this.partitions.values()]);
    return this.enqueue(() => replaceTable(this.options.namespace, FAULTS_TABLE, text));
  }

  async partition(request: PartitionRequest): Promise<Partition> {
    const partition: Partition = {
      name: request.name,
      from: request.from.map((droplet) => this.member(droplet)),
      to: request.to === 'operator' ? 'operator' : request.to.map((droplet) => this.member(droplet)),
      direction: request.direction,
    };
    const problem = partitionProblem(partition);
    if (problem) throw new Error(`partition ${request.name}: ${problem}`);
    const previous = this.partitions.get(request.name);
    this.partitions.set(request.name, partition);
    try {
      await this.applyPartitions();
    } catch (error) {
      if (previous) this.partitions.set(request.name, previous);
      else this.partitions.delete(request.name);
      throw error;
    }
    return partition;
  }

  async heal(name?: string): Promise<Partition[]> {
    // With nothing in force a named heal has nothing to do (a cleanup after a run stopped before its
    // partition); with other partitions in force the name is more likely a slip, so it is refused.
    if (this.partitions.size === 0) return [];
    if (name !== undefined && !this.partitions.has(name)) {
      throw new Error(
        `no partition named ${name} is in force (in force: ${[...this.partitions.keys()].join(', ')}); heal one of those, or heal without a name to heal them all`,
      );
    }
    const healed = [...this.partitions.values()].filter(
      (partition) => name === undefined || partition.name === name,
    );
    for (const partition of healed) this.partitions.delete(partition.name);
    try {
      await this.applyPartitions();
    } catch (error) {
      for (const partition of healed) this.partitions.set(partition.name, partition);
      throw error;
    }
    return healed;
  }

  impair(droplet: DropletOnNetwork, impairment: Impairment): Promise<void> {
    return this.enqueue(() =>
      setImpairment(this.options.namespace, this.options.privateDevice(droplet), impairment),
    );
  }

  async close(): Promise<void> {
    this.partitions.clear();
    this.firewallText = undefined;
    await this.enqueue(async () => {
      await replaceTable(this.options.namespace, FAULTS_TABLE, undefined);
      await replaceTable(this.options.namespace, FIREWALL_TABLE, undefined);
    }).catch(() => undefined);
  }
}
