import { notFound } from '../errors.js';
import { paginate } from '../pagination.js';
import { presentAction } from '../present.js';
import type { Route } from '../router.js';

export const actionRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v2/actions',
    handler: ({ query }, core) => {
      // Newest first, as the real API lists them.
      const newestFirst = [...core.state.actions].reverse().map(presentAction);
      const page = paginate(newestFirst, query, `${core.apiUrl}/actions`);
      return { status: 200, body: { actions: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/actions/:action_id',
    handler: ({ params }, core) => {
      const action = core.state.actions.find((candidate) => String(candidate.id) === params.action_id);
      if (!action) throw notFound(`Action ${params.action_id}`);
      return { status: 200, body: { action: presentAction(action) } };
    },
  },
];
