// Droplets as a table: name, status, private IP, region, price.
import { Text } from 'ink';
import type { DropletRow } from '../../contract/views.js';
import { type Cell, Table } from './Table.js';

function statusCell(status: string): Cell {
  return {
    text: status,
    tone: status === 'active' ? 'ok' : status === 'off' || status === 'archive' ? 'error' : 'warn',
  };
}

export function DropletsView({ droplets }: { droplets: readonly DropletRow[] }) {
  const active = droplets.filter((d) => d.status === 'active').length;
  return (
    <>
      <Table
        headers={['name', 'status', 'private IP', 'region', 'price']}
        rows={droplets.map((d) => [
          d.name,
          statusCell(d.status),
          d.privateIp ?? '—',
          d.region || '—',
          d.priceHourly === null ? '—' : `$${d.priceHourly.toFixed(3)}/h`,
        ])}
      />
      <Text>{`${active} of ${droplets.length} droplets active`}</Text>
    </>
  );
}
