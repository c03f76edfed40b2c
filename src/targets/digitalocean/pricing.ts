// What creating droplets will cost, from the API's own sizes catalogue, for the step's confirmation.
import type { modules } from 'dots-wrapper';
import { allPages } from './pages.js';
import type { ApiSession } from './session.js';

export type Size = modules.size.ISize;

export interface SizePrice {
  slug: string;
  price_hourly: number;
  price_monthly: number;
}

/** Each session's catalogue, read once: a step's confirmation prices the whole run and its own block from it. */
const catalogues = new WeakMap<ApiSession, Promise<Size[]>>();

/** The whole sizes catalogue: each size with its prices and the regions that offer it. */
export function listSizes(session: ApiSession): Promise<Size[]> {
  let catalogue = catalogues.get(session);
  if (!catalogue) {
    catalogue = allPages(
      (query) => session.call((client) => client.size.listSizes(query)),
      (data) => data.sizes,
    );
    catalogues.set(session, catalogue);
    // A read that failed is not kept: the next one asks again.
    catalogue.catch(() => catalogues.delete(session));
  }
  return catalogue;
}

/** The price of one size in a catalogue listSizes read (undefined: the catalogue has no such size). */
export function priceIn(sizes: readonly Size[], slug: string): SizePrice | undefined {
  const size = sizes.find((candidate) => candidate.slug === slug);
  return size ? { slug, price_hourly: size.price_hourly, price_monthly: size.price_monthly } : undefined;
}

export async function findSizePrice(session: ApiSession, slug: string): Promise<SizePrice | undefined> {
  return priceIn(await listSizes(session), slug);
}

/** An amount as the confirmations show it: cents for a month, finer for an hour. */
export function dollars(amount: number, digits: number): string {
  return `$${amount.toFixed(digits)}`;
}

/** e.g. "creates 5 droplets (s-1vcpu-1gb in nyc1) at $0.00893/hour each: $0.04464/hour, $30.00/month in total". */
export function describeCost(options: {
  count: number;
  size: string;
  region: string;
  price: SizePrice | undefined;
  adopted?: number;
}): string {
  const noun = options.count === 1 ? 'droplet' : 'droplets';
  const adopted = options.adopted ? `; adopts ${options.adopted} existing` : '';
  if (options.count === 0) return `creates nothing${adopted}`;
  const head = `creates ${options.count} ${noun} (${options.size} in ${options.region})`;
  if (!options.price)
    return `${head}, price unknown: size ${options.size} is not in the sizes catalogue${adopted}`;
  const hourly = options.price.price_hourly * options.count;
  const monthly = options.price.price_monthly * options.count;
  return `${head} at ${dollars(options.price.price_hourly, 5)}/hour each: ${dollars(hourly, 5)}/hour, ${dollars(monthly, 2)}/month in total${adopted}`;
}
