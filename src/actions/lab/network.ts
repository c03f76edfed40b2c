// The network faults of the lab kind: partition, heal, delay, loss — asked of the lab emulator's
// /v2/_lab endpoints, which apply them with nftables (or netem) in the container lab's VPC namespace.
import type { ActionContext, ActionOutcome, TargetInfo } from '../../contract/action.js';
import { describePartition, type Partition } from '../../lab/network/partitions.js';
import { type LabSpec, nameList } from './spec.js';

async function labApi(
  target: TargetInfo,
  method: 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${target.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const answer = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new Error(`the lab answered ${response.status}: ${answer.message ?? 'no message'}`);
  return answer;
}

type NetworkSpec = Extract<LabSpec, { op: 'partition' | 'heal' | 'delay' | 'loss' }>;

export interface NetworkOutcome {
  summary: string;
  timeline: { source: 'fault' | 'lab'; name: string; detail: string };
  data: Record<string, unknown>;
}

export async function runNetworkFault(
  spec: NetworkSpec,
  ctx: ActionContext,
  target: TargetInfo,
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
      const { partition } = (await labApi(target, 'POST', '/_lab/partitions', request)) as {
        partition: Partition;
      };
      const detail = `${partition.name}: ${describePartition(partition)}`;
      return {
        summary: `partitioned ${describePartition(partition)} (${spec.direction === 'both' ? 'both directions' : 'one way'}; packets dropped)`,
        timeline: { source: 'fault', name: 'partition', detail },
        data: { op: 'partition', partition },
      };
    }
    case 'heal': {
      const path = spec.name ? `/_lab/partitions/${encodeURIComponent(spec.name)}` : '/_lab/partitions';
      const { healed } = (await labApi(target, 'DELETE', path)) as { healed: Partition[] };
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
      await labApi(target, 'POST', `/_lab/droplets/${encodeURIComponent(node)}/impair`, body);
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
