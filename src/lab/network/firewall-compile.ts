// DigitalOcean Cloud Firewalls → one nftables table for the container lab's VPC namespace. Pure: the
// applier (apply.ts) loads the text with `nft -f` in one transaction.
//
// Semantics, as DigitalOcean documents them:
// * a droplet no firewall applies to accepts everything, in and out;
// * once any firewall applies (by droplet id or by one of its tags), inbound and outbound traffic that no
//   rule of any of its firewalls allows is dropped: several firewalls on one droplet are a union, and
//   "no outbound rules" means no outbound traffic;
// * firewalls are stateful: replies to an allowed connection pass both ways — but only while the rules
//   in force allow it: a connection opened under earlier rules is judged again by the current ones (each
//   ruleset stamps the connections it allowed with its own conntrack mark), so a rule removed mid-drill
//   cuts the replica link it no longer allows, instead of the lab granting it until the link drops;
// * ports are one port, a range "8000-9000", or "0"/"all" for every port; icmp has none;
// * sources/destinations are addresses or CIDRs, droplet ids and tags (load balancers and Kubernetes
//   clusters do not exist in the lab: such a target matches nothing).
// The metadata service (169.254.169.254) is not behind the firewall on DigitalOcean, nor here; neither is the
// lab's own console (169.254.169.253, `lab status`), as DigitalOcean's console and agent are not.
//
// Traffic between droplets is bridged inside the VPC namespace; with br_netfilter it passes the inet
// `forward` hook (with conntrack). Traffic between a droplet and the namespace itself (the operator's
// relay, the metadata service) passes `input`/`output`. All three jump to one chain, so every path is
// judged by the same rules.
import { createHash } from 'node:crypto';
import { LAB_CONSOLE_ADDRESS } from '../container/netns.js';
import { formatIpv4, parseCidr } from '../emulator/addresses.js';
import type { FirewallTarget, InboundRule, OutboundRule } from '../emulator/types.js';

export const FIREWALL_TABLE = 'drillbook_firewall';
export const METADATA_SERVICE = '169.254.169.254';

/** One droplet as the network sees it: every address it answers on inside the lab. */
export interface NetworkDroplet {
  id: number;
  name: string;
  tags: readonly string[];
  /** Its private address and its public-side address in the VPC namespace. */
  addresses: readonly string[];
}

export interface NetworkFirewall {
  name: string;
  inboundRules: readonly InboundRule[];
  outboundRules: readonly OutboundRule[];
  dropletIds: readonly number[];
  tags: readonly string[];
}

export interface FirewallInput {
  droplets: readonly NetworkDroplet[];
  firewalls: readonly NetworkFirewall[];
}

type Family = 'ip' | 'ip6';
const familyOf = (address: string): Family => (address.includes(':') ? 'ip6' : 'ip');

/** The firewalls that apply to a droplet: by its id or by any of its tags. */
export function firewallsOf(droplet: NetworkDroplet, firewalls: readonly NetworkFirewall[]) {
  return firewalls.filter(
    (firewall) =>
      firewall.dropletIds.includes(droplet.id) || firewall.tags.some((tag) => droplet.tags.includes(tag)),
  );
}

/**
 * nft refuses a prefix with host bits set ("10.10.0.5/24"); DigitalOcean reads it as its network, and so
 * does this.
 */
export function normalizeAddress(address: string): string {
  const cidr = parseCidr(address);
  if (!cidr) return address;
  const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0;
  return `${formatIpv4((cidr.base & mask) >>> 0)}/${cidr.prefix}`;
}

/** Every address a rule's sources or destinations stand for, in the order written, without repeats. */
export function targetAddresses(target: FirewallTarget, droplets: readonly NetworkDroplet[]): string[] {
  const byId = (target.droplet_ids ?? []).flatMap(
    (id) => droplets.find((droplet) => droplet.id === id)?.addresses ?? [],
  );
  const byTag = (target.tags ?? []).flatMap((tag) =>
    droplets.filter((droplet) => droplet.tags.includes(tag)).flatMap((droplet) => droplet.addresses),
  );
  return [...new Set([...(target.addresses ?? []).map(normalizeAddress), ...byId, ...byTag])];
}

/** The nft match for a rule's protocol and ports ("" is never returned: every rule names a protocol). */
export function protocolMatch(protocol: InboundRule['protocol'], ports: string, family: Family): string {
  if (protocol === 'icmp') return `meta l4proto ${family === 'ip' ? 'icmp' : 'ipv6-icmp'}`;
  if (ports === '0' || ports === 'all' || ports === '') return `meta l4proto ${protocol}`;
  return `${protocol} dport ${ports}`;
}

/** One nft line per (address, rule): anonymous sets may not hold overlapping CIDRs, single lines may. */
function ruleLines(
  rules: readonly (InboundRule | OutboundRule)[],
  direction: 'saddr' | 'daddr',
  droplets: readonly NetworkDroplet[],
): string[] {
  const lines: string[] = [];
  for (const rule of rules) {
    const target = 'sources' in rule ? rule.sources : rule.destinations;
    for (const address of targetAddresses(target, droplets)) {
      const family = familyOf(address);
      lines.push(
        `${family} ${direction} ${address} ${protocolMatch(rule.protocol, rule.ports, family)} return`,
      );
    }
  }
  return lines;
}

const chain = (name: string, lines: readonly string[]): string =>
  [`  chain ${name} {`, ...lines.map((line) => `    ${line}`), '  }'].join('\n');

const addressSet = (addresses: readonly string[], family: Family): string | undefined => {
  const mine = addresses.filter((address) => familyOf(address) === family);
  return mine.length === 0 ? undefined : mine.length === 1 ? mine[0] : `{ ${mine.join(', ')} }`;
};

/**
 * The table for the current state, or undefined when no firewall applies to any droplet (then the
 * applier removes the table: everything is accepted).
 */
export function compileFirewalls(input: FirewallInput): string | undefined {
  const guarded = input.droplets
    .map((droplet) => ({ droplet, firewalls: firewallsOf(droplet, input.firewalls) }))
    .filter(({ droplet, firewalls }) => firewalls.length > 0 && droplet.addresses.length > 0);
  if (guarded.length === 0) return undefined;

  const dispatch: string[] = [];
  const perDroplet: string[] = [];
  for (const { droplet, firewalls } of guarded) {
    const names = firewalls.map((firewall) => firewall.name).join(', ');
    for (const family of ['ip', 'ip6'] as const) {
      const set = addressSet(droplet.addresses, family);
      if (!set) continue;
      // Both are judged: a connection between two firewalled droplets must leave one and enter the other.
      dispatch.push(`${family} saddr ${set} jump out_${droplet.id}`);
      dispatch.push(`${family} daddr ${set} jump in_${droplet.id}`);
    }
    const outbound = firewalls.flatMap((firewall) => firewall.outboundRules);
    const inbound = firewalls.flatMap((firewall) => firewall.inboundRules);
    perDroplet.push(
      chain(`out_${droplet.id}`, [
        `# ${droplet.name}: outbound rules of ${names}`,
        ...ruleLines(outbound, 'daddr', input.droplets),
        'drop',
      ]),
      chain(`in_${droplet.id}`, [
        `# ${droplet.name}: inbound rules of ${names}`,
        ...ruleLines(inbound, 'saddr', input.droplets),
        'drop',
      ]),
    );
  }
  const hook = (name: 'forward' | 'input' | 'output', exempt: string) =>
    chain(name, [`type filter hook ${name} priority filter; policy accept;`, exempt, 'jump cloud_firewall']);
  // The mark names this ruleset: connections it allowed carry it; any other mark is judged afresh (replies
  // pass, so an allowed connection never loses a packet while its next outgoing packet renews the mark).
  const mark = `0x${createHash('sha256')
    .update(JSON.stringify([dispatch, perDroplet]))
    .digest('hex')
    .slice(0, 8)}`;
  dispatch.unshift(
    `ct state established,related ct mark ${mark} accept`,
    'ct state established,related ct direction reply accept',
  );
  dispatch.push(`ct mark set ${mark} accept`);
  return [
    `table inet ${FIREWALL_TABLE} {`,
    hook('forward', `ip daddr ${METADATA_SERVICE} accept`),
    hook('input', `ip daddr { ${METADATA_SERVICE}, ${LAB_CONSOLE_ADDRESS} } accept`),
    hook('output', `ip saddr { ${METADATA_SERVICE}, ${LAB_CONSOLE_ADDRESS} } accept`),
    chain('cloud_firewall', dispatch),
    ...perDroplet,
    '}',
    '',
  ].join('\n');
}

/**
 * One nft transaction that replaces a table (or only removes it when body is undefined): declaring the
 * table first makes the delete valid when it does not exist yet, and nft applies the whole file or nothing.
 */
export function replaceTableScript(
  family: 'inet' | 'bridge',
  name: string,
  body: string | undefined,
): string {
  return [`table ${family} ${name}`, `delete table ${family} ${name}`, body ?? ''].join('\n');
}
