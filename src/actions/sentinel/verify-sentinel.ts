// "Sentinel healthy" and "master agreement", judged from a survey of every Sentinel, expected vs actual each.
import type { CheckResult } from '../../contract/action.js';
import type { ConnectionSettings, RedisPool } from '../../targets/redis/connection.js';
import { formatAddress, type NodeAddress, parseHostPort } from '../../targets/redis/inventory.js';
import { parseRole } from '../../targets/redis/replies.js';
import { flagsOf, majorityAddress, type SentinelState } from '../../targets/redis/sentinel-survey.js';

function label(state: { node: string; address: string }): string {
  return state.node === state.address ? state.address : `${state.node} (${state.address})`;
}

function unreachable(state: SentinelState): CheckResult {
  return {
    ok: false,
    description: `${label(state)} answers`,
    expected: 'INFO and SENTINEL replies',
    actual: state.error ?? '',
    where: state.node,
  };
}

/** expectedReplicas: how many replicas each Sentinel should know; undefined = all Sentinels agree on a count ≥ 1. */
export function judgeSentinelHealth(
  states: readonly SentinelState[],
  masterName: string,
  expectedReplicas?: number,
): CheckResult[] {
  const checks: CheckResult[] = [];
  const n = states.length;
  const replicaCounts = states.filter((s) => s.master).map((s) => Number(s.master?.['num-slaves'] ?? 0));
  const agreedReplicas = expectedReplicas ?? Math.max(1, ...replicaCounts);
  for (const state of states) {
    if (state.error) {
      checks.push(unreachable(state));
      continue;
    }
    const where = state.node;
    const who = label(state);
    checks.push({
      ok: !state.tilt,
      description: `${who} TILT`,
      expected: 'not in TILT',
      actual: state.tilt
        ? `in TILT${state.tiltSinceSeconds !== undefined ? ` for ${state.tiltSinceSeconds} s` : ''}`
        : 'not in TILT',
      where,
    });
    checks.push({
      ok: state.ckquorum?.ok === true,
      description: `${who} CKQUORUM ${masterName}`,
      expected: 'OK',
      actual: state.ckquorum?.message ?? 'not asked',
      where,
    });
    const flags = flagsOf(state.master);
    checks.push({
      ok: flags.length === 1 && flags[0] === 'master',
      description: `${who} flags for ${masterName}`,
      expected: 'master',
      actual: flags.join(',') || 'no such master',
      where,
    });
    const others = Number(state.master?.['num-other-sentinels'] ?? -1);
    checks.push({
      ok: others === n - 1,
      description: `${who} num-other-sentinels`,
      expected: String(n - 1),
      actual: String(others),
      where,
    });
    const downSentinels = (state.sentinels ?? []).filter((s) =>
      /s_down|o_down|disconnected/.test(String(s.flags)),
    );
    checks.push({
      ok: downSentinels.length === 0,
      description: `${who} sees the other Sentinels up`,
      expected: 'none down',
      actual:
        downSentinels.length === 0
          ? 'none down'
          : downSentinels.map((s) => `${s.ip}:${s.port} ${s.flags}`).join('; '),
      where,
    });
    const replicas = Number(state.master?.['num-slaves'] ?? -1);
    checks.push({
      ok: replicas === agreedReplicas,
      description: `${who} num-slaves`,
      expected: String(agreedReplicas),
      actual: String(replicas),
      where,
    });
    const badReplicas = (state.replicas ?? []).filter(
      (r) =>
        /s_down|o_down|disconnected/.test(String(r.flags)) ||
        (r['master-link-status'] !== undefined && r['master-link-status'] !== 'ok'),
    );
    checks.push({
      ok: badReplicas.length === 0,
      description: `${who} sees every replica up with its link ok`,
      expected: 'all replicas up, master-link-status ok',
      actual:
        badReplicas.length === 0
          ? `${state.replicas?.length ?? 0} replicas up`
          : badReplicas
              .map((r) => `${r.ip}:${r.port} flags ${r.flags}, link ${r['master-link-status']}`)
              .join('; '),
      where,
    });
  }
  checks.push(...downAfterAgreement(states, masterName));
  return checks;
}

/**
 * Every Sentinel judges the master down after the same time. A switchover raises down-after-milliseconds for
 * its pause and puts it back; one cut short (drillbook killed mid-pause) leaves some Sentinels slower to
 * notice a dead master than the rest, which nothing else would show.
 */
function downAfterAgreement(states: readonly SentinelState[], masterName: string): CheckResult[] {
  const values = states.flatMap((state) => {
    const ms = state.error ? undefined : state.master?.['down-after-milliseconds'];
    return ms === undefined ? [] : [{ who: label(state), ms: String(ms) }];
  });
  if (values.length < 2) return [];
  const agreed = new Set(values.map((value) => value.ms)).size === 1;
  return [
    {
      ok: agreed,
      description: `Sentinels agree on down-after-milliseconds for ${masterName}`,
      expected: 'the same on every Sentinel',
      actual: agreed
        ? `${values[0]?.ms} on all ${values.length}`
        : `${values.map((value) => `${value.who} ${value.ms}`).join(', ')}; a switchover cut short leaves it raised: SENTINEL SET ${masterName} down-after-milliseconds <the others' value> on the odd one out`,
    },
  ];
}

/**
 * Which Sentinels must answer: all (a Sentinel that does not is a failing check), or a majority (answering=majority:
 * during an incident one may be down, and the ones that answer — more than half, as Sentinel's own elections
 * need — are judged; the ones that do not are named in the count's check).
 */
export type Answering = 'all' | 'majority';

function majorityAnswers(states: readonly SentinelState[]): CheckResult {
  const answering = states.filter((s) => !s.error).length;
  const majority = Math.floor(states.length / 2) + 1;
  const silent = states.filter((s) => s.error).map((s) => `${label(s)}: ${s.error}`);
  return {
    ok: answering >= majority,
    description: 'Sentinels answering',
    expected: `at least ${majority} of ${states.length} (a majority)`,
    actual: `${answering}${silent.length ? ` (not answering: ${silent.join('; ')})` : ''}`,
  };
}

/** Every Sentinel (with answering=majority: every one that answers) names the same master, and that node's ROLE is master. */
export async function judgeAgreement(
  states: readonly SentinelState[],
  masterName: string,
  pool: RedisPool,
  redisSettings: ConnectionSettings,
  signal?: AbortSignal,
  answering: Answering = 'all',
): Promise<{ checks: CheckResult[]; master: string | null; role?: string }> {
  const checks: CheckResult[] = answering === 'majority' ? [majorityAnswers(states)] : [];
  const expected = majorityAddress(states);
  for (const state of states) {
    if (state.error) {
      if (answering === 'all') checks.push(unreachable(state));
      continue;
    }
    checks.push({
      ok: expected !== null && state.masterAddress === expected,
      description: `${label(state)} names the master of ${masterName}`,
      expected: expected ?? 'an address',
      actual: state.masterAddress ?? 'none',
      where: state.node,
    });
  }
  if (expected === null) return { checks, master: null };
  const parsed = parseHostPort(expected);
  if (!parsed) return { checks, master: expected };
  const node: NodeAddress = {
    name: expected,
    ...parsed,
    address: formatAddress(parsed.host, parsed.port),
    kind: 'redis',
  };
  let role: string;
  try {
    role = parseRole(await pool.call(node, redisSettings, ['ROLE'], signal))?.role ?? 'unknown';
  } catch (error) {
    if (signal?.aborted) throw error;
    role = error instanceof Error ? error.message : String(error);
  }
  checks.push({
    ok: role === 'master',
    description: `${expected} (named by the Sentinels) ROLE`,
    expected: 'master',
    actual: role,
    where: expected,
  });
  return { checks, master: expected, role };
}
