// The three Sentinel-side verifications: health, master agreement, client discovery.

import type { ActionContext, ActionOutcome, CheckResult } from '../../contract/action.js';
import type { ConnectionSettings, RedisPool } from '../../targets/redis/connection.js';
import { inventoryRedisNodes, type NodeAddress } from '../../targets/redis/inventory.js';
import { addressesNamed, agreementOf, surveySentinels } from '../../targets/redis/sentinel-survey.js';
import type { SentinelSpec } from './spec.js';
import { verifyDiscovery } from './verify-discovery.js';
import { judgeAgreement, judgeSentinelHealth } from './verify-sentinel.js';

export interface VerifyInput {
  spec: SentinelSpec;
  ctx: ActionContext;
  sentinels: NodeAddress[];
  masterName: string;
  pool: RedisPool;
  sentinelSettings: ConnectionSettings;
  redisSettings: ConnectionSettings;
}

function outcome(title: string, checks: CheckResult[], data: unknown, okSummary: string): ActionOutcome {
  const failed = checks.filter((c) => !c.ok);
  const ok = checks.length > 0 && failed.length === 0;
  return {
    ok,
    summary: ok ? okSummary : `${title}: ${failed.length} of ${checks.length} checks failed`,
    data,
    checks,
    view: { kind: 'checks' },
    ...(ok
      ? {}
      : { error: failed.map((c) => `${c.description}: expected ${c.expected}, got ${c.actual}`).join('; ') }),
  };
}

/** Through a jump host: every master and replica address the Sentinels (or the inventory) know, to forward. */
async function addressesSentinelsName(input: VerifyInput): Promise<string[]> {
  const states = await surveySentinels(
    input.pool,
    input.sentinels,
    input.sentinelSettings,
    input.masterName,
    {
      deep: true,
      signal: input.ctx.signal,
    },
  );
  return [...new Set([...inventoryRedisNodes(input.ctx).map((n) => n.address), ...addressesNamed(states)])];
}

export async function runVerification(input: VerifyInput): Promise<ActionOutcome> {
  const { spec, ctx, sentinels, masterName, pool, sentinelSettings, redisSettings } = input;
  if (spec.verify === 'discovery') {
    ctx.progress(`connecting like an application: ${masterName} via ${sentinels.length} Sentinels`);
    const candidates = redisSettings.tunnel ? await addressesSentinelsName(input) : [];
    const result = await verifyDiscovery({
      candidates,
      sentinels,
      masterName,
      redis: redisSettings,
      sentinel: sentinelSettings,
      runId: ctx.runId,
      signal: ctx.signal,
    });
    return outcome(
      'client discovery',
      result.checks,
      result,
      `client discovery: wrote and read a key on ${result.reached}`,
    );
  }
  ctx.progress(`asking ${sentinels.length} Sentinels about ${masterName}`);
  const states = await surveySentinels(pool, sentinels, sentinelSettings, masterName, {
    deep: spec.verify === 'health',
    signal: ctx.signal,
  });
  const agreement = agreementOf(states);
  if (spec.verify === 'health') {
    const inventoryRedis = inventoryRedisNodes(ctx).length;
    const expectedReplicas = spec.attrs.replicas
      ? Number(spec.attrs.replicas)
      : inventoryRedis > 0
        ? inventoryRedis - 1
        : undefined;
    const checks = judgeSentinelHealth(states, masterName, expectedReplicas);
    return outcome(
      'Sentinel health',
      checks,
      { sentinels: states, agreement },
      `${sentinels.length} Sentinels healthy (quorum OK, master ${agreement.master})`,
    );
  }
  const judged = await judgeAgreement(
    states,
    masterName,
    pool,
    redisSettings,
    ctx.signal,
    spec.attrs.answering ?? 'all',
  );
  const agreeing =
    agreement.unreachable.length > 0
      ? `${agreement.reachable.length} of ${sentinels.length} Sentinels answer and agree:`
      : sentinels.length === 1
        ? 'the one Sentinel names'
        : `${sentinels.length} Sentinels agree:`;
  return outcome(
    'master agreement',
    judged.checks,
    { sentinels: states, agreement, master: judged.master, role: judged.role },
    `${agreeing} master ${judged.master} (ROLE master)`,
  );
}
