// INFO replication highlights per node: role, link status, offsets, lag.
import { isRecord, pick, type Row, rowsOf, text } from './fields.js';
import { KeyValueView } from './KeyValueView.js';
import { type Cell, Table } from './Table.js';

function nodesOf(data: unknown): Row[] {
  if (isRecord(data) && pick(data, 'role') !== undefined) return [data];
  return rowsOf(data, ['nodes', 'replication', 'servers'], 'node').filter(
    (r) => pick(r, 'role') !== undefined,
  );
}

function linkCell(row: Row): Cell {
  // INFO replication says master_link_status up/down; a ROLE reply says the replica's state (connected …).
  const state = pick(row, 'state');
  const link =
    pick(row, 'master_link_status', 'link', 'linkStatus', 'link_status') ??
    (state === undefined ? undefined : state === 'connected' ? 'up' : state);
  if (link === undefined) {
    const replicas = pick(row, 'connected_slaves', 'replicas');
    const count = Array.isArray(replicas) ? replicas.length : replicas;
    return { text: pick(row, 'role') === 'master' ? `${text(count, '0')} replicas` : '—' };
  }
  return { text: text(link), tone: link === 'up' ? 'ok' : 'error' };
}

export function ReplicationView({ data }: { data: unknown }) {
  const rows = nodesOf(data);
  if (rows.length === 0) return <KeyValueView data={data} />;
  return (
    <Table
      headers={['node', 'role', 'link', 'offset', 'lag']}
      rows={rows.map((r) => [
        text(pick(r, 'node', 'name', 'address', 'host')),
        { text: text(pick(r, 'role')), tone: pick(r, 'role') === 'master' ? 'ok' : undefined },
        linkCell(r),
        text(pick(r, 'master_repl_offset', 'offset', 'slave_repl_offset', 'replOffset')),
        text(pick(r, 'lag', 'lagBytes', 'lag_bytes', 'master_last_io_seconds_ago')),
      ])}
    />
  );
}
