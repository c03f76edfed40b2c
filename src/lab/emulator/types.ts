import type { DropletRuntime, LabDroplet } from '../runtime.js';
import type { FaultInjector } from './faults.js';

export interface EmulatorOptions {
  /** The only accepted bearer token (401 otherwise). */
  token: string;
  /** Absent in pure API tests: droplets are then data only. */
  runtime?: DropletRuntime;
  /** Create action in-progress → completed (default 1000; tests use ~50). */
  bootDelayMs?: number;
  /** Power actions duration (default 300). */
  actionDelayMs?: number;
  /**
   * loopback (default): private ranges are mapped onto 127.0.0.0/8 (10.10.0.0/24 → 127.10.0.0/24) and
   * droplets get loopback addresses. private (container lab): VPCs keep their real private range and
   * droplets get addresses from it, which exist only inside the lab's network namespaces.
   */
  addressMode?: 'loopback' | 'private';
  /** Default VPC range, default '127.10.0.0/24' (loopback mode) or '10.116.0.0/20' (private mode). */
  defaultVpcRange?: string;
  /** Range public addresses come from, default '127.200.0.0/16'. Must lie in 127.0.0.0/8. */
  publicRange?: string;
  /** JSON snapshot, loaded at start and rewritten on change (mode 0600), so a restarted emulator keeps its droplets. */
  stateFile?: string;
  host?: string;
  port?: number;
  /**
   * How long a VPC still refuses deletion (403) after its last member was deleted, as DigitalOcean does
   * while it releases the droplets' interfaces (default 5000 ms; tests shorten or lengthen it).
   */
  vpcReleaseMs?: number;
  /** Requests allowed per rolling hour before 429 (default 5000, as the real API). */
  rateLimitPerHour?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  body: unknown;
  status: number;
  at: number;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:41234/v2 */
  url: string;
  faults: FaultInjector;
  requests: ReadonlyArray<RecordedRequest>;
  /** Current droplets (for the lab supervisor's status). */
  droplets(): LabDroplet[];
  /** Resolves when no action is in progress (tests and `lab up` use it instead of sleeping). */
  idle(): Promise<void>;
  /** Stops HTTP and pending action timers; does NOT stop droplet processes (lab down does that via the runtime). */
  close(): Promise<void>;
}

export type DropletStatus = 'new' | 'active' | 'off';
export type ActionStatus = 'in-progress' | 'completed' | 'errored';

export interface StoredDroplet {
  id: number;
  name: string;
  region: string;
  sizeSlug: string;
  imageId: number;
  vpcUuid: string;
  tags: string[];
  userData?: string;
  sshKeyIds: number[];
  monitoring: boolean;
  createdAt: string;
  status: DropletStatus;
  locked: boolean;
  privateIp: string;
  publicIp: string;
  frozen: boolean;
  /** Lab-only: why the last runtime call for this droplet failed. */
  error?: string;
}

export interface StoredAction {
  id: number;
  type: string;
  status: ActionStatus;
  startedAt: string;
  completedAt: string | null;
  dropletId: number;
  region: string;
  /** Lab-only: the runtime's error when status is errored. */
  error?: string;
}

export interface StoredVpc {
  id: string;
  name: string;
  description: string;
  region: string;
  ipRange: string;
  isDefault: boolean;
  createdAt: string;
  /** The range the request asked for (before loopback mapping): what overlaps are judged on. */
  requestedRange?: string;
  /** Epoch ms when its last member droplet was deleted (the release window starts then). */
  memberLeftAt?: number;
}

export interface FirewallTarget {
  addresses?: string[];
  droplet_ids?: number[];
  load_balancer_uids?: string[];
  kubernetes_ids?: string[];
  tags?: string[];
}
export interface InboundRule {
  protocol: 'tcp' | 'udp' | 'icmp';
  ports: string;
  sources: FirewallTarget;
}
export interface OutboundRule {
  protocol: 'tcp' | 'udp' | 'icmp';
  ports: string;
  destinations: FirewallTarget;
}

export interface StoredFirewall {
  id: string;
  name: string;
  createdAt: string;
  inboundRules: InboundRule[];
  outboundRules: OutboundRule[];
  dropletIds: number[];
  tags: string[];
}

export interface StoredKey {
  id: number;
  name: string;
  publicKey: string;
  fingerprint: string;
}

export interface StoredTag {
  name: string;
}

export interface State {
  version: 1;
  accountUuid: string;
  nextDropletId: number;
  nextActionId: number;
  nextKeyId: number;
  droplets: StoredDroplet[];
  actions: StoredAction[];
  vpcs: StoredVpc[];
  firewalls: StoredFirewall[];
  tags: StoredTag[];
  keys: StoredKey[];
}
