// vpc.ensure and vpc.delete, with DigitalOcean's VPC rules: the first VPC of a region becomes its default
// (never deletable), ranges may not overlap another VPC of the account (422), and a VPC refuses deletion
// (403) while it has members and for a while after they are gone.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import {
  ensureVpc,
  findVpc,
  listVpcs,
  type Vpc,
  type VpcRequest,
} from '../../targets/digitalocean/resources.js';
import { type ApiSession, DoStepError } from '../../targets/digitalocean/session.js';
import { variableOf } from './render.js';
import type { SpecOf } from './schema.js';
import { decideDefault, separateName } from './vpc-default.js';

/** How long vpc.delete keeps retrying DigitalOcean's 403 "still has members" (Terraform waits minutes too). */
export const VPC_DELETE_PATIENCE_MS = 5 * 60_000;

function octets(cidr: string): { address: number[]; prefix: string } | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  return match ? { address: match.slice(1, 5).map(Number), prefix: match[5] as string } : undefined;
}

/**
 * The range the API reports is the one asked for — or, on drillbook's loopback lab, that range mapped onto
 * 127.0.0.0/8 keeping the low octets (10.A.B.C/n → 127.A.B.C/n, the lab's documented mapping).
 */
export function sameRange(asked: string, reported: string): boolean {
  if (asked === reported) return true;
  const a = octets(asked);
  const r = octets(reported);
  if (!a || !r || a.prefix !== r.prefix || r.address[0] !== 127) return false;
  return a.address.slice(1).join('.') === r.address.slice(1).join('.');
}

/**
 * What the confirmation says about the VPC before it is created: whether it is adopted or created, and
 * (as a warning beside it) when DigitalOcean would make it the region's undeletable default VPC.
 */
export async function vpcConfirmation(
  session: ApiSession,
  spec: SpecOf<'vpc.ensure'>,
): Promise<{ does: string; message?: string }> {
  const vpcs = await listVpcs(session);
  if (vpcs.some((vpc) => vpc.name === spec.name)) return { does: `adopts the existing VPC ${spec.name}` };
  const range = spec.ip_range ? ` (${spec.ip_range})` : '';
  const does = `creates the VPC ${spec.name}${range} in ${spec.region}`;
  if (vpcs.some((vpc) => vpc.region === spec.region)) return { does };
  const then =
    spec.if_default === 'separate'
      ? `${separateName(spec)} is created first as its default, so ${spec.name} stays deletable`
      : spec.if_default === 'stop'
        ? `the step stops rather than make ${spec.name} its undeletable default VPC`
        : spec.if_default === 'accept'
          ? `${spec.name} becomes its default VPC, which can never be deleted (free; teardown leaves it in place)`
          : `${spec.name} would become its default VPC, which can never be deleted: the step then offers a separate default VPC first or adopting an existing one`;
  return { does, message: `${spec.region} has no VPC yet: ${then}` };
}

function overlapHint(error: DoStepError, spec: SpecOf<'vpc.ensure'>): DoStepError {
  const message = error.apiError?.apiMessage ?? error.message;
  if (error.apiError?.status !== 422 || !/overlap/i.test(message)) return error;
  return new DoStepError(
    `${error.message}. The range ${spec.ip_range} is taken by another network of the account (named above); ` +
      'choose a free private range, e.g. --var vpc_range=10.20.0.0/24, and run the step again',
    error.apiError,
  );
}

/** The create request: the block's API fields, without the fields that steer vpc.ensure itself. */
function vpcRequest(spec: SpecOf<'vpc.ensure'>): VpcRequest {
  const { name, region, ip_range, description } = spec;
  return { name, region, ...(ip_range ? { ip_range } : {}), ...(description ? { description } : {}) };
}

/**
 * raw: the block as written, before {{ }} were filled: adopting another VPC (the operator's choice when the
 * region has none) redirects the variables its name, range and region came from, so later steps follow.
 */
export async function ensureVpcOp(
  session: ApiSession,
  spec: SpecOf<'vpc.ensure'>,
  ctx: ActionContext,
  raw: SpecOf<'vpc.ensure'> = spec,
): Promise<ActionOutcome> {
  const notify = (line: string) => ctx.output(line, 'info');
  const vpcs = await listVpcs(session);
  const wouldBeDefault =
    !vpcs.some((vpc) => vpc.name === spec.name) && !vpcs.some((vpc) => vpc.region === spec.region);
  const decision = wouldBeDefault ? await decideDefault(spec, raw, vpcs, ctx) : undefined;
  if (decision?.kind === 'adopt') return adoptInstead(decision.vpc, raw, ctx);
  let vpc: Vpc;
  let created: boolean;
  try {
    if (decision?.kind === 'separate') {
      const other = await ensureVpc(
        session,
        {
          name: decision.name,
          region: spec.region,
          ...(decision.ip_range ? { ip_range: decision.ip_range } : {}),
          description: `Default VPC of ${spec.region}, created first so that ${spec.name} stays deletable`,
        },
        notify,
      );
      notify(
        `VPC ${other.value.name} (${other.value.ip_range}) ${other.created ? 'created' : 'adopted'} as the default VPC of ${spec.region}${other.value.default ? '' : ' — yet it is not the default: check the region'}; it stays after teardown (free)`,
      );
    }
    ({ value: vpc, created } = await ensureVpc(session, vpcRequest(spec), notify));
  } catch (error) {
    throw error instanceof DoStepError ? overlapHint(error, spec) : error;
  }
  if (!created && vpc.region !== spec.region) {
    throw new DoStepError(
      `VPC ${spec.name} already exists in ${vpc.region}, not ${spec.region}; VPCs are regional: use another name or region`,
    );
  }
  if (!created && spec.ip_range && !sameRange(spec.ip_range, vpc.ip_range)) {
    throw new DoStepError(
      `VPC ${spec.name} already exists with the range ${vpc.ip_range}, not ${spec.ip_range}: adopting it would put the cluster on addresses the runbook does not expect. Use its range (--var vpc_range=${vpc.ip_range}) or another VPC name (--var vpc_name=…)`,
    );
  }
  if (vpc.description) notify(`VPC ${vpc.name}: ${vpc.description}`);
  if (created && vpc.default) {
    notify(
      `VPC ${vpc.name} became the default VPC of ${vpc.region} (the region had none); it cannot be deleted later`,
    );
  }
  return vpcOutcome(vpc, created);
}

function vpcOutcome(vpc: Vpc, created: boolean): ActionOutcome {
  return {
    ok: true,
    summary: `VPC ${vpc.name} ${created ? 'created' : 'adopted'}: ${vpc.ip_range} in ${vpc.region}${vpc.default ? ' (region default)' : ''}`,
    data: {
      id: vpc.id,
      name: vpc.name,
      region: vpc.region,
      ip_range: vpc.ip_range,
      description: vpc.description,
      default: Boolean(vpc.default),
      created,
    },
  };
}

/** The operator chose an existing VPC: later steps read its name, range and region from the block's variables. */
function adoptInstead(vpc: Vpc, raw: SpecOf<'vpc.ensure'>, ctx: ActionContext): ActionOutcome {
  const redirected: string[] = [];
  for (const [field, value] of [
    [raw.name, vpc.name],
    [raw.region, vpc.region],
    [raw.ip_range, vpc.ip_range],
  ] as const) {
    const variable = variableOf(field);
    if (!variable) continue;
    ctx.publish(`vars.${variable}`, value);
    redirected.push(`${variable}=${value}`);
  }
  ctx.output(
    `adopting VPC ${vpc.name} instead: later steps use ${redirected.join(', ')} (headless: --var ${redirected.join(' --var ')})`,
    'info',
  );
  if (!vpc.default) {
    ctx.output(
      `the teardown's vpc.delete would delete ${vpc.name}: it asks you to type its name first`,
      'info',
    );
  }
  return vpcOutcome(vpc, false);
}

/**
 * Deletes the VPC; a region's default VPC is reported as left in place (DigitalOcean never deletes it),
 * and a 403 "still has members" — which DigitalOcean answers for a while after the droplets are gone — is
 * retried with backoff for up to VPC_DELETE_PATIENCE_MS.
 */
export async function deleteVpcOp(
  session: ApiSession,
  spec: SpecOf<'vpc.delete'>,
  ctx: Pick<ActionContext, 'output'>,
  patienceMs = VPC_DELETE_PATIENCE_MS,
): Promise<ActionOutcome> {
  const vpc = await findVpc(session, spec.name);
  if (!vpc) return { ok: true, summary: `VPC ${spec.name} already absent`, data: { deleted: false } };
  if (vpc.default) {
    return {
      ok: true,
      summary: `VPC ${spec.name} left in place: it is the default VPC of ${vpc.region}, which DigitalOcean never deletes (it costs nothing)`,
      data: { deleted: false, default: true, id: vpc.id },
    };
  }
  const deadline = Date.now() + patienceMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await session.call((client) => client.vpc.deleteVpc({ vpc_id: vpc.id }));
      break;
    } catch (error) {
      if (!(error instanceof DoStepError)) throw error;
      if (error.apiError?.status === 404) break;
      const wait = session.backoff(attempt);
      if (error.apiError?.status !== 403 || Date.now() + wait > deadline) {
        if (error.apiError?.status !== 403) throw error;
        throw new DoStepError(
          `${error.apiError.message}. VPC ${spec.name} still refused deletion after ${Math.round(patienceMs / 1000)} s; list what is left in it (doctl vpcs list-members ${vpc.id}) and delete it, then run this step again`,
          error.apiError,
        );
      }
      ctx.output(
        `VPC ${spec.name} not deletable yet (403: ${error.apiError.apiMessage ?? 'still has members'}); retrying in ${(wait / 1000).toFixed(1)} s`,
        'info',
      );
      await sleep(wait, undefined, { signal: session.signal });
    }
  }
  return { ok: true, summary: `VPC ${spec.name} deleted`, data: { deleted: true, id: vpc.id } };
}
