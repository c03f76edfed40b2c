// ```redis node=NAME — Redis commands, one per line, with parsed results; or verify=replication.

import type { ActionContext, ActionKind, ActionOutcome } from '../../contract/action.js';
import { renderKnown } from '../../runbook/template.js';
import { type ConnectionSettings, runPool } from '../../targets/redis/connection.js';
import {
  inventoryRedisNodes,
  type NodeAddress,
  resolveNode,
  resolveNodeList,
} from '../../targets/redis/inventory.js';
import { judgeQuery } from '../check/expect.js';
import { connectionSettings } from './connection-attributes.js';
import {
  commandsSentence,
  mostDangerous,
  type NodeResult,
  previewLines,
  runCommandLines,
} from './execute.js';
import { parseRedis, type RedisSpec, redisAttributes } from './spec.js';
import { DEFAULT_OFFSET_TOLERANCE, judgeReplication, surveyReplication } from './verify-replication.js';
import { commandRows, replicationRows } from './view.js';

export type RedisData = NodeResult;

function replicationNodes(spec: RedisSpec, ctx: ActionContext): NodeAddress[] {
  if (spec.attrs.nodes) return resolveNodeList(spec.attrs.nodes, ctx);
  if (spec.attrs.node) return [resolveNode(spec.attrs.node, ctx)];
  const fromInventory = inventoryRedisNodes(ctx);
  if (fromInventory.length > 0) return fromInventory;
  throw new Error(
    'verify=replication: name the nodes (nodes=redis-1,redis-2) — nothing in the inventory yet',
  );
}

async function verifyReplication(
  spec: RedisSpec,
  ctx: ActionContext,
  settings: ConnectionSettings,
): Promise<ActionOutcome> {
  const nodes = replicationNodes(spec, ctx);
  const tolerance = spec.tolerance ?? DEFAULT_OFFSET_TOLERANCE;
  ctx.progress(`asking ${nodes.length} nodes for ROLE and INFO replication`);
  const states = await surveyReplication(runPool(ctx.resources), nodes, settings, ctx.signal);
  const report = judgeReplication(states, tolerance);
  const failed = report.checks.filter((c) => !c.ok);
  const replicas = states.filter((s) => s.role?.role === 'slave').length;
  return {
    ok: report.ok,
    summary: report.ok
      ? `replication healthy: master ${report.master}, ${replicas} replica${replicas === 1 ? '' : 's'} linked`
      : `replication unhealthy: ${failed.length} of ${report.checks.length} checks failed`,
    data: report,
    checks: report.checks,
    view: { kind: 'replication', nodes: replicationRows(report.nodes) },
    ...(report.ok
      ? {}
      : { error: failed.map((c) => `${c.description}: expected ${c.expected}, got ${c.actual}`).join('; ') }),
  };
}

function summarize(result: NodeResult): string {
  const ran = result.commands.filter((c) => !c.skipped && !c.error).length;
  const last = result.commands.at(-1);
  const head = `${result.node === result.address ? result.address : `${result.node} (${result.address})`}: ${ran}/${result.commands.length} commands`;
  if (result.error) return `${head}, failed`;
  if (last && typeof last.reply === 'string' && last.reply.length < 60 && !last.reply.includes('\n'))
    return `${head}, ${last.reply}`;
  return head;
}

export const redisAction: ActionKind<RedisSpec> = {
  kind: 'redis',
  description: 'Runs Redis commands on a node (one per line, quoted like redis-cli) or verifies replication',
  attributes: redisAttributes,
  defaultSafety: (spec) => (spec.verify ? 'safe' : mostDangerous(spec.commands)),
  parse: parseRedis,
  /** What it sends where; a destructive block is confirmed by typing the node it acts on. */
  async confirmation(spec, ctx) {
    if (spec.verify) {
      return {
        does: `checks replication on ${renderKnown(spec.attrs.nodes ?? spec.attrs.node ?? 'every Redis node', ctx.render)}`,
      };
    }
    const node = renderKnown(spec.attrs.node ?? '', ctx.render);
    return { does: commandsSentence(spec.commands, node, ctx), typeToConfirm: node };
  },
  preview(spec, ctx) {
    const target = spec.verify
      ? (spec.attrs.nodes ?? spec.attrs.node ?? 'every redis node in the inventory')
      : (spec.attrs.node ?? '');
    if (spec.verify) return [`verify replication on ${target}`];
    return [`on ${ctx.redact(target)}:`, ...previewLines(spec.commands, ctx).map((line) => `  ${line}`)];
  },
  async run(spec, ctx) {
    let settings: ConnectionSettings;
    try {
      settings = connectionSettings(spec.attrs, ctx, 'redis_password');
      if (spec.verify === 'replication') {
        return judgeQuery(await verifyReplication(spec, ctx, settings), spec.expectations, undefined, ctx);
      }
      const node = resolveNode(spec.attrs.node ?? '', ctx);
      const result = await runCommandLines(node, settings, spec.commands, ctx, 'redis');
      const outcome: ActionOutcome = {
        ok: !result.error,
        summary: summarize(result),
        data: result,
        view: { kind: 'redis', node: result.node, commands: commandRows(result.node, result.commands) },
        ...(result.error ? { error: result.error } : {}),
      };
      return judgeQuery(outcome, spec.expectations, result.commands.find((c) => c.error)?.code, ctx);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        summary: 'redis: failed',
        error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${ctx.redact(message)}`,
      };
    }
  },
};
