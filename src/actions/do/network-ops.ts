// account.get, vpc.ensure / vpc.delete, firewall.ensure, tags.ensure.

import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { ensureFirewall, ensureTags, ensureVpc, findVpc } from '../../targets/digitalocean/resources.js';
import { type ApiSession, DoStepError } from '../../targets/digitalocean/session.js';
import { firewallBody } from './preview.js';
import type { SpecOf } from './schema.js';

export async function accountOp(session: ApiSession): Promise<ActionOutcome> {
  const { account } = await session.call((client) => client.account.getAccount());
  return {
    ok: account.status === 'active',
    summary: `account ${account.status}, droplet limit ${account.droplet_limit}`,
    data: {
      status: account.status,
      status_message: account.status_message,
      droplet_limit: account.droplet_limit,
      email_verified: account.email_verified,
      uuid: account.uuid,
    },
    ...(account.status === 'active'
      ? {}
      : {
          error: `the account is ${account.status}: ${account.status_message}; resolve it in the control panel`,
        }),
  };
}

export async function ensureVpcOp(
  session: ApiSession,
  spec: SpecOf<'vpc.ensure'>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const { op: _op, ...request } = spec;
  const { value: vpc, created } = await ensureVpc(session, request, (line) => ctx.output(line, 'info'));
  if (!created && vpc.region !== spec.region) {
    throw new DoStepError(
      `VPC ${spec.name} already exists in ${vpc.region}, not ${spec.region}; VPCs are regional: use another name or region`,
    );
  }
  if (vpc.description) ctx.output(`VPC ${vpc.name}: ${vpc.description}`, 'info');
  return {
    ok: true,
    summary: `VPC ${vpc.name} ${created ? 'created' : 'adopted'}: ${vpc.ip_range} in ${vpc.region}`,
    data: {
      id: vpc.id,
      name: vpc.name,
      region: vpc.region,
      ip_range: vpc.ip_range,
      description: vpc.description,
      created,
    },
  };
}

export async function deleteVpcOp(session: ApiSession, spec: SpecOf<'vpc.delete'>): Promise<ActionOutcome> {
  const vpc = await findVpc(session, spec.name);
  if (!vpc) return { ok: true, summary: `VPC ${spec.name} already absent`, data: { deleted: false } };
  try {
    await session.call((client) => client.vpc.deleteVpc({ vpc_id: vpc.id }));
  } catch (error) {
    if (!(error instanceof DoStepError) || error.apiError?.status !== 404) throw error;
  }
  return { ok: true, summary: `VPC ${spec.name} deleted`, data: { deleted: true, id: vpc.id } };
}

export async function ensureFirewallOp(
  session: ApiSession,
  spec: SpecOf<'firewall.ensure'>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const desired = firewallBody(spec) as unknown as Parameters<typeof ensureFirewall>[1];
  const { value, outcome } = await ensureFirewall(session, desired, (line) => ctx.output(line, 'info'));
  return {
    ok: true,
    summary: `firewall ${spec.name} ${outcome}: ${spec.inbound_rules.length} inbound, ${spec.outbound_rules.length} outbound rules on tags ${spec.tags.join(', ')}`,
    data: { id: value.id, name: value.name, status: value.status, tags: value.tags ?? [], outcome },
  };
}

export async function ensureTagsOp(session: ApiSession, spec: SpecOf<'tags.ensure'>): Promise<ActionOutcome> {
  const { created, existing } = await ensureTags(session, spec.names);
  return {
    ok: true,
    summary: `tags ${spec.names.join(', ')} present (${created.length} created)`,
    data: { created, existing },
  };
}
