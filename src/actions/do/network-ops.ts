// account.get, firewall.ensure, tags.ensure (VPCs: vpc-ops.ts).

import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { ensureFirewall, ensureTags, listFirewalls } from '../../targets/digitalocean/resources.js';
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

const ADMIN_HINT =
  'pass your own public address, e.g. --var admin_cidr=203.0.113.7/32 (find it with `curl -4 https://ifconfig.me`)';

/**
 * Source addresses as the operator gave them. An empty one (admin_cidr not given) means this machine: on
 * the lab that is loopback; on DigitalOcean it must be given.
 */
async function checkAddresses(
  spec: SpecOf<'firewall.ensure'>,
  ctx: ActionContext,
): Promise<SpecOf<'firewall.ensure'>> {
  const target = await ctx.target();
  const inbound = spec.inbound_rules.map((rule, index) => {
    const addresses = rule.sources.addresses?.map((address) => {
      const where = `firewall ${spec.name} inbound rule ${index + 1} (${rule.protocol} ${rule.ports ?? 'all'})`;
      if (target.name === 'lab') {
        if (address !== '') return address;
        const operator = target.lab?.operatorCidr ?? '127.0.0.1/32';
        ctx.output(`${where}: no admin address given; the lab uses ${operator}`, 'info');
        return operator;
      }
      if (address === '') {
        throw new DoStepError(
          `${where}: no source address (admin_cidr is not set) — DigitalOcean would let nobody in; ${ADMIN_HINT}`,
        );
      }
      return address;
    });
    return addresses ? { ...rule, sources: { ...rule.sources, addresses } } : rule;
  });
  return { ...spec, inbound_rules: inbound };
}

export async function ensureFirewallOp(
  session: ApiSession,
  given: SpecOf<'firewall.ensure'>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const spec = await checkAddresses(given, ctx);
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

/** Deletes the firewall by name; an absent one is already what teardown wants. */
export async function deleteFirewallOp(
  session: ApiSession,
  spec: SpecOf<'firewall.delete'>,
): Promise<ActionOutcome> {
  const firewall = (await listFirewalls(session)).find((candidate) => candidate.name === spec.name);
  if (!firewall?.id)
    return { ok: true, summary: `firewall ${spec.name} already absent`, data: { deleted: false } };
  try {
    await session.call((client) => client.firewall.deleteFirewall({ firewall_id: firewall.id as string }));
  } catch (error) {
    if (!(error instanceof DoStepError) || error.apiError?.status !== 404) throw error;
  }
  return { ok: true, summary: `firewall ${spec.name} deleted`, data: { deleted: true, id: firewall.id } };
}

/** Deletes the tags (DigitalOcean removes them from any resource still carrying them); absent ones are fine. */
export async function deleteTagsOp(session: ApiSession, spec: SpecOf<'tags.delete'>): Promise<ActionOutcome> {
  const deleted: string[] = [];
  const absent: string[] = [];
  for (const name of spec.names) {
    try {
      await session.call((client) => client.tag.deleteTag({ tag_name: name }));
      deleted.push(name);
    } catch (error) {
      if (!(error instanceof DoStepError) || error.apiError?.status !== 404) throw error;
      absent.push(name);
    }
  }
  return {
    ok: true,
    summary: `tags deleted: ${deleted.join(', ') || 'none'}${absent.length ? `; already absent: ${absent.join(', ')}` : ''}`,
    data: { deleted, absent },
  };
}
