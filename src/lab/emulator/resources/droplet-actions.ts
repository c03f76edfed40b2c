import type { EmulatorCore } from '../core.js';
import { notFound, pendingEvent, unprocessable } from '../errors.js';
import { powerActionTypes } from '../lifecycle.js';
import { paginate } from '../pagination.js';
import { presentAction } from '../present.js';
import type { Route } from '../router.js';
import { bodyObject, optionalString } from '../validate.js';

function requestedType(raw: unknown): string {
  const type = optionalString(bodyObject(raw), 'type');
  if (!type) throw unprocessable('type', `is required: one of ${powerActionTypes.join(', ')}`);
  if (!(powerActionTypes as readonly string[]).includes(type)) {
    throw unprocessable(
      'type',
      `"${type}" is not supported by the lab emulator: use one of ${powerActionTypes.join(', ')}`,
    );
  }
  return type;
}

function requireTaggedDroplets(core: EmulatorCore, tag: string | null) {
  if (!tag) throw unprocessable('tag_name', 'is required to act on droplets by tag');
  const tagged = core.state.droplets.filter((droplet) => droplet.tags.includes(tag));
  if (tagged.length === 0) throw notFound(`Droplets tagged ${tag}`);
  return tagged;
}

export const dropletActionRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v2/droplets/actions',
    handler: ({ query, body }, core) => {
      const type = requestedType(body);
      const tagged = requireTaggedDroplets(core, query.get('tag_name'));
      const locked = tagged.filter((droplet) => droplet.locked);
      if (locked.length > 0) {
        throw unprocessable(
          'tag_name',
          `Droplet already has a pending event: ${locked.map((droplet) => droplet.name).join(', ')} (wait for their actions to complete).`,
        );
      }
      const actions = tagged.map((droplet) => core.startAction(droplet, type));
      core.changed();
      return { status: 201, body: { actions: actions.map(presentAction) } };
    },
  },
  {
    method: 'POST',
    pattern: '/v2/droplets/:droplet_id/actions',
    handler: ({ params, body }, core) => {
      const droplet = core.requireDroplet(params.droplet_id);
      const type = requestedType(body);
      if (droplet.locked) throw pendingEvent();
      const action = core.startAction(droplet, type);
      core.changed();
      return { status: 201, body: { action: presentAction(action) } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/droplets/:droplet_id/actions',
    handler: ({ params, query }, core) => {
      const droplet = core.requireDroplet(params.droplet_id);
      const own = core.state.actions.filter((action) => action.dropletId === droplet.id).reverse();
      const page = paginate(own.map(presentAction), query, `${core.apiUrl}/droplets/${droplet.id}/actions`);
      return { status: 200, body: { actions: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/droplets/:droplet_id/actions/:action_id',
    handler: ({ params }, core) => {
      const droplet = core.requireDroplet(params.droplet_id);
      const action = core.state.actions.find(
        (candidate) => String(candidate.id) === params.action_id && candidate.dropletId === droplet.id,
      );
      if (!action) throw notFound(`Action ${params.action_id} of droplet ${droplet.id}`);
      return { status: 200, body: { action: presentAction(action) } };
    },
  },
];
