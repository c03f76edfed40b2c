// Creating and removing the container lab's network (layout and names: ./netns.ts). Nothing but the
// host's `unreachable` routes is ever added to the host namespace: every other address lives in the lab's
// own namespaces, which have no uplink and do not forward.
import { readdir } from 'node:fs/promises';
import { type Cidr, contains, parseCidr } from '../emulator/addresses.js';
import { run, runQuietly } from './exec.js';
import {
  DROPLET_PRIVATE_IF,
  DROPLET_PUBLIC_IF,
  type DropletLinks,
  LAB_CONSOLE_ADDRESS,
  labPrefix,
  METADATA_ADDRESS,
  PUBLIC_BRIDGE,
  PUBLIC_SIDE_GATEWAY,
  PUBLIC_SIDE_RANGE,
  vpcGateway,
  vpcNamespace,
} from './netns.js';

/** Marks the host routes the lab adds, so they are told apart from the operator's own. */
export const ROUTE_PROTO = '99';

const ip = (args: string[]) => run('ip', args, { timeoutMs: 20_000 });
const inNs = (ns: string, args: string[]) => ip(['-n', ns, ...args]);

export async function namespaceExists(ns: string): Promise<boolean> {
  return (await readdir('/run/netns').catch(() => [] as string[])).includes(ns);
}

/** Namespaces whose name carries the lab's prefix (what a crashed lab left, too). */
export async function labNamespaces(key: string): Promise<string[]> {
  const prefix = labPrefix(key);
  return (await readdir('/run/netns').catch(() => [] as string[])).filter((ns) => ns.startsWith(prefix));
}

async function writeSysctl(ns: string, name: string, value: string): Promise<void> {
  await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${name}=${value}`]);
}

async function addNamespace(ns: string): Promise<void> {
  await ip(['netns', 'add', ns]);
  await inNs(ns, ['link', 'set', 'lo', 'up']);
  // A droplet or the VPC namespace never routes between its interfaces: only bridging inside the VPC.
  await writeSysctl(ns, 'net.ipv4.ip_forward', '0');
}

/** The VPC namespace with the operator-side bridge, created once per lab. */
export async function ensureVpcNamespace(key: string): Promise<string> {
  const ns = vpcNamespace(key);
  if (await namespaceExists(ns)) return ns;
  await addNamespace(ns);
  // On lo, so the metadata service can listen before any VPC exists; every VPC bridge reaches it.
  await inNs(ns, ['addr', 'add', `${METADATA_ADDRESS}/32`, 'dev', 'lo']);
  await inNs(ns, ['addr', 'add', `${LAB_CONSOLE_ADDRESS}/32`, 'dev', 'lo']);
  await inNs(ns, ['link', 'add', PUBLIC_BRIDGE, 'type', 'bridge']);
  await inNs(ns, ['addr', 'add', `${PUBLIC_SIDE_GATEWAY}/16`, 'dev', PUBLIC_BRIDGE]);
  await inNs(ns, ['link', 'set', PUBLIC_BRIDGE, 'up']);
  await addUnreachableRoute(PUBLIC_SIDE_RANGE);
  return ns;
}

async function linkExists(ns: string, name: string): Promise<boolean> {
  return runQuietly('ip', ['-n', ns, 'link', 'show', name]);
}

/** The bridge of one VPC with its gateway address, and the host's unreachable route for its range. */
export async function ensureVpcBridge(key: string, bridge: string, range: string): Promise<void> {
  const ns = vpcNamespace(key);
  if (await linkExists(ns, bridge)) return;
  const prefix = range.split('/')[1];
  await inNs(ns, ['link', 'add', bridge, 'type', 'bridge']);
  await inNs(ns, ['addr', 'add', `${vpcGateway(range)}/${prefix}`, 'dev', bridge]);
  await inNs(ns, ['link', 'set', bridge, 'up']);
  await addUnreachableRoute(range);
}

/** A droplet's namespace and its two links: eth1 on its VPC's bridge, eth0 on the operator's side. */
export async function attachDroplet(key: string, links: DropletLinks): Promise<void> {
  const vpc = vpcNamespace(key);
  if (await namespaceExists(links.namespace)) return;
  await addNamespace(links.namespace);
  // Created straight between the two namespaces: nothing of it ever appears in the host namespace.
  await inNs(vpc, [
    'link',
    'add',
    links.privateVeth,
    'type',
    'veth',
    'peer',
    'name',
    DROPLET_PRIVATE_IF,
    'netns',
    links.namespace,
  ]);
  await inNs(vpc, [
    'link',
    'add',
    links.publicVeth,
    'type',
    'veth',
    'peer',
    'name',
    DROPLET_PUBLIC_IF,
    'netns',
    links.namespace,
  ]);
  await inNs(vpc, ['link', 'set', links.privateVeth, 'master', links.bridge]);
  await inNs(vpc, ['link', 'set', links.publicVeth, 'master', PUBLIC_BRIDGE]);
  await inNs(links.namespace, ['addr', 'add', links.publicSideCidr, 'dev', DROPLET_PUBLIC_IF]);
  await inNs(links.namespace, ['link', 'set', DROPLET_PRIVATE_IF, 'up']);
  await inNs(links.namespace, ['link', 'set', DROPLET_PUBLIC_IF, 'up']);
  await addPrivateAddress(links);
}

/**
 * The droplet's private address on eth1, and the routes to the metadata service and the lab console (both
 * answer from the VPC namespace, over the private link). Idempotent: a boot adds it again after a delay.
 */
export async function addPrivateAddress(links: DropletLinks): Promise<void> {
  await inNs(links.namespace, ['addr', 'replace', links.privateCidr, 'dev', DROPLET_PRIVATE_IF]);
  for (const address of [METADATA_ADDRESS, LAB_CONSOLE_ADDRESS]) {
    await inNs(links.namespace, [
      'route',
      'replace',
      `${address}/32`,
      'via',
      links.gateway,
      'dev',
      DROPLET_PRIVATE_IF,
    ]);
  }
}

/** Takes the private address (and the routes through it) off eth1, as a machine that has not configured it yet. */
export async function removePrivateAddress(links: DropletLinks): Promise<void> {
  await inNs(links.namespace, ['addr', 'flush', 'dev', DROPLET_PRIVATE_IF]);
}

/** Link down on the VPC side: the droplet's packets go nowhere and nobody's reach it (timeouts, not refusals). */
export async function setDropletLinks(key: string, links: DropletLinks, state: 'up' | 'down'): Promise<void> {
  const vpc = vpcNamespace(key);
  await inNs(vpc, ['link', 'set', links.privateVeth, state]);
  await inNs(vpc, ['link', 'set', links.publicVeth, state]);
}

/** Veths first: a namespace's veths vanish asynchronously, and an immediate re-create would collide. */
export async function detachDroplet(key: string, links: DropletLinks): Promise<void> {
  const vpc = vpcNamespace(key);
  await runQuietly('ip', ['-n', vpc, 'link', 'del', links.privateVeth]);
  await runQuietly('ip', ['-n', vpc, 'link', 'del', links.publicVeth]);
  await runQuietly('ip', ['netns', 'del', links.namespace]);
}

/** Pids of the processes inside a namespace (the metadata agent, a container's processes). */
export async function namespacePids(ns: string): Promise<number[]> {
  const text = await run('ip', ['netns', 'pids', ns]).catch(() => '');
  return text
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** Every namespace of the lab (droplets' first, veths before namespaces) and its host routes. */
export async function removeLabNetwork(key: string, routes: string[]): Promise<void> {
  const vpc = vpcNamespace(key);
  for (const ns of await labNamespaces(key)) {
    for (const pid of await namespacePids(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
  if (await namespaceExists(vpc)) {
    const links = await run('ip', ['-n', vpc, '-o', 'link', 'show', 'type', 'veth']).catch(() => '');
    for (const match of links.matchAll(/^\d+: ([^@:]+)/gm)) {
      await runQuietly('ip', ['-n', vpc, 'link', 'del', match[1] as string]);
    }
  }
  for (const ns of await labNamespaces(key)) {
    if (ns !== vpc) await runQuietly('ip', ['netns', 'del', ns]);
  }
  await runQuietly('ip', ['netns', 'del', vpc]);
  for (const range of routes) await removeUnreachableRoute(range);
}

export interface HostRoute {
  dst: string;
  type?: string;
  protocol?: string;
  dev?: string;
}

async function hostRoutes(): Promise<HostRoute[]> {
  const show = async (...filter: string[]) =>
    JSON.parse((await run('ip', ['-j', 'route', 'show', 'table', 'all', ...filter])) || '[]') as HostRoute[];
  // ip prints protocol 99 by its rt_protos name (Debian calls it "openr"), so the lab's own routes are found
  // by asking for that protocol, and marked with the number the rest of this module compares with.
  const ours = new Set((await show('proto', ROUTE_PROTO)).map((route) => route.dst));
  return (await show()).map((route) =>
    route.type === 'unreachable' && ours.has(route.dst) ? { ...route, protocol: ROUTE_PROTO } : route,
  );
}

function overlaps(a: Cidr, b: Cidr): boolean {
  const last = (c: Cidr) => c.base + 2 ** (32 - c.prefix) - 1;
  return contains(a, b.base) || contains(b, a.base) || contains(a, last(b));
}

/**
 * The host's own routes (not the default route, not the lab's unreachable routes) that reach into range:
 * a lab on that range would shadow a real network the operator uses.
 */
export function routesInto(range: string, routes: readonly HostRoute[]): string[] {
  const wanted = parseCidr(range);
  if (!wanted) throw new Error(`${range} is not a CIDR range`);
  return routes
    .filter((route) => route.dst !== 'default' && route.protocol !== ROUTE_PROTO)
    .filter((route) => {
      const dst = parseCidr(route.dst.includes('/') ? route.dst : `${route.dst}/32`);
      return dst !== undefined && dst.base >>> 24 !== 127 && overlaps(wanted, dst);
    })
    .map((route) => `${route.dst}${route.dev ? ` dev ${route.dev}` : ''}`);
}

export async function conflictingHostRoutes(range: string): Promise<string[]> {
  return routesInto(range, await hostRoutes());
}

async function addUnreachableRoute(range: string): Promise<void> {
  const existing = await hostRoutes();
  if (existing.some((route) => route.dst === range && route.type === 'unreachable')) return;
  await ip(['route', 'add', 'unreachable', range, 'proto', ROUTE_PROTO]);
}

async function removeUnreachableRoute(range: string): Promise<void> {
  await runQuietly('ip', ['route', 'del', 'unreachable', range, 'proto', ROUTE_PROTO]);
}

/** The host's unreachable routes the lab added (by their protocol mark). */
export async function labRoutes(): Promise<string[]> {
  return (await hostRoutes())
    .filter((route) => route.protocol === ROUTE_PROTO && route.type === 'unreachable')
    .map((route) => route.dst);
}
