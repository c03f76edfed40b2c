// Droplets as a step sees them: listed by name/tag, summarized for results, created idempotently.
import type { modules } from 'dots-wrapper';
import type { ActionContext } from '../../contract/action.js';
import { allPages } from './pages.js';
import { type ApiSession, DoStepError } from './session.js';

type RawDroplet = modules.droplet.IDroplet & { lab_error?: string };

export type { RawDroplet };

/** A droplet as later steps address it: `{{ ID.droplets.redis-1.private_ip }}`. */
export interface DropletSummary {
  id: number;
  name: string;
  status: string;
  private_ip: string | null;
  public_ip: string | null;
  tags: string[];
  region: string;
  size: string;
  price_hourly: number | null;
  price_monthly: number | null;
  vpc_uuid: string | null;
  locked: boolean;
}

function address(droplet: RawDroplet, type: 'private' | 'public'): string | null {
  return droplet.networks?.v4?.find((network) => network.type === type)?.ip_address ?? null;
}

export function summarizeDroplet(droplet: RawDroplet): DropletSummary {
  const region = typeof droplet.region === 'string' ? droplet.region : droplet.region?.slug;
  return {
    id: droplet.id,
    name: droplet.name,
    status: droplet.status,
    private_ip: address(droplet, 'private'),
    public_ip: address(droplet, 'public'),
    tags: [...(droplet.tags ?? [])],
    region: region ?? '',
    size: droplet.size_slug ?? droplet.size?.slug ?? '',
    price_hourly: droplet.size?.price_hourly ?? null,
    price_monthly: droplet.size?.price_monthly ?? null,
    vpc_uuid: droplet.vpc_uuid ?? null,
    locked: droplet.locked === true,
  };
}

/** Every droplet (with the tag, when given), following pagination. */
export function listDroplets(session: ApiSession, tag?: string): Promise<RawDroplet[]> {
  return allPages(
    (query) => session.call((client) => client.droplet.listDroplets({ ...query, tag_name: tag })),
    (data) => data.droplets as RawDroplet[],
  );
}

export interface CreateDropletsRequest {
  names: string[];
  region: string;
  size: string;
  image: string | number;
  vpc_uuid?: string;
  tags: string[];
  ssh_keys?: Array<string | number>;
  monitoring?: boolean;
  /** Rendered cloud-init; may hold secrets, so never shown unmasked. */
  user_data?: string;
}

export interface EnsureDropletsResult {
  droplets: RawDroplet[];
  created: string[];
  adopted: string[];
}

/** The API creates at most 10 droplets per request. */
const MAX_NAMES_PER_CREATE = 10;

function hasAllTags(droplet: RawDroplet, tags: string[]): boolean {
  return tags.every((tag) => droplet.tags?.includes(tag));
}

/**
 * Finds each named droplet among the existing ones (same name and every runbook tag) and adopts it; a
 * droplet with the name but not the tags is someone else's, so that is an error rather than a duplicate.
 */
export function matchExisting(
  existing: RawDroplet[],
  request: Pick<CreateDropletsRequest, 'names' | 'tags'>,
): { adopted: Map<string, RawDroplet>; missing: string[] } {
  const adopted = new Map<string, RawDroplet>();
  const missing: string[] = [];
  for (const name of request.names) {
    const sameName = existing.filter((droplet) => droplet.name === name);
    const ours = sameName.filter((droplet) => hasAllTags(droplet, request.tags));
    if (ours.length > 1) {
      throw new DoStepError(
        `${ours.length} droplets are named ${name} with tags ${request.tags.join(', ')} (ids ${ours.map((d) => d.id).join(', ')}); delete the extra one, then re-run the step`,
      );
    }
    const [match] = ours;
    if (match) adopted.set(name, match);
    else if (sameName.length > 0) {
      const [other] = sameName;
      throw new DoStepError(
        `a droplet named ${name} already exists (id ${other?.id}, tags ${other?.tags?.join(', ') || 'none'}) without the tags ${request.tags.join(', ')}; it is not adopted: rename it, tag it, or pick another name`,
      );
    } else missing.push(name);
  }
  return { adopted, missing };
}

/**
 * Creates the named droplets that do not exist yet and adopts those that do. After an ambiguous failure
 * (5xx, timeout, dropped connection) it looks again before sending anything, so a retry never makes a
 * second droplet.
 */
export async function ensureDroplets(
  session: ApiSession,
  request: CreateDropletsRequest,
  hooks: {
    notify: (line: string) => void;
    /** Called once, before the first create request, with the names about to be created. */
    beforeCreate?: (missing: string[], adopted: string[]) => Promise<void>;
  },
): Promise<EnsureDropletsResult> {
  const { notify } = hooks;
  let announced = false;
  const created = new Set<string>();
  let adoptedAtStart: string[] | undefined;
  for (let attempt = 0; ; attempt++) {
    // All droplets, not just the tagged ones: a same-named droplet without our tags must be seen, not duplicated.
    const existing = await listDroplets(session);
    const { adopted, missing } = matchExisting(existing, request);
    adoptedAtStart ??= [...adopted.keys()];
    if (missing.length === 0) {
      const droplets = request.names.map((name) => adopted.get(name) as RawDroplet);
      for (const name of adopted.keys()) if (!adoptedAtStart.includes(name)) created.add(name);
      return { droplets, created: [...created], adopted: adoptedAtStart };
    }
    if (!announced) {
      announced = true;
      await hooks.beforeCreate?.(missing, adoptedAtStart);
    }
    try {
      for (let i = 0; i < missing.length; i += MAX_NAMES_PER_CREATE) {
        const names = missing.slice(i, i + MAX_NAMES_PER_CREATE);
        const data = await session.call(
          (client) => client.droplet.createDroplets({ ...request, names }),
          'rejected-only',
        );
        for (const droplet of data.droplets as RawDroplet[]) {
          created.add(droplet.name);
          adopted.set(droplet.name, droplet);
        }
      }
      const droplets = request.names.map((name) => adopted.get(name) as RawDroplet);
      return { droplets, created: [...created], adopted: adoptedAtStart };
    } catch (error) {
      await session.waitToLookAgain(error, attempt, 'the droplets', notify);
    }
  }
}

function createFailure(droplet: RawDroplet, createdNow: boolean): string | undefined {
  if (droplet.lab_error) return `${droplet.name}: ${droplet.lab_error}`;
  if (droplet.status === 'off' || droplet.status === 'archive') {
    return createdNow
      ? `${droplet.name} is ${droplet.status} right after creation`
      : `${droplet.name} exists but is ${droplet.status}; power it on (droplets.action type: power_on) and re-run`;
  }
  return undefined;
}

/** Waits, in one shared loop, until every named droplet is active with a private address. */
export async function waitForActive(
  session: ApiSession,
  ctx: Pick<ActionContext, 'progress' | 'now'>,
  options: { names: string[]; tag?: string; created: string[]; timeoutMs: number },
): Promise<RawDroplet[]> {
  let latest: RawDroplet[] = [];
  await session.poll(ctx, {
    timeoutMs: options.timeoutMs,
    what: 'droplets active',
    round: async () => {
      const listed = await listDroplets(session, options.tag);
      latest = options.names
        .map((name) => listed.find((droplet) => droplet.name === name))
        .filter((droplet): droplet is RawDroplet => droplet !== undefined);
      const gone = options.names.filter((name) => !latest.some((droplet) => droplet.name === name));
      const failures = latest
        .map((droplet) => createFailure(droplet, options.created.includes(droplet.name)))
        .filter((failure): failure is string => failure !== undefined);
      if (gone.length > 0)
        failures.push(`${gone.join(', ')} disappeared while waiting (deleted by someone else?)`);
      const done = latest.filter(
        (droplet) => droplet.status === 'active' && address(droplet, 'private'),
      ).length;
      return {
        done,
        total: options.names.length,
        ...(failures.length ? { failure: failures.join('; ') } : {}),
      };
    },
  });
  return latest;
}

/** Waits, in one shared loop, until none of the droplets is listed any more. */
export async function waitUntilGone(
  session: ApiSession,
  ctx: Pick<ActionContext, 'progress' | 'now'>,
  options: { ids: number[]; tag?: string; timeoutMs: number },
): Promise<void> {
  await session.poll(ctx, {
    timeoutMs: options.timeoutMs,
    what: 'droplets deleted',
    round: async () => {
      const listed = await listDroplets(session, options.tag);
      const remaining = options.ids.filter((id) => listed.some((droplet) => droplet.id === id)).length;
      return { done: options.ids.length - remaining, total: options.ids.length };
    },
  });
}
