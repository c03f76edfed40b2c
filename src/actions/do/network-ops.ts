// account.get, firewall.ensure, tags.ensure (VPCs: vpc-ops.ts).

import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { ensureFirewall, ensureTags } from '../../targets/digitalocean/resources.js';
import type { ApiSession } from '../../targets/digitalocean/session.js';
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
