// ```lab op=freeze node=redis-1 — lab-only faults the DigitalOcean API has no words for: freeze (SIGSTOP,
// a hung machine that still holds its sockets) and thaw (SIGCONT) every process of a droplet, through the
// lab emulator's /v2/_lab endpoints. Against --target digitalocean it refuses, saying why.
import type { IDroplet } from 'dots-wrapper/dist/droplet/index.js';
import * as z from 'zod';
import type { ActionContext, ActionKind, ActionOutcome, BlockProblem } from '../../contract/action.js';
import { apiErrorMessage, labRequest, privateIpOf } from '../../lab/provision.js';
import { cjsExports } from '../../targets/cjs-exports.js';

export const labAttributes = z.strictObject({
  op: z.enum(['freeze', 'thaw'], { error: 'op= is freeze or thaw' }),
  /** The droplet's name; {{ references }} are rendered at run time. */
  node: z.string().min(1, 'node= names a droplet, e.g. node=redis-1'),
});

export type LabSpec = z.infer<typeof labAttributes>;

export interface LabData {
  op: LabSpec['op'];
  droplet: { id: number; name: string; private_ip?: string };
  frozen: boolean;
}

async function findDroplet(apiUrl: string, token: string, name: string): Promise<IDroplet | string> {
  // Loaded here, not at start-up: only a lab action that runs needs the API client.
  const { createApiClient } = cjsExports(await import('dots-wrapper'), 'createApiClient');
  const client = createApiClient({ endpoint: apiUrl, token, requestTimeoutInMs: 15_000 });
  const all: IDroplet[] = [];
  for (let page = 1; ; page++) {
    const { data } = await client.droplet.listDroplets({ page, per_page: 200 });
    all.push(...data.droplets);
    if (data.droplets.length < 200) break;
  }
  return (
    all.find((droplet) => droplet.name === name) ??
    `the lab has no droplet named ${name} (it has ${all.map((d) => d.name).join(', ') || 'none'})`
  );
}

function failure(ctx: ActionContext, summary: string, error: string): ActionOutcome {
  return { ok: false, summary, error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${ctx.redact(error)}` };
}

export const labAction: ActionKind<LabSpec> = {
  kind: 'lab',
  description: 'Lab-only faults: freeze (SIGSTOP) or thaw (SIGCONT) every process of a lab droplet',
  attributes: labAttributes,
  defaultSafety: () => 'mutating',
  parse(input, report: (problem: BlockProblem) => void) {
    if (input.body.trim() !== '') {
      report({
        message: 'a lab block takes no body',
        hint: 'write ```lab op=freeze node=redis-1 with nothing inside',
        line: 1,
      });
      return undefined;
    }
    return labAttributes.parse(input.attrs);
  },
  preview(spec, ctx) {
    const signal = spec.op === 'freeze' ? 'SIGSTOP' : 'SIGCONT';
    return [`${spec.op} lab droplet ${ctx.render(spec.node)}: ${signal} to its redis processes`];
  },
  async run(spec, ctx) {
    const name = ctx.render(spec.node);
    const summary = `${spec.op} ${name}`;
    if (ctx.dryRun) return { ok: true, summary: `${summary} (dry run: nothing sent)` };
    const target = await ctx.target();
    if (target.name !== 'lab') {
      return failure(
        ctx,
        summary,
        `lab op=${spec.op} works only against the lab (--target lab): a real droplet cannot be frozen through the DigitalOcean API; simulate a crash with a do droplets.action power_off step instead`,
      );
    }
    let droplet: IDroplet | string;
    try {
      droplet = await findDroplet(target.apiUrl, target.token, name);
    } catch (error) {
      return failure(ctx, summary, `listing the lab's droplets failed: ${apiErrorMessage(error)}`);
    }
    if (typeof droplet === 'string') return failure(ctx, summary, droplet);
    const privateIp = privateIpOf(droplet);
    const detail = `${name}${privateIp ? ` ${privateIp}` : ''}`;
    try {
      await labRequest(target, `/_lab/droplets/${droplet.id}/${spec.op}`);
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
  },
};
