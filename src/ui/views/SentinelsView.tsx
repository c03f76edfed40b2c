// What each Sentinel believes: master address, flags, quorum, TILT, and whether they all agree.
// Reads the sentinel kind's { sentinels: [...], agreement: {...} } and simpler per-Sentinel rows alike.
import { Text } from 'ink';
import { useTone } from '../theme.js';
import { isRecord, pick, type Row, rowsOf, text } from './fields.js';
import { KeyValueView } from './KeyValueView.js';
import { type Cell, Table } from './Table.js';

function nameOf(row: Row): string {
  return text(pick(row, 'sentinel', 'node', 'name', 'address'));
}

function masterAddress(row: Row, agreement: Row | undefined): string | undefined {
  const agreed = agreement && isRecord(agreement.masters) ? agreement.masters[nameOf(row)] : undefined;
  if (typeof agreed === 'string') return agreed;
  const address = pick(row, 'masterAddress', 'master_address', 'master_addr', 'master');
  if (typeof address === 'string') return address;
  const ip = pick(row, 'master.ip', 'master_ip');
  const port = pick(row, 'master.port', 'master_port');
  return ip === undefined ? undefined : port === undefined ? String(ip) : `${ip}:${port}`;
}

function flagsOf(row: Row, agreement: Row | undefined): unknown {
  const agreed = agreement && isRecord(agreement.flags) ? agreement.flags[nameOf(row)] : undefined;
  const flags = agreed ?? pick(row, 'flags', 'master.flags');
  return Array.isArray(flags) ? flags.join(',') : flags;
}

/** OK when a CKQUORUM reply (or a quorum field) says so. */
function quorumOf(row: Row): unknown {
  const direct = pick(row, 'quorumOk', 'quorum_ok', 'ckquorum.ok', 'ckquorum');
  if (direct !== undefined) return direct;
  const commands = Array.isArray(row.commands) ? row.commands.filter(isRecord) : [];
  const ck = commands.find((c) => typeof c.command === 'string' && /CKQUORUM/i.test(c.command));
  if (!ck) return undefined;
  return ck.error ? false : String(ck.reply ?? '');
}

function yesNo(value: unknown, goodWhen: boolean): Cell {
  if (value === undefined) return { text: '—' };
  const truthy =
    value === true || value === 1 || value === '1' || (typeof value === 'string' && /^ok\b/i.test(value));
  return { text: truthy ? 'yes' : 'no', tone: truthy === goodWhen ? 'ok' : 'error' };
}

function tiltOf(row: Row, agreement: Row | undefined): unknown {
  const own = pick(row, 'tilt', 'TILT', 'sentinel_tilt');
  if (own !== undefined) return own;
  return agreement && Array.isArray(agreement.tilt) ? agreement.tilt.includes(nameOf(row)) : undefined;
}

export function SentinelsView({ data }: { data: unknown }) {
  const tone = useTone();
  const agreement = isRecord(data) && isRecord(data.agreement) ? data.agreement : undefined;
  const single = isRecord(data) && typeof data.node === 'string' && Array.isArray(data.commands);
  const rows = single ? [data as Row] : rowsOf(data, ['sentinels', 'nodes'], 'sentinel');
  if (rows.length === 0) return <KeyValueView data={data} />;
  const addresses = rows.map((r) => masterAddress(r, agreement));
  // A command that says nothing about the master (SENTINEL FAILOVER → OK) has its reply in the output
  // above: a table of dashes would only be noise.
  const known = rows.some(
    (r, i) => addresses[i] !== undefined || flagsOf(r, agreement) !== undefined || quorumOf(r) !== undefined,
  );
  if (!known) return null;
  const distinct = new Set(addresses.filter((a) => a !== undefined));
  const agree = agreement?.sameMaster === undefined ? distinct.size === 1 : agreement.sameMaster === true;
  return (
    <>
      <Table
        headers={['sentinel', 'master', 'flags', 'quorum OK', 'TILT']}
        rows={rows.map((r, i) => [
          nameOf(r),
          text(addresses[i]),
          text(flagsOf(r, agreement)),
          yesNo(quorumOf(r), true),
          yesNo(tiltOf(r, agreement), false),
        ])}
      />
      {rows.length > 1 ? (
        <Text color={tone(agree ? 'ok' : 'error')}>
          {agree
            ? `✓ all ${rows.length} Sentinels agree on ${[...distinct][0]}`
            : `✗ Sentinels disagree: ${[...distinct].join(' vs ') || 'no master address reported'}`}
        </Text>
      ) : null}
    </>
  );
}
