// A droplet create refused because the region does not offer the size (DigitalOcean: 422 "Size is not available
// in this region."). The API's answer says what but not what to do; its sizes catalogue (each size lists the
// regions that offer it) does: the error names the closest sizes the region offers and the regions that offer
// the size asked for, with the --var that changes each when the block took them from variables.
import { dollars, listSizes, type Size } from '../../targets/digitalocean/pricing.js';
import type { ApiSession } from '../../targets/digitalocean/session.js';
import { DoStepError } from '../../targets/digitalocean/session.js';
import { variableOf } from './render.js';
import type { SpecOf } from './schema.js';

type DropletsSpec = SpecOf<'droplets.ensure'>;

/** How many sizes, and how many regions, the error lists: enough to choose from, short enough to read. */
const ALTERNATIVES = 4;

export function isSizeUnavailable(error: unknown): error is DoStepError {
  if (!(error instanceof DoStepError) || error.apiError?.status !== 422) return false;
  return /not available in this region/i.test(error.apiError.apiMessage ?? error.message);
}

/** Closest first: the same vCPUs and memory matter most, then price. */
function closest(wanted: Size | undefined, offered: Size[]): Size[] {
  if (!wanted) return [...offered].sort((a, b) => a.price_monthly - b.price_monthly).slice(0, ALTERNATIVES);
  const distance = (size: Size) =>
    Math.abs(Math.log2(size.memory / wanted.memory)) + Math.abs(Math.log2(size.vcpus / wanted.vcpus));
  return [...offered]
    .sort((a, b) => distance(a) - distance(b) || a.price_monthly - b.price_monthly)
    .slice(0, ALTERNATIVES);
}

const label = (size: Size) => `${size.slug} (${dollars(size.price_monthly, 2)}/month)`;

/** "nyc1, nyc3, sfo3, ams3 and 11 more": a size offered nearly everywhere would otherwise bury the advice. */
function someOf(regions: string[]): string {
  const more = regions.length - ALTERNATIVES;
  return `${regions.slice(0, ALTERNATIVES).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * The API's refusal with what to choose instead; raw: the block as written, to name --var size=/--var region=.
 * A failing catalogue look-up leaves the API's own error as it was.
 */
export async function explainSizeUnavailable(
  session: ApiSession,
  error: DoStepError,
  spec: DropletsSpec,
  raw: DropletsSpec,
): Promise<DoStepError> {
  let sizes: Size[];
  try {
    sizes = await listSizes(session);
  } catch {
    return error;
  }
  const wanted = sizes.find((size) => size.slug === spec.size);
  const offered = sizes.filter((size) => size.available && size.regions.includes(spec.region));
  const sizeVar = variableOf(raw.size);
  const regionVar = variableOf(raw.region);
  const instead = closest(wanted, offered);
  const choose =
    instead.length > 0
      ? `${spec.region} offers ${instead.map(label).join(', ')}${sizeVar ? ` (--var ${sizeVar}=${instead[0]?.slug})` : ''}`
      : `${spec.region} offers no size at all now`;
  const elsewhere = wanted?.regions.filter((region) => region !== spec.region) ?? [];
  const move =
    elsewhere.length > 0
      ? `; or keep ${spec.size} in a region that offers it: ${someOf(elsewhere)}${regionVar ? ` (--var ${regionVar}=${elsewhere[0]})` : ''}`
      : '';
  return new DoStepError(
    `${error.message}. Size ${spec.size} is not offered in region ${spec.region} for ${spec.names.join(', ')}: ${choose}${move}. Nothing was created; run the step again after choosing`,
    error.apiError,
  );
}
