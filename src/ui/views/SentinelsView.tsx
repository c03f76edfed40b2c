// What each Sentinel believes: master address, flags, quorum, TILT, and whether they all agree.
import { Text } from 'ink';
import { useTone } from '../theme.js';
import { pick, type Row, rowsOf, text } from './fields.js';
import { KeyValueView } from './KeyValueView.js';
import { type Cell, Table } from './Table.js';

function masterAddress(row: Row): string | undefined {
  const address = pick(row, 'master', 'masterAddress', 'master_address', 'master_addr', 'address');
  if (typeof address === 'string') return address;
  const ip = pick(row, 'master.ip', 'ip', 'master_ip');
  const port = pick(row, 'master.port', 'port', 'master_port');
  return ip === undefined ? undefined : port === undefined ? String(ip) : `${ip}:${port}`;
}

function yesNo(value: unknown, goodWhen: boolean): Cell {
  if (value === undefined) return { text: '—' };
  const truthy =
    value === true || value === 1 || value === '1' || (typeof value === 'string' && /^ok\b/i.test(value));
  return { text: truthy ? 'yes' : 'no', tone: truthy === goodWhen ? 'ok' : 'error' };
}

export function SentinelsView({ data }: { data: unknown }) {
  const tone = useTone();
  const rows = rowsOf(data, ['sentinels', 'nodes'], 'sentinel');
  if (rows.length === 0) return <KeyValueView data={data} />;
  const addresses = new Set(rows.map(masterAddress).filter((a) => a !== undefined));
  const agree = addresses.size === 1;
  return (
    <>
      <Table
        headers={['sentinel', 'master', 'flags', 'quorum OK', 'TILT']}
        rows={rows.map((r) => [
          text(pick(r, 'sentinel', 'name', 'node', 'address')),
          text(masterAddress(r)),
          text(pick(r, 'flags')),
          yesNo(pick(r, 'quorumOk', 'quorum_ok', 'ckquorum', 'quorum'), true),
          yesNo(pick(r, 'tilt', 'TILT', 'sentinel_tilt'), false),
        ])}
      />
      <Text color={tone(agree ? 'ok' : 'error')}>
        {agree
          ? `✓ all ${rows.length} Sentinels agree on ${[...addresses][0]}`
          : `✗ Sentinels disagree: ${[...addresses].join(' vs ') || 'no master address reported'}`}
      </Text>
    </>
  );
}
