// ```do — DigitalOcean operations through dots-wrapper: the same code path for the real API and the lab's
// emulator. A YAML body names the op; ensure ops adopt what exists, so re-running never creates twice.

import type { ActionContext, ActionKind, ActionOutcome } from '../../contract/action.js';
import type { Safety } from '../../contract/runbook.js';
import { PATH_PATTERN, TemplateError } from '../../runbook/template.js';
import { CredentialsError } from '../../targets/digitalocean/credentials.js';
import { PollFailure, PollTimeout } from '../../targets/digitalocean/poll.js';
import { type ApiSession, DoStepError, openSession } from '../../targets/digitalocean/session.js';
import { isFirstMutatingDo } from './cluster-cost.js';
import { doConfirmation } from './confirmation.js';
import { deleteDropletsOp, dropletActionOp, ensureDropletsOp, listDropletsOp } from './droplet-ops.js';
import { ensureSshKeyOp } from './key-ops.js';
import { accountOp, deleteFirewallOp, deleteTagsOp, ensureFirewallOp, ensureTagsOp } from './network-ops.js';
import { previewDo } from './preview.js';
import { dropletsReadyOp } from './ready-ops.js';
import { renderDeep } from './render.js';
import { type DoSpec, doAttributes, parseDoBody } from './schema.js';
import { deleteVpcOp, ensureVpcOp } from './vpc-ops.js';

function safetyOf(spec: DoSpec): Safety {
  switch (spec.op) {
    case 'account.get':
    case 'droplets.list':
    case 'droplets.ready':
      return 'safe';
    case 'droplets.delete':
    case 'vpc.delete':
    case 'firewall.delete':
      return 'destructive';
    default:
      return 'mutating';
  }
}

/** Names the operator types to confirm a destructive op. */
export function typeToConfirm(spec: DoSpec): string | undefined {
  if (spec.op === 'droplets.delete') return spec.names.join(' ');
  if (spec.op === 'vpc.delete' || spec.op === 'firewall.delete') return spec.name;
  // Mutating by default; a runbook that raises a power-off to destructive asks for the droplets' names.
  if (spec.op === 'droplets.action') return spec.names?.join(' ') ?? spec.tag;
  return undefined;
}

/** raw: the block as written, for ops that redirect the variables it was written with (vpc.ensure's adopt). */
async function execute(
  spec: DoSpec,
  raw: DoSpec,
  ctx: ActionContext,
  session: ApiSession,
): Promise<ActionOutcome> {
  switch (spec.op) {
    case 'account.get':
      return accountOp(session);
    case 'ssh_key.ensure':
      return ensureSshKeyOp(session, spec, ctx);
    case 'vpc.ensure':
      return ensureVpcOp(session, spec, ctx, raw.op === 'vpc.ensure' ? raw : spec);
    case 'droplets.ensure':
      return ensureDropletsOp(session, spec, ctx, raw.op === 'droplets.ensure' ? raw : spec);
    case 'droplets.list':
      return listDropletsOp(session, spec, ctx);
    case 'droplets.ready':
      return dropletsReadyOp(session, spec, ctx);
    case 'droplets.action':
      return dropletActionOp(session, spec, ctx);
    case 'firewall.ensure':
      return ensureFirewallOp(session, spec, ctx);
    case 'tags.ensure':
      return ensureTagsOp(session, spec);
    case 'droplets.delete':
      return deleteDropletsOp(session, spec, ctx);
    case 'vpc.delete':
      return deleteVpcOp(session, spec, ctx);
    case 'firewall.delete':
      return deleteFirewallOp(session, spec);
    case 'tags.delete':
      return deleteTagsOp(session, spec);
  }
}

/** Failures the operator can act on become an outcome naming the op and the block; bugs still throw. */
function failure(spec: DoSpec, ctx: ActionContext, error: unknown): ActionOutcome | undefined {
  const known =
    error instanceof DoStepError ||
    error instanceof PollFailure ||
    error instanceof PollTimeout ||
    error instanceof CredentialsError ||
    error instanceof TemplateError;
  if (!known) return undefined;
  const where = `${ctx.runbook.file}:${ctx.action.loc.line}`;
  return {
    ok: false,
    summary: `${spec.op} failed`,
    error: ctx.redact(`${spec.op} (${where}): ${(error as Error).message}`),
  };
}

function publishedNames(spec: DoSpec): string[] {
  if (spec.op !== 'droplets.ensure') return [];
  const inventory =
    spec.inventory === false
      ? []
      : spec.names.filter((name) => PATH_PATTERN.test(name)).map((name) => `inventory.${name}`);
  return spec.jump_host ? [...inventory, 'jump_host'] : inventory;
}

export const doKind: ActionKind<DoSpec> = {
  kind: 'do',
  description:
    'DigitalOcean API operations (VPC, droplets, power actions, firewall, tags) through dots-wrapper',
  attributes: doAttributes,
  defaultSafety: safetyOf,
  parse: ({ body }, report) => parseDoBody(body, report),
  publishes: publishedNames,
  templates: (spec) => (spec.op === 'droplets.ensure' && spec.user_data ? [spec.user_data.template] : []),
  templateParams: (spec) =>
    spec.op === 'droplets.ensure' && spec.user_data?.params ? Object.keys(spec.user_data.params) : [],
  preview: previewDo,
  confirmation: (spec, ctx, options) =>
    doConfirmation(spec, ctx, typeToConfirm, () => openSession(ctx), isFirstMutatingDo(ctx), options?.lookUp),
  async run(spec, ctx) {
    if (ctx.dryRun) {
      const lines = previewDo(spec, ctx);
      for (const line of lines) ctx.output(line, 'info');
      return { ok: true, summary: `dry run: ${lines.length} requests shown, none sent` };
    }
    let session: ApiSession | undefined;
    try {
      session = await openSession(ctx);
      return await execute(renderDeep(spec, ctx.render), spec, ctx, session);
    } catch (error) {
      const outcome = failure(spec, ctx, error);
      if (outcome) return outcome;
      // Not an API failure (a bug, an aborted wait): still never let a token through in its message.
      if (session && error instanceof Error) error.message = session.scrub(error.message);
      throw error;
    }
  },
};
