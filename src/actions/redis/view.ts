// The typed payloads the redis and sentinel kinds show (src/contract/views.ts), built where the reply
// parsers are known, so the UI renders fields instead of guessing them.
import type { CommandRow, ReplicationRow } from '../../contract/views.js';
import type { ParsedInfo } from '../../targets/redis/info.js';
import type { RoleReply } from '../../targets/redis/replies.js';
import type { CommandRecord } from './execute.js';
import { formatReply } from './format.js';
import type { NodeReplicationState } from './verify-replication.js';

function roleOffset(role: RoleReply | undefined): number | undefined {
  return role && role.role !== 'sentinel' ? role.offset : undefined;
}

/** A node's replication row from INFO replication, ROLE, or both. */
export function replicationRow(
  node: string,
  info: ParsedInfo['replication'] | undefined,
  role: RoleReply | undefined,
  masterOffset?: number,
): ReplicationRow | undefined {
  const name = role?.role ?? info?.role;
  if (!name) return undefined;
  const offset = info ? (info.slave_repl_offset ?? info.master_repl_offset) : roleOffset(role);
  const row: ReplicationRow = { node, role: name, offset };
  if (name === 'master')
    row.replicas = info?.connected_slaves ?? (role?.role === 'master' ? role.replicas.length : undefined);
  else {
    // INFO says master_link_status up/down; a ROLE reply gives the replica's state (connected, sync …).
    const state = role?.role === 'slave' ? role.state : undefined;
    row.link = info?.master_link_status ?? (state === 'connected' ? 'up' : state);
    if (masterOffset !== undefined && offset !== undefined) row.lag = Math.max(0, masterOffset - offset);
  }
  return row;
}

/** Every node of a verify=replication survey; replicas' lag is measured against the master's offset. */
export function replicationRows(nodes: readonly NodeReplicationState[]): ReplicationRow[] {
  const master = nodes.find((n) => (n.role?.role ?? n.replication?.role) === 'master');
  const masterOffset = master?.replication?.master_repl_offset ?? roleOffset(master?.role);
  return nodes.map(
    (n) =>
      replicationRow(n.node, n.replication, n.role, masterOffset) ?? {
        node: n.node,
        role: '—',
        ...(n.error ? { error: n.error } : {}),
      },
  );
}

function commandRow(node: string, record: CommandRecord): CommandRow {
  const row: CommandRow = { command: record.command, reply: [] };
  if (record.error) return { ...row, error: record.error };
  if (record.skipped) return { ...row, skipped: true };
  row.reply = formatReply(record.reply);
  const verb = record.command.split(/\s+/)[0]?.toUpperCase();
  const replication =
    verb === 'INFO'
      ? replicationRow(node, (record.parsed as ParsedInfo | undefined)?.replication, undefined)
      : verb === 'ROLE'
        ? replicationRow(node, undefined, record.parsed as RoleReply | undefined)
        : undefined;
  return replication ? { ...row, replication } : row;
}

export function commandRows(node: string, commands: readonly CommandRecord[]): CommandRow[] {
  return commands.map((record) => commandRow(node, record));
}
