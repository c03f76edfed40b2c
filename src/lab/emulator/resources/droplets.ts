import { allocateAddress, isLoopback, isPrivate, parseCidr } from '../addresses.js';
import { findImage, findRegion, findSize, sizeOffered } from '../catalogue.js';
import type { EmulatorCore } from '../core.js';
import { ApiError, notFound, unprocessable } from '../errors.js';
import { toLabDroplet } from '../lifecycle.js';
import { paginate } from '../pagination.js';
import { presentDroplet } from '../present.js';
import type { Route } from '../router.js';
import type { StoredAction, StoredDroplet, StoredVpc } from '../types.js';
import {
  bodyObject,
  checkDropletName,
  checkTagName,
  optionalBoolean,
  optionalString,
  stringArray,
} from '../validate.js';
import { ensureTags } from './tags.js';

const maxNamesPerRequest = 10;
const dropletLimit = 25;
const maxUserDataBytes = 64 * 1024;
const defaultRegion = 'nyc3';
/** Lab-only tag `lab-host:N` asks for the address ending in N in the droplet's VPC range, when it is free. */
const labHostTag = /^lab-host:(\d{1,3})$/;

function requestedNames(body: Record<string, unknown>): { names: string[]; multiple: boolean } {
  if (body.name !== undefined && body.names !== undefined)
    throw unprocessable('name', 'and names cannot both be given');
  if (body.names !== undefined) {
    const names = stringArray(body, 'names');
    if (names.length === 0) throw unprocessable('names', 'must hold at least one name');
    if (names.length > maxNamesPerRequest) {
      throw unprocessable(
        'names',
        `may hold at most ${maxNamesPerRequest} names per request, got ${names.length}`,
      );
    }
    for (const [index, name] of names.entries()) checkDropletName(name, `names[${index}]`);
    return { names, multiple: true };
  }
  const name = optionalString(body, 'name');
  if (name === undefined || name === '')
    throw unprocessable('name', 'is required (or names, to create several droplets)');
  checkDropletName(name, 'name');
  return { names: [name], multiple: false };
}

function resolveVpc(core: EmulatorCore, vpcUuid: string | undefined, region: string): StoredVpc {
  if (vpcUuid === undefined) return core.defaultVpc(region);
  const vpc = core.state.vpcs.find((candidate) => candidate.id === vpcUuid);
  if (!vpc) throw unprocessable('vpc_uuid', `"${vpcUuid}" is not a VPC of this account`);
  if (vpc.region !== region)
    throw unprocessable('vpc_uuid', `VPC ${vpc.name} is in ${vpc.region}, not in ${region}`);
  return vpc;
}

function resolveSshKeys(core: EmulatorCore, body: Record<string, unknown>): number[] {
  const keys = body.ssh_keys;
  if (keys === undefined || keys === null) return [];
  if (!Array.isArray(keys)) throw unprocessable('ssh_keys', 'must be an array of key ids or fingerprints');
  return keys.map((reference, index) => {
    const key = core.state.keys.find(
      (candidate) => candidate.id === reference || candidate.fingerprint === reference,
    );
    if (!key)
      throw unprocessable(
        `ssh_keys[${index}]`,
        `${JSON.stringify(reference)} is not an SSH key of this account`,
      );
    return key.id;
  });
}

function createDroplets(core: EmulatorCore, raw: unknown) {
  const body = bodyObject(raw);
  const { names, multiple } = requestedNames(body);
  const sizeSlug = optionalString(body, 'size');
  const size = sizeSlug ? findSize(sizeSlug) : undefined;
  if (!size) throw unprocessable('size', `"${sizeSlug ?? ''}" is not a size (GET /v2/sizes lists them)`);
  const imageRef = body.image;
  const image =
    typeof imageRef === 'string' || typeof imageRef === 'number' ? findImage(imageRef) : undefined;
  if (!image)
    throw unprocessable(
      'image',
      `${JSON.stringify(imageRef ?? null)} is not an image (GET /v2/images lists them)`,
    );
  const vpcUuid = optionalString(body, 'vpc_uuid');
  const vpcRegion = core.state.vpcs.find((vpc) => vpc.id === vpcUuid)?.region;
  const region = optionalString(body, 'region') ?? vpcRegion ?? defaultRegion;
  if (!findRegion(region))
    throw unprocessable('region', `"${region}" is not a region (GET /v2/regions lists them)`);
  // DigitalOcean's own words for a size the region does not offer.
  if (!sizeOffered(size, region))
    throw new ApiError(422, 'unprocessable_entity', 'Size is not available in this region.');
  const tags = stringArray(body, 'tags');
  for (const [index, tag] of tags.entries()) checkTagName(tag, `tags[${index}]`);
  const userData = optionalString(body, 'user_data');
  if (userData !== undefined && Buffer.byteLength(userData) > maxUserDataBytes) {
    throw unprocessable('user_data', 'must be at most 64 KiB');
  }
  const monitoring = optionalBoolean(body, 'monitoring');
  const sshKeyIds = resolveSshKeys(core, body);
  if (core.state.droplets.length + names.length > dropletLimit) {
    throw unprocessable(
      'names',
      `creating ${names.length} droplet(s) would exceed the account's droplet limit of ${dropletLimit} (${core.state.droplets.length} exist)`,
    );
  }
  const vpc = resolveVpc(core, vpcUuid, region);
  const privateRange = parseCidr(vpc.ipRange);
  if (!privateRange) throw new Error(`VPC ${vpc.name} has an unreadable ip_range ${vpc.ipRange}`);
  const hostTag = tags.map((tag) => labHostTag.exec(tag)).find((match) => match !== null);
  const used = core.usedAddresses();
  const addresses = names.map((name) => {
    const privateIp = allocateAddress(
      privateRange,
      used,
      hostTag ? Number(hostTag[1]) : undefined,
      core.settings.addressMode === 'private' ? isPrivate : isLoopback,
    );
    if (!privateIp)
      throw unprocessable(
        'vpc_uuid',
        `VPC ${vpc.name} (${vpc.ipRange}) has no free address left for ${name}`,
      );
    used.add(privateIp);
    const publicIp = allocateAddress(core.settings.publicRange, used);
    if (!publicIp)
      throw new ApiError(503, 'server_error', 'The lab has no free public loopback address left.');
    used.add(publicIp);
    return { privateIp, publicIp };
  });
  ensureTags(core, tags);
  const created: Array<{ droplet: StoredDroplet; action: StoredAction }> = names.map((name, index) => {
    const droplet: StoredDroplet = {
      id: core.state.nextDropletId++,
      name,
      region,
      sizeSlug: size.slug,
      imageId: image.id,
      vpcUuid: vpc.id,
      tags: [...new Set(tags)],
      ...(userData !== undefined ? { userData } : {}),
      sshKeyIds,
      monitoring,
      createdAt: core.now(),
      status: 'new',
      locked: true,
      frozen: false,
      ...(addresses[index] as { privateIp: string; publicIp: string }),
    };
    core.state.droplets.push(droplet);
    return { droplet, action: core.startAction(droplet, 'create') };
  });
  core.changed();
  const links = {
    actions: created.map(({ action }) => ({
      id: action.id,
      rel: 'create',
      href: `${core.apiUrl}/actions/${action.id}`,
    })),
  };
  return multiple
    ? { droplets: created.map(({ droplet }) => presentDroplet(core, droplet)), links }
    : { droplet: presentDroplet(core, (created[0] as { droplet: StoredDroplet }).droplet), links };
}

/** Stops the droplet's processes (after any runtime call still running for it), then forgets it. */
async function destroyDroplet(core: EmulatorCore, droplet: StoredDroplet): Promise<void> {
  const runtime = core.runtime;
  if (runtime) {
    try {
      await core.actions.serialize(droplet.id, () => runtime.destroy(toLabDroplet(droplet, core.state)));
    } catch (error) {
      throw new ApiError(
        500,
        'server_error',
        `Deleting droplet ${droplet.name} (${droplet.id}) failed on the lab: ${(error as Error).message}. Retry the delete.`,
      );
    }
  }
  core.state.droplets = core.state.droplets.filter((candidate) => candidate !== droplet);
  const vpc = core.state.vpcs.find((candidate) => candidate.id === droplet.vpcUuid);
  if (vpc) vpc.memberLeftAt = Date.now();
  for (const firewall of core.state.firewalls) {
    firewall.dropletIds = firewall.dropletIds.filter((id) => id !== droplet.id);
  }
  core.changed();
}

export const dropletRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v2/droplets',
    handler: ({ body }, core) => ({ status: 202, body: createDroplets(core, body) }),
  },
  {
    method: 'GET',
    pattern: '/v2/droplets',
    handler: ({ query }, core) => {
      const tag = query.get('tag_name');
      const name = query.get('name');
      const matching = core.state.droplets.filter(
        (droplet) => (tag === null || droplet.tags.includes(tag)) && (name === null || droplet.name === name),
      );
      const page = paginate(
        matching.map((droplet) => presentDroplet(core, droplet)),
        query,
        `${core.apiUrl}/droplets`,
      );
      return { status: 200, body: { droplets: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/v2/droplets',
    handler: async ({ query }, core) => {
      const tag = query.get('tag_name');
      if (!tag) throw unprocessable('tag_name', 'is required to delete droplets by tag');
      if (!core.state.tags.some((candidate) => candidate.name === tag)) throw notFound(`Tag ${tag}`);
      const tagged = core.state.droplets.filter((droplet) => droplet.tags.includes(tag));
      await Promise.all(tagged.map((droplet) => destroyDroplet(core, droplet)));
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/droplets/:droplet_id',
    handler: ({ params }, core) => ({
      status: 200,
      body: { droplet: presentDroplet(core, core.requireDroplet(params.droplet_id)) },
    }),
  },
  {
    method: 'DELETE',
    pattern: '/v2/droplets/:droplet_id',
    handler: async ({ params }, core) => {
      await destroyDroplet(core, core.requireDroplet(params.droplet_id));
      return { status: 204 };
    },
  },
];
