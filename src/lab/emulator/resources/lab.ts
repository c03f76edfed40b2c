import { unprocessable } from '../errors.js';
import { toLabDroplet } from '../lifecycle.js';
import { presentDroplet } from '../present.js';
import type { Route } from '../router.js';

/** Lab-only endpoints, outside the DigitalOcean spec, under /v2/_lab/. */
export const labRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v2/_lab/health',
    anonymous: true,
    handler: (_request, core) => ({
      status: 200,
      body: {
        status: 'ok',
        droplets: core.state.droplets.length,
        actions_in_progress: core.state.actions.filter((action) => action.status === 'in-progress').length,
      },
    }),
  },
  ...(['freeze', 'thaw'] as const).map(
    (operation): Route => ({
      method: 'POST',
      pattern: `/v2/_lab/droplets/:droplet_id/${operation}`,
      handler: async ({ params }, core) => {
        const droplet = core.requireDroplet(params.droplet_id);
        const freezing = operation === 'freeze';
        if (droplet.status !== 'active' || droplet.locked) {
          throw unprocessable(
            'droplet_id',
            `droplet ${droplet.name} is ${droplet.locked ? 'busy with an action' : droplet.status}; only an active droplet can be ${freezing ? 'frozen' : 'thawed'}`,
          );
        }
        const runtime = core.runtime;
        if (runtime && droplet.frozen !== freezing) {
          const lab = toLabDroplet(droplet, core.state);
          await core.actions.serialize(droplet.id, () =>
            freezing ? runtime.freeze(lab) : runtime.thaw(lab),
          );
        }
        droplet.frozen = freezing;
        core.changed();
        return { status: 200, body: { droplet: presentDroplet(core, droplet) } };
      },
    }),
  ),
];
