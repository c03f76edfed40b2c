// vpc.ensure and vpc.delete, with DigitalOcean's VPC rules: the first VPC of a region becomes its default
// (never deletable), ranges may not overlap another VPC of the account (422), and a VPC refuses deletion
// (403) while it has members and for a while after they are gone.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { ensureVpc, findVpc, listVpcs, type Vpc } from '../../targets/digitalocean/resources.js';
import { type ApiSession, DoStepError } from '../../targets/digitalocean/session.js';
import type { SpecOf } from './schema.js';

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
  return {
    does,
    message:
      `${spec.region} has no VPC yet: DigitalOcean makes it the ` +
      `region's default VPC, which can never be deleted (it costs nothing; teardown leaves it in place). To avoid ` +
      `that, create another VPC in ${spec.region} first, or choose a region that already has one (--var region=…)`,
  };
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

export async function ensureVpcOp(
  session: ApiSession,
  spec: SpecOf<'vpc.ensure'>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const { op: _op, ...request } = spec;
  let vpc: Vpc;
  let created: boolean;
  try {
    ({ value: vpc, created } = await ensureVpc(session, request, (line) => ctx.output(line, 'info')));
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
  if (vpc.description) ctx.output(`VPC ${vpc.name}: ${vpc.description}`, 'info');
  if (created && vpc.default) {
    ctx.output(
      `VPC ${vpc.name} became the default VPC of ${vpc.region} (the region had none); it cannot be deleted later`,
      'info',
    );
  }
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
