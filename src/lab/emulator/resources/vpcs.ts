import { randomUUID } from 'node:crypto';
import {
  blockSize,
  type Cidr,
  cidrIsPrivate,
  formatCidr,
  isNetworkAddress,
  mapToLoopback,
  parseCidr,
} from '../addresses.js';
import { findRegion } from '../catalogue.js';
import type { EmulatorCore } from '../core.js';
import { forbidden, notFound, unprocessable } from '../errors.js';
import { paginate } from '../pagination.js';
import type { Route } from '../router.js';
import type { StoredVpc } from '../types.js';
import { bodyObject, optionalString, requiredString } from '../validate.js';

const namePattern = /^[a-zA-Z0-9\-.]+$/;

export function presentVpc(vpc: StoredVpc) {
  return {
    id: vpc.id,
    urn: `do:vpc:${vpc.id}`,
    name: vpc.name,
    description: vpc.description,
    region: vpc.region,
    ip_range: vpc.ipRange,
    default: vpc.isDefault,
    created_at: vpc.createdAt,
  };
}

function requireVpc(core: EmulatorCore, id: string | undefined): StoredVpc {
  const vpc = core.state.vpcs.find((candidate) => candidate.id === id);
  if (!vpc) throw notFound(`VPC ${id}`);
  return vpc;
}

function checkName(core: EmulatorCore, name: string, except?: StoredVpc): void {
  if (!namePattern.test(name))
    throw unprocessable('name', `"${name}" may only contain letters, digits, "-" and "."`);
  if (core.state.vpcs.some((vpc) => vpc.name === name && vpc !== except)) {
    throw unprocessable('name', `"${name}" is already used by another VPC`);
  }
}

function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > 255)
    throw unprocessable('description', 'must be at most 255 characters');
}

/**
 * Maps the requested range onto loopback (loopback mode) or keeps it (private mode), or picks the next free
 * 127.N.0.0/24 (10.N.0.0/24) when none was asked for.
 */
function resolveRange(core: EmulatorCore, requested: string | undefined): { range: string; note: string } {
  const first = core.settings.addressMode === 'private' ? 10 : 127;
  if (requested === undefined) {
    const taken = new Set(core.state.vpcs.map((vpc) => vpc.ipRange));
    for (let second = 11; second < 256; second++) {
      const range = `${first}.${second}.0.0/24`;
      if (!taken.has(range)) return { range, note: `ip_range ${range} chosen by the lab` };
    }
    throw unprocessable(
      'ip_range',
      `could not be chosen: every ${first}.N.0.0/24 is taken; pass one explicitly`,
    );
  }
  const cidr = parseCidr(requested);
  if (!cidr) throw unprocessable('ip_range', `"${requested}" is not a CIDR range such as 10.10.0.0/24`);
  if (cidr.prefix < 16 || cidr.prefix > 28)
    throw unprocessable('ip_range', `${requested} must be between /16 and /28`);
  if (!isNetworkAddress(cidr))
    throw unprocessable('ip_range', `${requested} is not a network address (host bits are set)`);
  if (core.settings.addressMode === 'private') {
    if (!cidrIsPrivate(cidr)) {
      throw unprocessable(
        'ip_range',
        `${requested} is not a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`,
      );
    }
    return { range: formatCidr(cidr), note: `ip_range ${formatCidr(cidr)}` };
  }
  const mapping = mapToLoopback(cidr);
  if (!mapping.ok) throw unprocessable('ip_range', mapping.problem);
  const range = formatCidr(mapping.cidr);
  return {
    range,
    note: mapping.mapped
      ? `ip_range ${requested} mapped to ${range} on the lab`
      : `ip_range ${range} on the lab`,
  };
}

const overlaps = (a: Cidr, b: Cidr): boolean =>
  a.base < b.base + blockSize(b) && b.base < a.base + blockSize(a);

/**
 * DigitalOcean refuses a range that overlaps any other VPC of the account, in any region (422). Judged on
 * the ranges as asked for: in loopback mode different private ranges may map onto the same loopback block.
 */
function checkOverlap(core: EmulatorCore, requested: string | undefined, range: string): void {
  const mine = parseCidr(requested ?? range);
  if (!mine) return;
  for (const vpc of core.state.vpcs) {
    const theirs = parseCidr(vpc.requestedRange ?? vpc.ipRange);
    if (theirs && overlaps(mine, theirs)) {
      throw unprocessable(
        'ip_range',
        `${formatCidr(mine)} overlaps the range ${formatCidr(theirs)} of VPC ${vpc.name} (${vpc.id}) in ${vpc.region}; choose a range that overlaps no other VPC of the account`,
      );
    }
  }
}

/** Why a VPC cannot be deleted now (403), or undefined. */
function deletionRefusal(core: EmulatorCore, vpc: StoredVpc): string | undefined {
  if (vpc.isDefault) return `VPC ${vpc.name} is the default VPC of ${vpc.region} and cannot be deleted.`;
  const members = core.state.droplets.filter((droplet) => droplet.vpcUuid === vpc.id);
  if (members.length > 0) {
    return `VPC ${vpc.name} still has ${members.length} member(s) (${members.map((droplet) => droplet.name).join(', ')}); delete them first.`;
  }
  // DigitalOcean keeps refusing for a while after the last droplet is gone, until its interface is released.
  if (vpc.memberLeftAt !== undefined && Date.now() - vpc.memberLeftAt < core.settings.vpcReleaseMs) {
    return `Can not delete VPC with members: VPC ${vpc.name} is still releasing the resources of its deleted droplets; try again shortly.`;
  }
  return undefined;
}

function describe(userDescription: string | undefined, note: string): string {
  if (!userDescription) return note;
  const room = 255 - note.length - 3;
  return `${userDescription.slice(0, Math.max(0, room))} (${note})`;
}

function update(core: EmulatorCore, vpc: StoredVpc, body: Record<string, unknown>, partial: boolean): void {
  const name = partial ? optionalString(body, 'name') : requiredString(body, 'name');
  const description = optionalString(body, 'description');
  checkDescription(description);
  if (name !== undefined) checkName(core, name, vpc);
  const makeDefault = body.default;
  if (makeDefault !== undefined && typeof makeDefault !== 'boolean')
    throw unprocessable('default', 'must be true or false');
  if (makeDefault === false && vpc.isDefault) {
    throw unprocessable('default', 'cannot be unset: make another VPC of the region the default instead');
  }
  if (name !== undefined) vpc.name = name;
  if (description !== undefined) vpc.description = description;
  if (makeDefault === true) {
    for (const other of core.state.vpcs) if (other.region === vpc.region) other.isDefault = other === vpc;
  }
  core.changed();
}

export const vpcRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v2/vpcs',
    handler: ({ query }, core) => {
      const page = paginate(core.state.vpcs.map(presentVpc), query, `${core.apiUrl}/vpcs`);
      return { status: 200, body: { vpcs: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'POST',
    pattern: '/v2/vpcs',
    handler: ({ body: raw }, core) => {
      const body = bodyObject(raw);
      const name = requiredString(body, 'name');
      const region = requiredString(body, 'region');
      const description = optionalString(body, 'description');
      checkName(core, name);
      checkDescription(description);
      if (!findRegion(region))
        throw unprocessable('region', `"${region}" is not a region (GET /v2/regions lists them)`);
      const requested = optionalString(body, 'ip_range');
      const { range, note } = resolveRange(core, requested);
      checkOverlap(core, requested, range);
      const vpc: StoredVpc = {
        id: randomUUID(),
        name,
        description: describe(description, note),
        region,
        ipRange: range,
        // As on DigitalOcean: the first VPC of a region becomes its default, which can never be deleted.
        isDefault: !core.state.vpcs.some((other) => other.region === region),
        createdAt: core.now(),
        ...(requested !== undefined ? { requestedRange: requested } : {}),
      };
      core.state.vpcs.push(vpc);
      core.changed();
      return { status: 201, body: { vpc: presentVpc(vpc) } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/vpcs/:vpc_id',
    handler: ({ params }, core) => ({
      status: 200,
      body: { vpc: presentVpc(requireVpc(core, params.vpc_id)) },
    }),
  },
  {
    method: 'PUT',
    pattern: '/v2/vpcs/:vpc_id',
    handler: ({ params, body }, core) => {
      const vpc = requireVpc(core, params.vpc_id);
      update(core, vpc, bodyObject(body), false);
      return { status: 200, body: { vpc: presentVpc(vpc) } };
    },
  },
  {
    method: 'PATCH',
    pattern: '/v2/vpcs/:vpc_id',
    handler: ({ params, body }, core) => {
      const vpc = requireVpc(core, params.vpc_id);
      update(core, vpc, bodyObject(body), true);
      return { status: 200, body: { vpc: presentVpc(vpc) } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/v2/vpcs/:vpc_id',
    handler: ({ params }, core) => {
      const vpc = requireVpc(core, params.vpc_id);
      const refusal = deletionRefusal(core, vpc);
      if (refusal) throw forbidden(refusal);
      core.state.vpcs = core.state.vpcs.filter((candidate) => candidate !== vpc);
      core.changed();
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/vpcs/:vpc_id/members',
    handler: ({ params, query }, core) => {
      const vpc = requireVpc(core, params.vpc_id);
      // Droplets are the only members a lab VPC can have.
      const type = query.get('resource_type');
      const members = core.state.droplets
        .filter((droplet) => droplet.vpcUuid === vpc.id && (type === null || type === 'droplet'))
        .map((droplet) => ({
          urn: `do:droplet:${droplet.id}`,
          name: droplet.name,
          created_at: droplet.createdAt,
        }));
      const page = paginate(members, query, `${core.apiUrl}/vpcs/${vpc.id}/members`);
      return { status: 200, body: { members: page.items, links: page.links, meta: page.meta } };
    },
  },
];
