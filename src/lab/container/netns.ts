// The container lab's network layout, in one place: the names of its namespaces, bridges and interfaces
// and which address lives where. Everything here is pure (no `ip` call), so the firewall compiler and the
// partition actions (src/lab/network/) and the runtime that creates the links agree by importing it.
//
//   host namespace            127.200.A.B:port (public address, loopback) — user-space forwarder
//        │  unix socket (relay.sock in the lab's state folder)
//   VPC namespace  dbk-<key>-vpc   (no uplink, ip_forward=0)
//        ├─ lo: 169.254.169.254 (metadata service), 169.254.169.253 (the lab console's source address)
//        ├─ bridge per VPC  bv-<vpc8>   gateway = first address of the VPC range
//        │     └─ v<id>  ⇄  eth1  in droplet namespace dbk-<key>-d<id>  (private address, e.g. 10.10.0.10)
//        └─ bridge  br-pub  198.18.0.1/16 (the operator's side, where the relay connects from)
//              └─ p<id>  ⇄  eth0  in droplet namespace  (public side: 198.18.A.B, mirroring 127.200.A.B)
import { createHash } from 'node:crypto';
import { type Cidr, formatIpv4, parseCidr, parseIpv4 } from '../emulator/addresses.js';

/** The metadata service address inside every VPC, as on DigitalOcean. */
export const METADATA_ADDRESS = '169.254.169.254';
export const METADATA_PORT = 80;
/**
 * Where the lab's own console (`lab status`, `lab up`'s health checks) connects from inside the VPC namespace:
 * link-local like the metadata service and, like DigitalOcean's console and agent, not behind the Cloud
 * Firewall — a health view must not report a node as down because the runbook's firewall admits only its
 * tags. The operator's traffic (the public forwarder) never uses it, so the firewall still judges that.
 */
export const LAB_CONSOLE_ADDRESS = '169.254.169.253';
/** Interface names inside a droplet's namespace: DigitalOcean's eth0 is public, eth1 private. */
export const DROPLET_PUBLIC_IF = 'eth0';
export const DROPLET_PRIVATE_IF = 'eth1';
/** The bridge of the operator's side in the VPC namespace, and the address the relay connects from. */
export const PUBLIC_BRIDGE = 'br-pub';
/**
 * The droplets' public side inside the lab: RFC 2544's benchmarking range, never routed on the internet
 * and absent from the host (which gets an unreachable route for it while the lab is up).
 */
export const PUBLIC_SIDE_RANGE = '198.18.0.0/16';
export const PUBLIC_SIDE_GATEWAY = '198.18.0.1';
const PUBLIC_SIDE_BASE = parseIpv4('198.18.0.0') as number;

/** Ports of a droplet's public address that the host-side forwarder accepts connections on. */
export const FORWARDED_PORTS = [22, 80, 6379, 26379, 9090, 9093, 9100, 9121] as const;

/** A short key naming one lab (one state folder), so two labs' namespaces never collide. */
export function labKey(stateDir: string): string {
  return createHash('sha256').update(stateDir).digest('hex').slice(0, 6);
}

/** Every name of a lab begins with this: `lab down` after a crash removes what carries it. */
export const labPrefix = (key: string): string => `dbk-${key}-`;

export const vpcNamespace = (key: string): string => `${labPrefix(key)}vpc`;
export const dropletNamespace = (key: string, dropletId: number): string => `${labPrefix(key)}d${dropletId}`;
/** The bridge of one VPC inside the VPC namespace (interface names have at most 15 characters). */
export const vpcBridge = (vpcUuid: string): string => `bv-${vpcUuid.replace(/-/g, '').slice(0, 8)}`;
/** The VPC-namespace ends of a droplet's two veth pairs. */
export const privateVeth = (dropletId: number): string => `v${dropletId}`;
export const publicVeth = (dropletId: number): string => `p${dropletId}`;

/** The gateway of a VPC range: its first address, which the VPC bridge carries. */
export function vpcGateway(range: string): string {
  const cidr = parseCidr(range) as Cidr | undefined;
  if (!cidr) throw new Error(`VPC range ${range} is not a CIDR range`);
  return formatIpv4(cidr.base + 1);
}

/** A droplet's public-side address in the lab: 127.200.A.B on the host ⇄ 198.18.A.B in the VPC namespace. */
export function publicSideAddress(publicIp: string): string {
  const value = parseIpv4(publicIp);
  if (value === undefined) throw new Error(`public address ${publicIp} is not an IPv4 address`);
  return formatIpv4(PUBLIC_SIDE_BASE + (value & 0xffff));
}

/** Everything about one droplet's place on the network. */
export interface DropletLinks {
  namespace: string;
  /** VPC-namespace side of the private link, attached to the VPC's bridge. */
  privateVeth: string;
  publicVeth: string;
  bridge: string;
  gateway: string;
  /** With prefix, e.g. 10.10.0.10/24, on eth1. */
  privateCidr: string;
  /** With prefix, e.g. 198.18.0.10/16, on eth0. */
  publicSideCidr: string;
}

export function dropletLinks(
  key: string,
  droplet: { id: number; privateIp: string; publicIp: string; vpcUuid: string; vpcRange: string },
): DropletLinks {
  const prefix = droplet.vpcRange.split('/')[1];
  return {
    namespace: dropletNamespace(key, droplet.id),
    privateVeth: privateVeth(droplet.id),
    publicVeth: publicVeth(droplet.id),
    bridge: vpcBridge(droplet.vpcUuid),
    gateway: vpcGateway(droplet.vpcRange),
    privateCidr: `${droplet.privateIp}/${prefix}`,
    publicSideCidr: `${publicSideAddress(droplet.publicIp)}/16`,
  };
}
