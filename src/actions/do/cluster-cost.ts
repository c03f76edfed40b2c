// The whole run's droplet cost, shown in the runbook's first mutating `do` confirmation: an operator agrees
// to the cluster (nodes and jump host), not to one block at a time.
import type { ActionContext } from '../../contract/action.js';
import type { ActionBlock } from '../../contract/runbook.js';
import { dollars, listSizes, priceIn } from '../../targets/digitalocean/pricing.js';
import type { ApiSession } from '../../targets/digitalocean/session.js';
import type { DoSpec } from './schema.js';

function doBlocks(ctx: Pick<ActionContext, 'runbook'>): ActionBlock[] {
  return ctx.runbook.steps.flatMap((step) => step.actions.filter((action) => action.kind === 'do'));
}

/** Whether `action` is the first `do` block of the runbook that changes anything. */
export function isFirstMutatingDo(ctx: Pick<ActionContext, 'runbook' | 'action'>): boolean {
  const first = doBlocks(ctx).find((block) => block.safety !== 'safe');
  return (
    first !== undefined && first.loc.line === ctx.action.loc.line && first.loc.file === ctx.action.loc.file
  );
}

/** "the whole run creates 6 droplets: $0.0506/hour, $34.00/month (5 × s-1vcpu-1gb, 1 × s-1vcpu-512mb-10gb)". */
export async function clusterCost(
  session: ApiSession,
  ctx: Pick<ActionContext, 'runbook' | 'render'>,
): Promise<string | undefined> {
  const counts = new Map<string, number>();
  for (const block of doBlocks(ctx)) {
    const spec = block.spec as DoSpec;
    if (spec.op !== 'droplets.ensure') continue;
    let size: string;
    try {
      size = ctx.render(spec.size);
    } catch {
      return undefined;
    }
    counts.set(size, (counts.get(size) ?? 0) + spec.names.length);
  }
  if (counts.size === 0) return undefined;
  // One read of the catalogue (every page of it) prices every size, rather than one read per size.
  const sizes = await listSizes(session);
  let hourly = 0;
  let monthly = 0;
  const parts: string[] = [];
  let total = 0;
  for (const [size, count] of counts) {
    const price = priceIn(sizes, size);
    total += count;
    parts.push(`${count} × ${size}${price ? '' : ' (price unknown)'}`);
    hourly += (price?.price_hourly ?? 0) * count;
    monthly += (price?.price_monthly ?? 0) * count;
  }
  return `the whole run creates ${total} droplets: ${dollars(hourly, 4)}/hour, ${dollars(monthly, 2)}/month while they exist (${parts.join(', ')}); the last step deletes them`;
}
