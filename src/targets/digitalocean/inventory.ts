// What a droplet publishes as `inventory.<name>`, so redis/sentinel steps can address it by name.
import type { InventoryNode, NodeKind } from '../redis/inventory.js';
import type { DropletSummary } from './droplets.js';

export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;

/** Port and kind from the droplet's tags (a tag containing "sentinel" wins over one containing "redis"). */
export function inventoryFor(
  droplet: Pick<DropletSummary, 'private_ip' | 'tags'>,
  override: { port?: number; kind?: NodeKind } = {},
): InventoryNode | undefined {
  if (!droplet.private_ip) return undefined;
  const tagged: NodeKind | undefined = droplet.tags.some((tag) => tag.includes('sentinel'))
    ? 'sentinel'
    : droplet.tags.some((tag) => tag.includes('redis'))
      ? 'redis'
      : undefined;
  const kind = override.kind ?? tagged;
  if (!kind) return undefined;
  const port = override.port ?? (kind === 'sentinel' ? SENTINEL_PORT : REDIS_PORT);
  return { host: droplet.private_ip, port, kind };
}
