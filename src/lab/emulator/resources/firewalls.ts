import { randomUUID } from 'node:crypto';
import type { EmulatorCore } from '../core.js';
import { notFound, unprocessable } from '../errors.js';
import { paginate } from '../pagination.js';
import type { Route } from '../router.js';
import type { StoredFirewall } from '../types.js';
import { bodyObject, requiredString } from '../validate.js';
import {
  checkDropletIds,
  checkExistingTags,
  checkInbound,
  checkOutbound,
  sameRule,
} from './firewall-rules.js';

const namePattern = /^[a-zA-Z0-9][a-zA-Z0-9.-]+$/;

const presentFirewall = (firewall: StoredFirewall) => ({
  id: firewall.id,
  name: firewall.name,
  status: 'succeeded',
  created_at: firewall.createdAt,
  pending_changes: [],
  inbound_rules: firewall.inboundRules,
  outbound_rules: firewall.outboundRules,
  droplet_ids: firewall.dropletIds,
  tags: firewall.tags,
});

function requireFirewall(core: EmulatorCore, id: string | undefined): StoredFirewall {
  const firewall = core.state.firewalls.find((candidate) => candidate.id === id);
  if (!firewall) throw notFound(`Firewall ${id}`);
  return firewall;
}

function checkedName(body: Record<string, unknown>): string {
  const name = requiredString(body, 'name');
  if (!namePattern.test(name))
    throw unprocessable('name', `"${name}" may only contain letters, digits, "." and "-"`);
  return name;
}

/** Everything a create or a full update (PUT) sets. */
function checkedDefinition(core: EmulatorCore, raw: unknown) {
  const body = bodyObject(raw);
  return {
    name: checkedName(body),
    inboundRules: checkInbound(core, body.inbound_rules),
    outboundRules: checkOutbound(core, body.outbound_rules),
    dropletIds: checkDropletIds(core, body.droplet_ids, 'droplet_ids'),
    tags: checkExistingTags(core, body.tags, 'tags'),
  };
}

const union = <T>(existing: T[], added: T[]): T[] => [
  ...existing,
  ...added.filter(
    (item, index) =>
      !existing.some((old) => sameRule(old, item)) &&
      added.findIndex((other) => sameRule(other, item)) === index,
  ),
];
const without = <T>(existing: T[], removed: T[]): T[] =>
  existing.filter((item) => !removed.some((gone) => sameRule(gone, item)));

function membershipRoutes(
  segment: 'rules' | 'droplets' | 'tags',
  apply: (
    core: EmulatorCore,
    firewall: StoredFirewall,
    body: Record<string, unknown>,
    adding: boolean,
  ) => void,
): Route[] {
  return (['POST', 'DELETE'] as const).map((method) => ({
    method,
    pattern: `/v2/firewalls/:firewall_id/${segment}`,
    handler: ({ params, body }, core) => {
      const firewall = requireFirewall(core, params.firewall_id);
      apply(core, firewall, bodyObject(body), method === 'POST');
      core.changed();
      return { status: 204 };
    },
  }));
}

export const firewallRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v2/firewalls',
    handler: ({ query }, core) => {
      const page = paginate(core.state.firewalls.map(presentFirewall), query, `${core.apiUrl}/firewalls`);
      return { status: 200, body: { firewalls: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'POST',
    pattern: '/v2/firewalls',
    handler: ({ body }, core) => {
      const firewall: StoredFirewall = {
        id: randomUUID(),
        createdAt: core.now(),
        ...checkedDefinition(core, body),
      };
      core.state.firewalls.push(firewall);
      core.changed();
      return { status: 202, body: { firewall: presentFirewall(firewall) } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/firewalls/:firewall_id',
    handler: ({ params }, core) => ({
      status: 200,
      body: { firewall: presentFirewall(requireFirewall(core, params.firewall_id)) },
    }),
  },
  {
    method: 'PUT',
    pattern: '/v2/firewalls/:firewall_id',
    handler: ({ params, body }, core) => {
      const firewall = requireFirewall(core, params.firewall_id);
      Object.assign(firewall, checkedDefinition(core, body));
      core.changed();
      return { status: 200, body: { firewall: presentFirewall(firewall) } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/v2/firewalls/:firewall_id',
    handler: ({ params }, core) => {
      const firewall = requireFirewall(core, params.firewall_id);
      core.state.firewalls = core.state.firewalls.filter((candidate) => candidate !== firewall);
      core.changed();
      return { status: 204 };
    },
  },
  ...membershipRoutes('rules', (core, firewall, body, adding) => {
    const inbound = checkInbound(core, body.inbound_rules);
    const outbound = checkOutbound(core, body.outbound_rules);
    if (inbound.length + outbound.length === 0)
      throw unprocessable('inbound_rules', 'or outbound_rules must hold at least one rule');
    firewall.inboundRules = adding
      ? union(firewall.inboundRules, inbound)
      : without(firewall.inboundRules, inbound);
    firewall.outboundRules = adding
      ? union(firewall.outboundRules, outbound)
      : without(firewall.outboundRules, outbound);
  }),
  ...membershipRoutes('droplets', (core, firewall, body, adding) => {
    const ids = checkDropletIds(core, body.droplet_ids, 'droplet_ids');
    if (ids.length === 0) throw unprocessable('droplet_ids', 'must hold at least one droplet id');
    firewall.dropletIds = adding ? union(firewall.dropletIds, ids) : without(firewall.dropletIds, ids);
  }),
  ...membershipRoutes('tags', (core, firewall, body, adding) => {
    const tags = checkExistingTags(core, body.tags, 'tags');
    if (tags.length === 0) throw unprocessable('tags', 'must hold at least one tag');
    firewall.tags = adding ? union(firewall.tags, tags) : without(firewall.tags, tags);
  }),
];
