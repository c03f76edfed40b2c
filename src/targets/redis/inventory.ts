// Where a node named in a runbook lives. Names come from the run's results (the `do` action publishes
// `inventory.<name>` for each droplet), from a var holding host:port, or are written as host:port directly.
import type { ActionContext } from '../../contract/action.js';
import { TemplateError } from '../../runbook/template.js';

export type NodeKind = 'redis' | 'sentinel';

/** One addressable node, as published under `inventory.<name>`. */
export interface InventoryNode {
  host: string;
  port: number;
  kind: NodeKind;
}

/** Everything published under `inventory`: node name → address. */
export type Inventory = Record<string, InventoryNode>;

/** A node an action talks to: the name the runbook used and the address it resolved to. */
export interface NodeAddress {
  name: string;
  host: string;
  port: number;
  /** host:port, as shown in messages. */
  address: string;
  kind?: NodeKind;
}

type Lookup = Pick<ActionContext, 'render' | 'resolve' | 'vars'>;

const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/;

/** Parses "host:port" or "[v6]:port"; undefined when the text is not an address. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = HOST_PORT.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? match[2]) as string, port };
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function lookupOptional(ctx: Lookup, path: string): unknown {
  try {
    return ctx.resolve(path);
  } catch (error) {
    if (error instanceof TemplateError) return undefined;
    throw error;
  }
}

/** The run's inventory so far (empty when no action has published one). */
export function runInventory(ctx: Lookup): Inventory {
  const value = lookupOptional(ctx, 'inventory');
  if (value === null || typeof value !== 'object') return {};
  const inventory: Inventory = {};
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    const node = asInventoryNode(entry);
    if (node) inventory[name] = node;
  }
  return inventory;
}

function asInventoryNode(value: unknown): InventoryNode | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { host, port, kind } = value as Record<string, unknown>;
  const portNumber = typeof port === 'string' ? Number(port) : port;
  if (typeof host !== 'string' || typeof portNumber !== 'number' || !Number.isInteger(portNumber))
    return undefined;
  return { host, port: portNumber, kind: kind === 'sentinel' ? 'sentinel' : 'redis' };
}

/**
 * Resolves a `node=` value: {{ }} templates rendered first, then host:port, an inventory name, or a var
 * holding host:port. Throws a message listing what is known when nothing matches.
 */
export function resolveNode(ref: string, ctx: Lookup): NodeAddress {
  const rendered = ctx.render(ref).trim();
  const direct = parseHostPort(rendered);
  if (direct) return { name: rendered, ...direct, address: formatAddress(direct.host, direct.port) };
  const inventory = runInventory(ctx);
  const fromInventory = inventory[rendered];
  if (fromInventory) {
    return {
      name: rendered,
      host: fromInventory.host,
      port: fromInventory.port,
      address: formatAddress(fromInventory.host, fromInventory.port),
      kind: fromInventory.kind,
    };
  }
  const fromVar = ctx.vars[rendered];
  if (fromVar !== undefined) {
    const parsed = parseHostPort(fromVar);
    if (!parsed) {
      throw new Error(`node "${rendered}": var ${rendered} holds "${fromVar}", which is not host:port`);
    }
    return { name: rendered, ...parsed, address: formatAddress(parsed.host, parsed.port) };
  }
  const known = Object.keys(inventory);
  throw new Error(
    `node "${rendered}" is neither host:port, nor a node in the inventory${known.length ? ` (known: ${known.join(', ')})` : ' (nothing published one yet)'}, nor a var; ` +
      'run the step that creates it first, or write host:port',
  );
}

/** Every Sentinel: those in the inventory, else the `sentinels` var (comma-separated host:port or names). */
export function resolveAllSentinels(ctx: Lookup): NodeAddress[] {
  const inventory = runInventory(ctx);
  const fromInventory = Object.entries(inventory)
    .filter(([, node]) => node.kind === 'sentinel')
    .map(([name, node]) => ({
      name,
      host: node.host,
      port: node.port,
      address: formatAddress(node.host, node.port),
      kind: 'sentinel' as const,
    }));
  if (fromInventory.length > 0) return fromInventory;
  const list = ctx.vars.sentinels;
  if (list?.trim()) {
    return list
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
      .map((item) => ({ ...resolveNode(item, ctx), kind: 'sentinel' as const }));
  }
  throw new Error(
    'node=all: no Sentinels in the inventory and no `sentinels` var; create the Sentinel droplets first or set --var sentinels=host:port,host:port,...',
  );
}

/** Resolves a comma-separated list of node names or addresses (e.g. `nodes=redis-1,redis-2`). */
export function resolveNodeList(list: string, ctx: Lookup): NodeAddress[] {
  return list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => resolveNode(item, ctx));
}

/** All redis (non-Sentinel) nodes in the inventory. */
export function inventoryRedisNodes(ctx: Lookup): NodeAddress[] {
  return Object.entries(runInventory(ctx))
    .filter(([, node]) => node.kind === 'redis')
    .map(([name, node]) => ({
      name,
      host: node.host,
      port: node.port,
      address: formatAddress(node.host, node.port),
      kind: 'redis' as const,
    }));
}
