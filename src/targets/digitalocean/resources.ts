// VPCs, tags and firewalls, each ensured by name: found and adopted, or created once. After an ambiguous
// create failure the resource is looked up again before anything is sent twice.
import type { modules } from 'dots-wrapper';
import { allPages } from './pages.js';
import { type ApiSession, DoStepError } from './session.js';

export type Vpc = modules.vpc.IVpc;
export type Firewall = modules.firewall.IFirewall;

/**
 * Finds by name or creates; an ambiguous create failure leads to another look before another create.
 * Returns whether it was created now.
 */
export async function ensureByName<T>(
  session: ApiSession,
  options: {
    what: string;
    find: () => Promise<T | undefined>;
    create: () => Promise<T>;
    notify: (line: string) => void;
  },
): Promise<{ value: T; created: boolean }> {
  let sentCreate = false;
  for (let attempt = 0; ; attempt++) {
    const existing = await options.find();
    if (existing) return { value: existing, created: sentCreate };
    try {
      sentCreate = true;
      return { value: await options.create(), created: true };
    } catch (error) {
      await session.waitToLookAgain(error, attempt, `the ${options.what}`, options.notify);
    }
  }
}

export function listVpcs(session: ApiSession): Promise<Vpc[]> {
  return allPages(
    (query) => session.call((client) => client.vpc.listVpcs(query)),
    (data) => data.vpcs,
  );
}

export async function findVpc(session: ApiSession, nameOrId: string): Promise<Vpc | undefined> {
  const vpcs = await listVpcs(session);
  return vpcs.find((vpc) => vpc.id === nameOrId) ?? vpcs.find((vpc) => vpc.name === nameOrId);
}

export interface VpcRequest {
  name: string;
  region: string;
  ip_range?: string;
  description?: string;
}

export function ensureVpc(
  session: ApiSession,
  request: VpcRequest,
  notify: (line: string) => void,
): Promise<{ value: Vpc; created: boolean }> {
  return ensureByName(session, {
    what: `VPC ${request.name}`,
    notify,
    find: async () => (await listVpcs(session)).find((vpc) => vpc.name === request.name),
    create: async () => (await session.call((client) => client.vpc.createVpc(request), 'rejected-only')).vpc,
  });
}

/** Tags are cheap and idempotent: look each up, create the absent ones. */
export async function ensureTags(
  session: ApiSession,
  names: string[],
): Promise<{ created: string[]; existing: string[] }> {
  const created: string[] = [];
  const existing: string[] = [];
  for (const name of names) {
    try {
      await session.call((client) => client.tag.getTag({ tag_name: name }));
      existing.push(name);
    } catch (error) {
      if (!(error instanceof DoStepError) || error.apiError?.status !== 404) throw error;
      await session.call((client) => client.tag.createTag({ name }));
      created.push(name);
    }
  }
  return { created, existing };
}

export function listFirewalls(session: ApiSession): Promise<Firewall[]> {
  return allPages(
    (query) => session.call((client) => client.firewall.listFirewalls(query)),
    (data) => data.firewalls,
  );
}

type RuleNode = modules.firewall.IFirewallRuleNode;

function normalizeNode(node: RuleNode | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['addresses', 'tags', 'droplet_ids', 'load_balancer_uids'] as const) {
    const values = node?.[key];
    if (values && values.length > 0) out[key] = [...values].map(String).sort();
  }
  return out;
}

function normalizePorts(protocol: string, ports: string | undefined): string {
  if (protocol === 'icmp') return '';
  return !ports || ports === '0' ? 'all' : ports;
}

/** Each rule in a comparable form, sorted; peers: whom it lets in (inbound) or out to (outbound). */
function ruleShapes<Rule extends modules.firewall.IFirewallRule>(
  rules: Rule[] | undefined,
  peers: (rule: Rule) => RuleNode | undefined,
): string[] {
  return (rules ?? [])
    .map((rule) =>
      JSON.stringify({
        p: rule.protocol,
        ports: normalizePorts(rule.protocol, rule.ports),
        n: normalizeNode(peers(rule)),
      }),
    )
    .sort();
}

/** A comparable form of a firewall's rules and tags, so an unchanged firewall is left alone. */
export function firewallShape(firewall: Pick<Firewall, 'inbound_rules' | 'outbound_rules' | 'tags'>): string {
  const inbound = ruleShapes(firewall.inbound_rules, (rule) => rule.sources);
  const outbound = ruleShapes(firewall.outbound_rules, (rule) => rule.destinations);
  return JSON.stringify({ inbound, outbound, tags: [...(firewall.tags ?? [])].sort() });
}

export async function ensureFirewall(
  session: ApiSession,
  desired: Firewall,
  notify: (line: string) => void,
): Promise<{ value: Firewall; outcome: 'created' | 'updated' | 'unchanged' }> {
  const { value, created } = await ensureByName(session, {
    what: `firewall ${desired.name}`,
    notify,
    find: async () => (await listFirewalls(session)).find((firewall) => firewall.name === desired.name),
    create: async () =>
      (await session.call((client) => client.firewall.createFirewall(desired), 'rejected-only')).firewall,
  });
  if (created) return { value, outcome: 'created' };
  if (firewallShape(value) === firewallShape(desired)) return { value, outcome: 'unchanged' };
  const updated = await session.call((client) =>
    client.firewall.updateFirewall({ ...desired, id: value.id, droplet_ids: value.droplet_ids ?? [] }),
  );
  return { value: updated.firewall, outcome: 'updated' };
}
