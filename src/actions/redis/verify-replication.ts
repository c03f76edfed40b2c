// "Replication healthy": exactly one node says ROLE master, every other follows it with its link up and
// its offset within a tolerance, and the master lists each of them online. Expected vs actual per node.
import type { CheckResult } from '../../contract/action.js';
import type { ConnectionSettings, RedisPool } from '../../targets/redis/connection.js';
import { type ParsedInfo, parseInfo } from '../../targets/redis/info.js';
import type { NodeAddress } from '../../targets/redis/inventory.js';
import { parseRole, type RoleReply } from '../../targets/redis/replies.js';

export const DEFAULT_OFFSET_TOLERANCE = 1024 * 1024;

export interface NodeReplicationState {
  node: string;
  address: string;
  role?: RoleReply;
  replication?: ParsedInfo['replication'];
  error?: string;
}

export interface ReplicationReport {
  ok: boolean;
  master: string | null;
  nodes: NodeReplicationState[];
  checks: CheckResult[];
}

function label(node: { node: string; address: string }): string {
  return node.node === node.address ? node.address : `${node.node} (${node.address})`;
}

export async function surveyReplication(
  pool: RedisPool,
  nodes: readonly NodeAddress[],
  settings: ConnectionSettings,
  signal?: AbortSignal,
): Promise<NodeReplicationState[]> {
  return Promise.all(
    nodes.map(async (node): Promise<NodeReplicationState> => {
      try {
        const role = parseRole(await pool.call(node, settings, ['ROLE'], signal));
        const info = parseInfo(String(await pool.call(node, settings, ['INFO', 'replication'], signal)));
        return { node: node.name, address: node.address, role, replication: info.replication };
      } catch (error) {
        if (signal?.aborted) throw error;
        return {
          node: node.name,
          address: node.address,
          error: error instanceof Error ? error.message : String(error),
        };
      }
    }),
  );
}

export function judgeReplication(
  states: readonly NodeReplicationState[],
  tolerance: number,
): ReplicationReport {
  const checks: CheckResult[] = [];
  for (const state of states.filter((s) => s.error)) {
    checks.push({
      ok: false,
      description: `${label(state)} answers`,
      expected: 'ROLE and INFO replication',
      actual: state.error ?? '',
      where: state.node,
    });
  }
  const masters = states.filter((s) => s.role?.role === 'master');
  checks.push({
    ok: masters.length === 1,
    description: 'exactly one node reports ROLE master',
    expected: '1 master',
    actual: masters.length === 0 ? 'no master' : masters.map(label).join(', '),
  });
  const master = masters.length === 1 ? masters[0] : undefined;
  const masterOffset = master?.role?.role === 'master' ? master.role.offset : undefined;
  for (const state of states) {
    if (state.error || state === master || state.role?.role !== 'slave') continue;
    const role = state.role;
    const where = state.node;
    checks.push({
      ok: master !== undefined && role.master === master.address,
      description: `${label(state)} replicates from the master`,
      expected: master ? master.address : 'a single master',
      actual: role.master,
      where,
    });
    const link = state.replication?.master_link_status ?? 'unknown';
    checks.push({
      ok: link === 'up',
      description: `${label(state)} master_link_status`,
      expected: 'up',
      actual:
        link === 'up'
          ? 'up'
          : `${link} (state ${role.state}, last io ${state.replication?.master_last_io_seconds_ago ?? '?'} s ago)`,
      where,
    });
    if (masterOffset !== undefined) {
      const behind = masterOffset - role.offset;
      checks.push({
        ok: role.offset >= 0 && behind <= tolerance,
        description: `${label(state)} replication offset`,
        expected: `within ${tolerance} bytes of the master's ${masterOffset}`,
        actual: `${role.offset} (${behind} bytes behind)`,
        where,
      });
    }
    if (master?.replication) {
      const seen = master.replication.slaves.find((s) => s.address === state.address);
      checks.push({
        ok: seen?.state === 'online',
        description: `master ${label(master)} lists ${label(state)}`,
        expected: 'online',
        actual: seen
          ? seen.state
          : `not listed (master lists: ${master.replication.slaves.map((s) => `${s.address} ${s.state}`).join(', ') || 'none'})`,
        where: master.node,
      });
    }
  }
  for (const state of states) {
    if (!state.error && state.role && state.role.role !== 'master' && state.role.role !== 'slave') {
      checks.push({
        ok: false,
        description: `${label(state)} is a Redis node`,
        expected: 'master or slave',
        actual: state.role.role,
        where: state.node,
      });
    }
  }
  return { ok: checks.every((c) => c.ok), master: master?.address ?? null, nodes: [...states], checks };
}
