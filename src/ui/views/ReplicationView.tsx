// Replication per node: role, link status (or replicas on a master), offset, lag behind the master.
import type { ReplicationRow } from '../../contract/views.js';
import { type Cell, Table } from './Table.js';

const dash = (value: number | string | undefined): string => (value === undefined ? '—' : String(value));

function linkCell(row: ReplicationRow): Cell {
  if (row.error) return { text: row.error, tone: 'error' };
  if (row.role === 'master') return { text: `${row.replicas ?? 0} replicas` };
  if (row.link === undefined) return { text: '—' };
  return { text: row.link, tone: row.link === 'up' ? 'ok' : 'error' };
}

export function ReplicationView({ nodes }: { nodes: readonly ReplicationRow[] }) {
  return (
    <Table
      headers={['node', 'role', 'link', 'offset', 'lag']}
      rows={nodes.map((r) => [
        r.node,
        { text: r.role, tone: r.role === 'master' ? 'ok' : undefined },
        linkCell(r),
        dash(r.offset),
        dash(r.lag),
      ])}
    />
  );
}
