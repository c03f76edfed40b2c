import type { LabNetwork } from './network/lab-network.js';

/** What the emulator knows about a droplet when it asks the runtime to act on it. */
export interface LabDroplet {
  id: number;
  name: string;
  /** From the droplet's VPC range: loopback (127.10.0.10) in loopback mode, the real one (10.10.0.10) in container mode. */
  privateIp: string;
  /** Also loopback (the lab never hands out an address outside 127.0.0.0/8), e.g. 127.200.0.10. */
  publicIp: string;
  userData?: string;
  tags: string[];
  /** The droplet's VPC, its range (e.g. 10.10.0.0/24) and region, for the container lab's network and metadata. */
  vpcUuid?: string;
  vpcRange?: string;
  region?: string;
  /** Public keys of the SSH keys the droplet was created with (DigitalOcean installs them for root). */
  sshPublicKeys?: string[];
}
/** Makes droplets real: the lab supervisor implements it with redis-server/redis-sentinel processes. */
export interface DropletRuntime {
  /** First boot: apply cloud-init user_data, start the services it enables. */
  boot(droplet: LabDroplet): Promise<void>;
  /** power_off: SIGKILL, a crash. */
  powerOff(droplet: LabDroplet): Promise<void>;
  /** shutdown: SIGTERM, graceful; resolves when the processes have exited. */
  shutdown(droplet: LabDroplet): Promise<void>;
  /** power_on: start again from the same config and data dir. */
  powerOn(droplet: LabDroplet): Promise<void>;
  /** reboot / power_cycle: stop (graceful for reboot, kill for power_cycle) then start. */
  restart(droplet: LabDroplet, how: 'graceful' | 'kill'): Promise<void>;
  /** delete: stop and remove the droplet's files. */
  destroy(droplet: LabDroplet): Promise<void>;
  /** Lab-only hang simulation: SIGSTOP / SIGCONT every process of the droplet. */
  freeze(droplet: LabDroplet): Promise<void>;
  thaw(droplet: LabDroplet): Promise<void>;
  /** Container lab only: the Cloud Firewall and network faults, enforced in the VPC namespace. */
  readonly network?: LabNetwork;
}
