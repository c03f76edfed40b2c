// How every test in this folder runs redis / sentinel / wait blocks against its real cluster: one context
// shape (the cluster's inventory, its password a secret var) and two ways to run a block in it.
import {
  createTestContext,
  parsedAction,
  type TestContext,
  type TestContextOptions,
} from '../../src/actions/test-context.js';
import type { ActionContext, ActionKind, ActionOutcome } from '../../src/contract/action.js';
import type { TestRedisCluster } from '../helpers/redis-cluster.js';

/** A test context on the cluster: `inventory` in the results, `redis_password` a secret var. */
export function clusterContext(cluster: TestRedisCluster, options: TestContextOptions = {}): TestContext {
  return createTestContext({
    results: { inventory: cluster.inventory },
    ...options,
    vars: { redis_password: cluster.password, ...options.vars },
    secretVars: ['redis_password', ...(options.secretVars ?? [])],
  });
}

/** Runs one block in an open context, as the engine does for consecutive steps of one run. */
export async function runInContext<Spec>(
  t: TestContext,
  kind: ActionKind<Spec>,
  attrs: Record<string, string>,
  body = '',
): Promise<ActionOutcome> {
  const { spec, action } = parsedAction(kind, { attrs, body });
  const ctx: ActionContext = { ...t.ctx, action: { ...t.ctx.action, ...action } };
  return kind.run(spec, ctx);
}

/** Runs one block in a fresh cluster context, closed afterwards; the context stays readable. */
export async function runBlock<Spec>(
  cluster: TestRedisCluster,
  kind: ActionKind<Spec>,
  attrs: Record<string, string>,
  body = '',
  options: TestContextOptions = {},
): Promise<{ outcome: ActionOutcome; t: TestContext }> {
  const { spec, action } = parsedAction(kind, { attrs, body });
  const t = clusterContext(cluster, { ...options, action });
  try {
    return { outcome: await kind.run(spec, t.ctx), t };
  } finally {
    await t.close();
  }
}
