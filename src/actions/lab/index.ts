// ```lab op=… — lab-only faults the DigitalOcean API has no words for, through the lab emulator's /v2/_lab
// endpoints: freeze/thaw a droplet (SIGSTOP/SIGCONT, a hung machine that still holds its sockets),
// partition/heal the VPC network, delay/loss on a droplet's link. Against --target digitalocean it refuses,
// saying why and what to use instead. Each fault goes on the run's timeline, where drills measure from it.
import type { IDroplet } from 'dots-wrapper/dist/droplet/index.js';
import type { ActionContext, ActionKind, ActionOutcome } from '../../contract/action.js';
import { privateIpOf } from '../../lab/provision.js';
import { renderKnown } from '../../runbook/template.js';
import { listDroplets } from '../../targets/digitalocean/droplets.js';
import { type ApiSession, openSession } from '../../targets/digitalocean/session.js';
import { networkFailure, runNetworkFault } from './network.js';
import { type LabSpec, labAttributes, parseLab } from './spec.js';

export { type LabSpec, labAttributes } from './spec.js';

export interface LabData {
  op: 'freeze' | 'thaw';
  droplet: { id: number; name: string; private_ip?: string };
  frozen: boolean;
}

async function findDroplet(session: ApiSession, name: string): Promise<IDroplet | string> {
  const all = await listDroplets(session);
  return (
    all.find((droplet) => droplet.name === name) ??
    `the lab has no droplet named ${name} (it has ${all.map((d) => d.name).join(', ') || 'none'})`
  );
}

function failure(ctx: ActionContext, summary: string, error: string): ActionOutcome {
  return { ok: false, summary, error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${ctx.redact(error)}` };
}

const INSTEAD: Record<LabSpec['op'], string> = {
  freeze:
    'a real droplet cannot be frozen through the DigitalOcean API; simulate a crash with a do droplets.action power_off step instead',
  thaw: 'a real droplet cannot be frozen through the DigitalOcean API; simulate a crash with a do droplets.action power_off step instead',
  partition:
    'the DigitalOcean API cannot partition a VPC; cut the traffic with a Cloud Firewall change (a do firewalls step) instead',
  heal: 'the DigitalOcean API cannot partition a VPC; restore the Cloud Firewall rules with a do firewalls step instead',
  delay: 'the DigitalOcean API cannot slow a link',
  loss: 'the DigitalOcean API cannot drop packets on a link',
};

function preview(spec: LabSpec, ctx: ActionContext): string[] {
  switch (spec.op) {
    case 'freeze':
    case 'thaw':
      return [
        `${spec.op} lab droplet ${ctx.render(spec.node)}: ${spec.op === 'freeze' ? 'SIGSTOP' : 'SIGCONT'} to its processes`,
      ];
    case 'partition': {
      const arrow = spec.direction === 'both' ? '⇹' : '→';
      return [
        `partition ${spec.name}: ${ctx.render(spec.from)} ${arrow} ${ctx.render(spec.to)} (packets dropped; container lab)`,
      ];
    }
    case 'heal':
      return [spec.name ? `heal partition ${spec.name}` : 'heal every partition'];
    case 'delay':
      return [`delay ${ctx.render(spec.node)}'s private link by ${spec.delayMs} ms (needs sch_netem)`];
    case 'loss':
      return [`drop ${spec.lossPercent}% of ${ctx.render(spec.node)}'s packets (needs sch_netem)`];
  }
}

/** The plain sentence a confirmation shows for a lab fault. */
function labSentence(spec: LabSpec, ctx: Pick<ActionContext, 'render'>): string {
  switch (spec.op) {
    case 'freeze':
      return `freezes the lab droplet ${ctx.render(spec.node)} (SIGSTOP to its processes: it hangs, its connections stay open)`;
    case 'thaw':
      return `thaws the lab droplet ${ctx.render(spec.node)} (SIGCONT: its processes carry on where they stopped)`;
    case 'partition':
      return `cuts the network between ${ctx.render(spec.from)} and ${ctx.render(spec.to)}${spec.direction === 'one-way' ? ' in one direction' : ''} (partition ${spec.name})`;
    case 'heal':
      return spec.name ? `heals the partition ${spec.name}` : 'heals every partition of the lab';
    case 'delay':
      return `delays ${ctx.render(spec.node)}'s private link by ${spec.delayMs} ms`;
    case 'loss':
      return `drops ${spec.lossPercent}% of ${ctx.render(spec.node)}'s packets`;
  }
}

async function freezeOrThaw(
  spec: Extract<LabSpec, { op: 'freeze' | 'thaw' }>,
  ctx: ActionContext,
  session: ApiSession,
): Promise<ActionOutcome> {
  const name = ctx.render(spec.node);
  const summary = `${spec.op} ${name}`;
  let droplet: IDroplet | string;
  try {
    droplet = await findDroplet(session, name);
  } catch (error) {
    return failure(ctx, summary, `listing the lab's droplets failed: ${(error as Error).message}`);
  }
  if (typeof droplet === 'string') return failure(ctx, summary, droplet);
  const privateIp = privateIpOf(droplet);
  const detail = `${name}${privateIp ? ` ${privateIp}` : ''}`;
  try {
    await session.labRequest('POST', `/_lab/droplets/${droplet.id}/${spec.op}`);
  } catch (error) {
    return failure(ctx, summary, `${detail}: ${(error as Error).message}`);
  }
  // A freeze is a fault (drills measure from it); a thaw is the end of one.
  ctx.timeline(spec.op === 'freeze' ? 'fault' : 'lab', spec.op, detail);
  const data: LabData = {
    op: spec.op,
    droplet: { id: droplet.id, name, ...(privateIp ? { private_ip: privateIp } : {}) },
    frozen: spec.op === 'freeze',
  };
  return {
    ok: true,
    summary: `${detail} ${spec.op === 'freeze' ? 'frozen (SIGSTOP)' : 'thawed (SIGCONT)'}`,
    data,
  };
}

export const labAction: ActionKind<LabSpec> = {
  kind: 'lab',
  description:
    'Lab-only faults: freeze/thaw a droplet, partition/heal the VPC network, delay/loss on a link (container lab)',
  attributes: labAttributes,
  defaultSafety: () => 'mutating',
  parse: parseLab,
  preview,
  /** A destructive block is confirmed by typing what it acts on: the partition's name, else the droplet. */
  async confirmation(spec, ctx) {
    const known = { ...ctx, render: (text: string) => renderKnown(text, ctx.render) };
    const does = labSentence(spec, known);
    if ('name' in spec && spec.name) return { does, typeToConfirm: spec.name };
    if ('node' in spec) return { does, typeToConfirm: known.render(spec.node) };
    return { does };
  },
  async run(spec, ctx) {
    const summary = preview(spec, ctx)[0] as string;
    if (ctx.dryRun) return { ok: true, summary: `${summary} (dry run: nothing sent)` };
    const target = await ctx.target();
    if (target.name !== 'lab') {
      return failure(
        ctx,
        summary,
        `lab op=${spec.op} works only against the lab (--target lab): ${INSTEAD[spec.op]}`,
      );
    }
    // Opened only now: it loads dots-wrapper, which only a lab action that really runs needs.
    const session = await openSession(ctx);
    if (spec.op === 'freeze' || spec.op === 'thaw') return freezeOrThaw(spec, ctx, session);
    try {
      const outcome = await runNetworkFault(spec, ctx, session);
      ctx.timeline(outcome.timeline.source, outcome.timeline.name, outcome.timeline.detail);
      return { ok: true, summary: outcome.summary, data: outcome.data };
    } catch (error) {
      return networkFailure(ctx, summary, error);
    }
  },
};
