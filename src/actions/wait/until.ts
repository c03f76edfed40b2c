// wait until=… — re-runs a verification (replication, health, agreement, discovery) until every check holds,
// and on timeout shows the last attempt's expected vs actual.

import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { durationAttribute } from '../redis/connection-attributes.js';
import { redisAction } from '../redis/index.js';
import type { RedisSpec } from '../redis/spec.js';
import { sentinelAction } from '../sentinel/index.js';
import type { SentinelSpec } from '../sentinel/spec.js';
import { DEFAULT_WAIT_MS, type WaitCondition, type WaitSpec } from './spec.js';

const DEFAULT_INTERVAL_MS = 1000;

function attempt(condition: WaitCondition, spec: WaitSpec, ctx: ActionContext): Promise<ActionOutcome> {
  if (condition === 'replication') {
    const redisSpec: RedisSpec = {
      attrs: {
        verify: 'replication',
        nodes: spec.nodes,
        password: spec['redis-password'],
        tls: spec.tls,
      },
      commands: [],
      verify: 'replication',
      expectations: {},
    };
    return redisAction.run(redisSpec, ctx);
  }
  const sentinelSpec: SentinelSpec = {
    attrs: {
      node: spec.node ?? 'all',
      master: spec.master,
      replicas: spec.replicas,
      password: spec.password,
      username: spec.username,
      tls: spec.tls,
      'redis-password': spec['redis-password'],
    },
    all: (spec.node ?? 'all') === 'all',
    commands: [],
    verify: condition,
    expectations: {},
  };
  return sentinelAction.run(sentinelSpec, ctx);
}

export async function waitUntil(
  spec: WaitSpec & { until: WaitCondition },
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const started = ctx.now();
  const timeoutMs = ctx.action.timeoutMs ?? DEFAULT_WAIT_MS;
  const intervalMs = durationAttribute('interval', spec.interval, DEFAULT_INTERVAL_MS);
  let attempts = 0;
  for (;;) {
    attempts++;
    const outcome = await attempt(spec.until, spec, ctx);
    const elapsed = ctx.now() - started;
    if (outcome.ok) {
      return {
        ...outcome,
        summary: `${outcome.summary} — held after ${(elapsed / 1000).toFixed(1)} s (${attempts} attempt${attempts === 1 ? '' : 's'})`,
      };
    }
    if (elapsed + intervalMs > timeoutMs || ctx.signal.aborted) {
      return {
        ...outcome,
        summary: `${spec.until} did not hold within ${Math.round(timeoutMs / 1000)} s (${attempts} attempts)`,
        error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${spec.until} did not hold within ${Math.round(timeoutMs / 1000)} s; last attempt: ${outcome.error ?? outcome.summary}`,
      };
    }
    ctx.progress(`${spec.until}: not yet (${outcome.summary}); trying again`, attempts);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
  }
}
