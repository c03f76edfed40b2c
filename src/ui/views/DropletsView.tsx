// Droplets as a table: name, status, private IP, region, price.
import { Text } from 'ink';
import { isRecord, pick, type Row, rowsOf, text } from './fields.js';
import { KeyValueView } from './KeyValueView.js';
import { type Cell, Table } from './Table.js';

function privateIp(row: Row): unknown {
  const direct = pick(row, 'private_ip', 'privateIp', 'private_ip_address', 'ip');
  if (direct !== undefined) return direct;
  const v4 = pick(row, 'networks.v4');
  if (Array.isArray(v4)) return v4.find((n) => isRecord(n) && n.type === 'private')?.ip_address;
  return undefined;
}

function price(row: Row): string {
  const hourly = pick(row, 'price_hourly', 'priceHourly', 'size.price_hourly');
  if (typeof hourly === 'number') return `$${hourly.toFixed(3)}/h`;
  const monthly = pick(row, 'price_monthly', 'priceMonthly', 'size.price_monthly');
  if (typeof monthly === 'number') return `$${monthly}/mo`;
  return text(hourly ?? monthly);
}

function statusCell(value: unknown): Cell {
  const status = text(value);
  return {
    text: status,
    tone: status === 'active' ? 'ok' : status === 'off' || status === 'archive' ? 'error' : 'warn',
  };
}

export function DropletsView({ data }: { data: unknown }) {
  const rows = rowsOf(data, ['droplets', 'nodes', 'items']);
  if (rows.length === 0) return <KeyValueView data={data} />;
  const active = rows.filter((r) => pick(r, 'status') === 'active').length;
  return (
    <>
      <Table
        headers={['name', 'status', 'private IP', 'region', 'price']}
        rows={rows.map((r) => [
          text(pick(r, 'name', 'id')),
          statusCell(pick(r, 'status')),
          text(privateIp(r)),
          text(pick(r, 'region.slug', 'region', 'region_slug')),
          price(r),
        ])}
      />
      <Text>{`${active} of ${rows.length} droplets active`}</Text>
    </>
  );
}
