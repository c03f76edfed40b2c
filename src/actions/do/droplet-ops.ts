// droplets.ensure / list / action / delete: what each does against the API, and the results it publishes.

import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import type { DropletRow } from '../../contract/views.js';
import { FAULT_COMPLETED_SOURCE } from '../../drill/phases.js';
import {
  type DropletSummary,
  ensureDroplets,
  listDroplets,
  type RawDroplet,
  summarizeDroplet,
  waitForActive,
  waitUntilGone,
} from '../../targets/digitalocean/droplets.js';
import { inventoryFor } from '../../targets/digitalocean/inventory.js';
import { FAULT_ACTIONS, runPowerAction } from '../../targets/digitalocean/power.js';
import { describeCost, findSizePrice } from '../../targets/digitalocean/pricing.js';
import { findVpc } from '../../targets/digitalocean/resources.js';
import type { ApiSession } from '../../targets/digitalocean/session.js';
import { DoStepError } from '../../targets/digitalocean/session.js';
import { publishJumpHost } from './jump-host.js';
import { looksLikeUuid } from './preview.js';
import { renderUserData } from './render.js';
import type { SpecOf } from './schema.js';
import { explainSizeUnavailable, isSizeUnavailable } from './size-hint.js';

const ENSURE_WAIT_MS = 15 * 60_000;
const ACTION_WAIT_MS = 5 * 60_000;
const LOCK_WAIT_MS = 2 * 60_000;

export interface DropletsData {
  droplets: Record<string, DropletSummary>;
  names: string[];
  created?: string[];
  adopted?: string[];
}

type InventoryOverride = SpecOf<'droplets.ensure'>['inventory'];

function publishInventory(ctx: ActionContext, droplets: DropletSummary[], override: InventoryOverride): void {
  if (override === false) return;
  const port = override?.port === undefined ? undefined : Number(override.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new DoStepError(`inventory.port "${override?.port}" is not a port number`);
  }
  for (const droplet of droplets) {
    const node = inventoryFor(droplet, { port, kind: override?.kind });
    if (node) ctx.publish(`inventory.${droplet.name}`, node);
  }
}

function dropletsData(droplets: RawDroplet[], extra: Partial<DropletsData> = {}): DropletsData {
  const summaries = droplets.map(summarizeDroplet);
  return {
    droplets: Object.fromEntries(summaries.map((summary) => [summary.name, summary])),
    names: summaries.map((summary) => summary.name),
    ...extra,
  };
}

function addresses(droplets: DropletSummary[]): string {
  return droplets
    .map((droplet) => `${droplet.name} ${droplet.private_ip ?? '(no private ip yet)'}`)
    .join(', ');
}

async function resolveVpcUuid(session: ApiSession, vpc: string | undefined): Promise<string | undefined> {
  if (!vpc || looksLikeUuid(vpc)) return vpc;
  const found = await findVpc(session, vpc);
  if (!found)
    throw new DoStepError(`no VPC named ${vpc}; create it first with op: vpc.ensure (name: ${vpc})`);
  return found.id;
}

export async function costMessage(session: ApiSession, spec: SpecOf<'droplets.ensure'>): Promise<string> {
  const existing = await listDroplets(session);
  const present = spec.names.filter((name) => existing.some((droplet) => droplet.name === name));
  const count = spec.names.length - present.length;
  const price = count > 0 ? await findSizePrice(session, spec.size) : undefined;
  return describeCost({ count, size: spec.size, region: spec.region, price, adopted: present.length });
}

/** raw: the block as written, so a size the region lacks is explained with the --var names it came from. */
export async function ensureDropletsOp(
  session: ApiSession,
  spec: SpecOf<'droplets.ensure'>,
  ctx: ActionContext,
  raw: SpecOf<'droplets.ensure'> = spec,
): Promise<ActionOutcome> {
  const notify = (line: string) => ctx.output(line, 'info');
  const vpcUuid = await resolveVpcUuid(session, spec.vpc);
  const userData = spec.user_data ? renderUserData(ctx, spec.user_data) : undefined;
  const result = await ensureDroplets(
    session,
    {
      names: spec.names,
      region: spec.region,
      size: spec.size,
      image: spec.image,
      tags: spec.tags,
      ...(vpcUuid ? { vpc_uuid: vpcUuid } : {}),
      // A key id rendered from {{ ssh_key.id }} is text; the API wants ids as numbers (fingerprints as text).
      ...(spec.ssh_keys
        ? {
            ssh_keys: spec.ssh_keys.map((key) =>
              typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key,
            ),
          }
        : {}),
      ...(spec.monitoring !== undefined ? { monitoring: spec.monitoring } : {}),
      ...(userData !== undefined ? { user_data: userData } : {}),
    },
    {
      notify,
      beforeCreate: async (missing, adopted) => {
        const price = await findSizePrice(session, spec.size);
        notify(
          describeCost({
            count: missing.length,
            size: spec.size,
            region: spec.region,
            price,
            adopted: adopted.length,
          }),
        );
      },
    },
  ).catch(async (error: unknown) => {
    throw isSizeUnavailable(error) ? await explainSizeUnavailable(session, error, spec, raw) : error;
  });
  for (const name of result.adopted) notify(`adopted existing droplet ${name}`);
  const droplets =
    spec.wait === 'active'
      ? await waitForActive(session, ctx, {
          names: spec.names,
          tag: spec.tags[0],
          created: result.created,
          timeoutMs: ctx.action.timeoutMs ?? ENSURE_WAIT_MS,
        })
      : result.droplets;
  const data = dropletsData(droplets, { created: result.created, adopted: result.adopted });
  const summaries = Object.values(data.droplets);
  publishInventory(ctx, summaries, spec.inventory);
  if (spec.jump_host) await publishJumpHost(ctx, summaries);
  const state = spec.wait === 'active' ? 'active' : 'requested';
  return {
    ok: true,
    summary: `${summaries.length} droplets ${state} (${result.created.length} created, ${result.adopted.length} adopted): ${addresses(summaries)}`,
    data,
    view: { kind: 'droplets', droplets: summaries.map(dropletRow) },
  };
}

/** A droplet as the droplets view shows it. */
function dropletRow(droplet: DropletSummary): DropletRow {
  return {
    name: droplet.name,
    status: droplet.status,
    privateIp: droplet.private_ip,
    region: droplet.region,
    priceHourly: droplet.price_hourly,
  };
}

export async function listDropletsOp(
  session: ApiSession,
  spec: SpecOf<'droplets.list'>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const droplets = await listDroplets(session, spec.tag);
  const data = dropletsData(droplets);
  const summaries = Object.values(data.droplets);
  publishInventory(ctx, summaries, spec.inventory);
  return {
    ok: true,
    summary: `${summaries.length} droplets tagged ${spec.tag}${summaries.length ? `: ${addresses(summaries)}` : ''}`,
    data,
    view: { kind: 'droplets', droplets: summaries.map(dropletRow) },
  };
}

/** The droplets a names:/tag: selection means; every name must exist. */
async function selectDroplets(
  session: ApiSession,
  selection: { names?: string[]; tag?: string },
): Promise<RawDroplet[]> {
  const listed = await listDroplets(session, selection.tag);
  if (!selection.names) {
    if (listed.length === 0) throw new DoStepError(`no droplets are tagged ${selection.tag}`);
    return listed;
  }
  const missing = selection.names.filter((name) => !listed.some((droplet) => droplet.name === name));
  if (missing.length > 0) {
    throw new DoStepError(
      `no droplet named ${missing.join(', ')}; known: ${listed.map((d) => d.name).join(', ') || 'none'}`,
    );
  }
  return selection.names.map((name) => listed.find((droplet) => droplet.name === name) as RawDroplet);
}

export async function dropletActionOp(
  session: ApiSession,
  spec: SpecOf<'droplets.action'>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const droplets = await selectDroplets(session, spec);
  const notify = (line: string) => ctx.output(line, 'info');
  const isFault = FAULT_ACTIONS.has(spec.type);
  const started = await runPowerAction(session, ctx, {
    droplets,
    type: spec.type,
    wait: spec.wait,
    timeoutMs: ctx.action.timeoutMs ?? ACTION_WAIT_MS,
    lockWaitMs: LOCK_WAIT_MS,
    notify,
    onAccepted: ({ droplet, action }) => {
      const summary = summarizeDroplet(droplet);
      const detail = `${summary.name} ${summary.private_ip ?? ''}`.trim();
      if (isFault) ctx.timeline('fault', spec.type, detail);
      notify(`${spec.type} accepted for ${detail} (action ${action.id})`);
    },
  });
  if (isFault && spec.wait) {
    // Also put the completion on the timeline (from the API's completed_at, on the run's monotonic axis),
    // so the report can say how far the acceptance it counts RTOs from was from the fault's real end.
    for (const { droplet, action } of started) {
      if (action.status !== 'completed') continue;
      const completedAgo = Math.max(0, Date.now() - (Date.parse(action.completed_at ?? '') || Date.now()));
      const summary = summarizeDroplet(droplet);
      const detail = `${summary.name} ${summary.private_ip ?? ''}`.trim();
      ctx.timeline(FAULT_COMPLETED_SOURCE, spec.type, detail, undefined, ctx.now() - completedAgo);
    }
  }
  const data = {
    type: spec.type,
    droplets: Object.fromEntries(
      started.map(({ droplet, action }) => {
        const summary = summarizeDroplet(droplet);
        return [
          summary.name,
          {
            id: summary.id,
            private_ip: summary.private_ip,
            action_id: action.id,
            action_status: action.status,
          },
        ];
      }),
    ),
  };
  const verb = spec.wait ? 'completed' : 'started';
  return {
    ok: true,
    summary: `${spec.type} ${verb} on ${started.map(({ droplet }) => droplet.name).join(', ')}`,
    data,
  };
}

export async function deleteDropletsOp(
  session: ApiSession,
  spec: SpecOf<'droplets.delete'>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const listed = await listDroplets(session, spec.tags[0]);
  const targets = spec.names
    .map((name) => listed.find((droplet) => droplet.name === name))
    .filter((droplet): droplet is RawDroplet => droplet !== undefined)
    .filter((droplet) => spec.tags.every((tag) => droplet.tags.includes(tag)));
  const absent = spec.names.filter((name) => !targets.some((droplet) => droplet.name === name));
  await Promise.all(
    targets.map(async (droplet) => {
      try {
        await session.call((client) => client.droplet.deleteDroplet({ droplet_id: droplet.id }));
      } catch (error) {
        if (!(error instanceof DoStepError) || error.apiError?.status !== 404) throw error;
      }
      ctx.output(`deleted ${droplet.name} (id ${droplet.id})`, 'info');
    }),
  );
  if (targets.length > 0) {
    await waitUntilGone(session, ctx, {
      ids: targets.map((droplet) => droplet.id),
      tag: spec.tags[0],
      timeoutMs: ctx.action.timeoutMs ?? ACTION_WAIT_MS,
    });
  }
  const deleted = targets.map((droplet) => droplet.name);
  return {
    ok: true,
    summary: `deleted ${deleted.length ? deleted.join(', ') : 'nothing'}${absent.length ? `; already absent: ${absent.join(', ')}` : ''}`,
    data: { deleted, absent },
  };
}
