import type { EmulatorCore } from '../core.js';
import { notFound, unprocessable } from '../errors.js';
import { paginate } from '../pagination.js';
import type { Route } from '../router.js';
import type { StoredTag } from '../types.js';
import { bodyObject, checkTagName, requiredString } from '../validate.js';

/** Creates the tags that do not exist yet (droplet create and tag create both do this, as the API does). */
export function ensureTags(core: EmulatorCore, names: readonly string[]): void {
  for (const name of names) {
    if (!core.state.tags.some((tag) => tag.name === name)) core.state.tags.push({ name });
  }
}

function presentTag(core: EmulatorCore, tag: StoredTag) {
  const droplets = core.state.droplets.filter((droplet) => droplet.tags.includes(tag.name));
  const last = droplets.at(-1);
  const lastUri = last ? { last_tagged_uri: `${core.apiUrl}/droplets/${last.id}` } : {};
  const none = { count: 0 };
  return {
    name: tag.name,
    resources: {
      count: droplets.length,
      ...lastUri,
      droplets: { count: droplets.length, ...lastUri },
      images: none,
      volumes: none,
      volume_snapshots: none,
      databases: none,
    },
  };
}

function requireTag(core: EmulatorCore, name: string | undefined): StoredTag {
  const tag = core.state.tags.find((candidate) => candidate.name === name);
  if (!tag) throw notFound(`Tag ${name}`);
  return tag;
}

function requestedDroplets(core: EmulatorCore, raw: unknown) {
  const resources = bodyObject(raw).resources;
  if (!Array.isArray(resources) || resources.length === 0) {
    throw unprocessable('resources', 'must be a non-empty array of { resource_id, resource_type }');
  }
  return resources.map((resource: { resource_id?: unknown; resource_type?: unknown }, index) => {
    if (resource?.resource_type !== 'droplet') {
      throw unprocessable(
        `resources[${index}].resource_type`,
        `${JSON.stringify(resource?.resource_type ?? null)} is not supported by the lab emulator (only droplet)`,
      );
    }
    const droplet = core.state.droplets.find(
      (candidate) => String(candidate.id) === String(resource.resource_id),
    );
    if (!droplet) {
      throw unprocessable(
        `resources[${index}].resource_id`,
        `${JSON.stringify(resource.resource_id ?? null)} is not a droplet`,
      );
    }
    return droplet;
  });
}

export const tagRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v2/tags',
    handler: ({ query }, core) => {
      const page = paginate(
        core.state.tags.map((tag) => presentTag(core, tag)),
        query,
        `${core.apiUrl}/tags`,
      );
      return { status: 200, body: { tags: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'POST',
    pattern: '/v2/tags',
    handler: ({ body }, core) => {
      const name = requiredString(bodyObject(body), 'name');
      checkTagName(name, 'name');
      ensureTags(core, [name]);
      core.changed();
      return { status: 201, body: { tag: presentTag(core, requireTag(core, name)) } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/tags/:tag_id',
    handler: ({ params }, core) => ({
      status: 200,
      body: { tag: presentTag(core, requireTag(core, params.tag_id)) },
    }),
  },
  {
    method: 'DELETE',
    pattern: '/v2/tags/:tag_id',
    handler: ({ params }, core) => {
      const tag = requireTag(core, params.tag_id);
      core.state.tags = core.state.tags.filter((candidate) => candidate !== tag);
      for (const droplet of core.state.droplets)
        droplet.tags = droplet.tags.filter((name) => name !== tag.name);
      for (const firewall of core.state.firewalls)
        firewall.tags = firewall.tags.filter((name) => name !== tag.name);
      core.changed();
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    pattern: '/v2/tags/:tag_id/resources',
    handler: ({ params, body }, core) => {
      const tag = requireTag(core, params.tag_id);
      for (const droplet of requestedDroplets(core, body)) {
        if (!droplet.tags.includes(tag.name)) droplet.tags.push(tag.name);
      }
      core.changed();
      return { status: 204 };
    },
  },
  {
    method: 'DELETE',
    pattern: '/v2/tags/:tag_id/resources',
    handler: ({ params, body }, core) => {
      const tag = requireTag(core, params.tag_id);
      for (const droplet of requestedDroplets(core, body))
        droplet.tags = droplet.tags.filter((name) => name !== tag.name);
      core.changed();
      return { status: 204 };
    },
  },
];
