// The network faults of the lab kind: partition, heal, delay, loss — asked of the lab emulator's
// /v2/_lab endpoints, which apply them with nftables (or netem) in the container lab's VPC namespace.
import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { describePartition, type Partition } from '../../lab/network/partitions.js';
import type { ApiSession } from '../../targets/digitalocean/session.js';
import { type LabSpec, nameList } from './spec.js';

type NetworkSpec = Extract<LabSpec, { op: 'partition' | 'heal' | 'delay' | 'loss' }>;

export interface NetworkOutcome {
  summary: string;
  timeline: { source: 'fault' | 'lab'; name: string; detail: string };
  data: Record<string, unknown>;
}

export async function runNetworkFault(
  spec: NetworkSpec,
  ctx: ActionContext,
  session: ApiSession,
): Promise<NetworkOutcome> {
  switch (spec.op) {
    case 'partition': {
      const to = ctx.render(spec.to).trim();
      const request = {
        name: spec.name,
        from: nameList(spec.from, ctx.render),
        to: to === 'operator' ? 'operator' : nameList(to, ctx.render),
        direction: spec.direction,
      };
      // A partition of that name may already be in force after an ambiguous failure: never resend it blindly.
      const { partition } = await session.labRequest<{ partition: Partition }>('POST', '/_lab/partitions', {
        body: request,
        policy: 'rejected-only',
      });
      const detail = `${partition.name}: ${describePartition(partition)}`;
      return {
        summary: `partitioned ${describePartition(partition)} (${spec.direction === 'both' ? 'both directions' : 'one way'}; packets dropped)`,
        timeline: { source: 'fault', name: 'partition', detail },
        data: { op: 'partition', partition },
      };
    }
    case 'heal': {
      const path = spec.name ? `/_lab/partitions/${encodeURIComponent(spec.name)}` : '/_lab/partitions';
      const { healed } = await session.labRequest<{ healed: Partition[] }>('DELETE', path);
      const detail = healed
        .map((partition) => `${partition.name}: ${describePartition(partition)}`)
        .join('; ');
      return {
        summary: healed.length === 0 ? 'no partition was in force' : `healed ${detail}`,
        timeline: { source: 'lab', name: 'heal', detail: detail || 'nothing to heal' },
        data: { op: 'heal', healed },
      };
    }
    case 'delay':
    case 'loss': {
      const node = ctx.render(spec.node);
      const body = spec.op === 'delay' ? { delay_ms: spec.delayMs } : { loss_percent: spec.lossPercent };
      await session.labRequest('POST', `/_lab/droplets/${encodeURIComponent(node)}/impair`, { body });
      const what = spec.op === 'delay' ? `${spec.delayMs} ms delay` : `${spec.lossPercent}% loss`;
      return {
        summary: `${node}: ${what} on its private link`,
        timeline: { source: 'fault', name: spec.op, detail: `${node} ${what}` },
        data: { op: spec.op, node, ...body },
      };
    }
  }
}

export const networkFailure = (ctx: ActionContext, summary: string, error: unknown): ActionOutcome => ({
  ok: false,
  summary,
  error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${ctx.redact((error as Error).message)}`,
});
