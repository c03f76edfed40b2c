import { parseCidr, parseIpv4 } from '../addresses.js';
import type { EmulatorCore } from '../core.js';
import { unprocessable } from '../errors.js';
import type { FirewallTarget, InboundRule, OutboundRule } from '../types.js';

/** Checks firewall rules the way the API does and names the exact field that is wrong. */

const protocols = ['tcp', 'udp', 'icmp'] as const;

function checkPorts(ports: unknown, protocol: string, field: string): string {
  if (protocol === 'icmp') return typeof ports === 'string' && ports !== '' ? ports : '0';
  if (typeof ports !== 'string')
    throw unprocessable(field, `is required for ${protocol} rules ("22", "8000-9000", "all")`);
  if (ports === 'all' || ports === '0') return ports;
  const range = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(ports);
  const low = Number(range?.[1]);
  const high = Number(range?.[2] ?? range?.[1]);
  if (!range || low < 1 || high > 65535 || low > high) {
    throw unprocessable(field, `"${ports}" is not a port, a range such as 8000-9000, or "all"`);
  }
  return ports;
}

function isAddress(text: string): boolean {
  if (text.includes(':')) return /^[0-9a-fA-F:]+(\/\d{1,3})?$/.test(text);
  return text.includes('/') ? parseCidr(text) !== undefined : parseIpv4(text) !== undefined;
}

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw unprocessable(field, 'must be an array of strings');
  return value as string[];
}

export function checkDropletIds(core: EmulatorCore, value: unknown, field: string): number[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw unprocessable(field, 'must be an array of droplet ids');
  return value.map((id, index) => {
    if (!core.state.droplets.some((droplet) => droplet.id === id)) {
      throw unprocessable(`${field}[${index}]`, `${JSON.stringify(id)} is not a droplet`);
    }
    return id as number;
  });
}

export function checkExistingTags(core: EmulatorCore, value: unknown, field: string): string[] {
  const tags = stringList(value ?? [], field) ?? [];
  tags.forEach((tag, index) => {
    if (!core.state.tags.some((candidate) => candidate.name === tag)) {
      throw unprocessable(`${field}[${index}]`, `"${tag}" is not a tag of this account (create it first)`);
    }
  });
  return tags;
}

function checkTarget(core: EmulatorCore, value: unknown, field: string): FirewallTarget {
  if (typeof value !== 'object' || value === null)
    throw unprocessable(field, 'is required: addresses, droplet_ids or tags');
  const raw = value as Record<string, unknown>;
  const target: FirewallTarget = {};
  const addresses = stringList(raw.addresses, `${field}.addresses`);
  addresses?.forEach((address, index) => {
    if (!isAddress(address))
      throw unprocessable(`${field}.addresses[${index}]`, `"${address}" is not an IP address or CIDR range`);
  });
  if (addresses?.length) target.addresses = addresses;
  const dropletIds = checkDropletIds(core, raw.droplet_ids, `${field}.droplet_ids`);
  if (dropletIds.length) target.droplet_ids = dropletIds;
  const tags = checkExistingTags(core, raw.tags, `${field}.tags`);
  if (tags.length) target.tags = tags;
  const balancers = stringList(raw.load_balancer_uids, `${field}.load_balancer_uids`);
  if (balancers?.length) target.load_balancer_uids = balancers;
  const clusters = stringList(raw.kubernetes_ids, `${field}.kubernetes_ids`);
  if (clusters?.length) target.kubernetes_ids = clusters;
  if (Object.keys(target).length === 0)
    throw unprocessable(field, 'must name at least one address, droplet, tag, load balancer or cluster');
  return target;
}

function checkRules<T>(
  core: EmulatorCore,
  value: unknown,
  field: string,
  targetKey: 'sources' | 'destinations',
  build: (protocol: (typeof protocols)[number], ports: string, target: FirewallTarget) => T,
): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw unprocessable(field, 'must be an array of rules');
  return value.map((rule: Record<string, unknown>, index) => {
    const at = `${field}[${index}]`;
    const protocol = rule?.protocol;
    if (!protocols.includes(protocol as never))
      throw unprocessable(`${at}.protocol`, 'must be tcp, udp or icmp');
    const ports = checkPorts(rule.ports, protocol as string, `${at}.ports`);
    return build(
      protocol as (typeof protocols)[number],
      ports,
      checkTarget(core, rule[targetKey], `${at}.${targetKey}`),
    );
  });
}

export function checkInbound(core: EmulatorCore, value: unknown): InboundRule[] {
  return checkRules(core, value, 'inbound_rules', 'sources', (protocol, ports, sources) => ({
    protocol,
    ports,
    sources,
  }));
}

export function checkOutbound(core: EmulatorCore, value: unknown): OutboundRule[] {
  return checkRules(core, value, 'outbound_rules', 'destinations', (protocol, ports, destinations) => ({
    protocol,
    ports,
    destinations,
  }));
}

/** Rules compare by content: adding one that exists changes nothing, removing one removes every copy. */
export const sameRule = (left: unknown, right: unknown): boolean =>
  JSON.stringify(left) === JSON.stringify(right);
