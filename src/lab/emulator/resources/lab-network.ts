import type { LabNetwork } from '../../network/lab-network.js';
import type { EmulatorCore } from '../core.js';
import { ApiError, unprocessable } from '../errors.js';
import type { Route } from '../router.js';
import type { StoredDroplet } from '../types.js';
import { bodyObject, requiredString, stringArray } from '../validate.js';

/**
 * Lab-only network faults, outside the DigitalOcean spec: partitions (and netem delay/loss where the kernel
 * has it). Only the container lab has a network to cut; the loopback lab answers 422 saying so.
 */
function requireNetwork(core: EmulatorCore, what: string): LabNetwork {
  const network = core.runtime?.network;
  if (!network) {
    throw new ApiError(
      422,
      'unprocessable_entity',
      `${what} needs the container lab (drillbook lab up --mode container, or run with --lab-mode container): in the loopback lab every droplet shares this machine's loopback, so there is no network to cut`,
    );
  }
  return network;
}

function dropletsNamed(core: EmulatorCore, names: string[], field: string): StoredDroplet[] {
  return names.map((name, index) => {
    const found = core.state.droplets.filter(
      (droplet) => droplet.name === name || String(droplet.id) === name,
    );
    if (found.length !== 1) {
      const known = core.state.droplets.map((droplet) => droplet.name).join(', ') || 'none';
      throw unprocessable(
        `${field}[${index}]`,
        found.length === 0
          ? `"${name}" is not a droplet of the lab (it has ${known})`
          : `"${name}" names ${found.length} droplets; use their ids`,
      );
    }
    return found[0] as StoredDroplet;
  });
}

function nonNegative(body: Record<string, unknown>, field: string, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max)
    throw unprocessable(field, `must be a number from 0 to ${max}`);
  return value;
}

export const labNetworkRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v2/_lab/partitions',
    handler: async ({ body }, core) => {
      const network = requireNetwork(core, 'a partition');
      const request = bodyObject(body);
      const name = requiredString(request, 'name');
      const direction = request.direction ?? 'both';
      if (direction !== 'both' && direction !== 'one-way')
        throw unprocessable('direction', 'is both or one-way');
      const from = dropletsNamed(core, stringArray(request, 'from'), 'from');
      const to =
        request.to === 'operator' ? 'operator' : dropletsNamed(core, stringArray(request, 'to'), 'to');
      try {
        const partition = await network.partition({ name, from, to, direction });
        return { status: 201, body: { partition } };
      } catch (error) {
        throw unprocessable('partition', (error as Error).message);
      }
    },
  },
  {
    method: 'DELETE',
    pattern: '/v2/_lab/partitions',
    handler: async (_request, core) => {
      const healed = await requireNetwork(core, 'heal').heal();
      return { status: 200, body: { healed } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/v2/_lab/partitions/:name',
    handler: async ({ params }, core) => {
      try {
        const healed = await requireNetwork(core, 'heal').heal(params.name);
        return { status: 200, body: { healed } };
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw unprocessable('name', (error as Error).message);
      }
    },
  },
  {
    method: 'POST',
    pattern: '/v2/_lab/droplets/:droplet/impair',
    handler: async ({ params, body }, core) => {
      const [droplet] = dropletsNamed(core, [params.droplet ?? ''], 'droplet') as [StoredDroplet];
      const request = bodyObject(body);
      const delayMs = nonNegative(request, 'delay_ms', 60_000);
      const lossPercent = nonNegative(request, 'loss_percent', 100);
      const network = requireNetwork(core, 'delay/loss');
      try {
        await network.impair(droplet, { delayMs, lossPercent });
      } catch (error) {
        throw unprocessable('impair', (error as Error).message);
      }
      return {
        status: 200,
        body: {
          droplet: { id: droplet.id, name: droplet.name },
          delay_ms: delayMs,
          loss_percent: lossPercent,
        },
      };
    },
  },
];
