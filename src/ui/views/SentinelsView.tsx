// What each Sentinel believes: master address, flags, quorum, TILT, and whether they all agree.
import { Text } from 'ink';
import type { SentinelRow } from '../../contract/views.js';
import { useTone } from '../theme.js';
import { type Cell, Table } from './Table.js';

function yesNo(value: boolean | undefined, goodWhen: boolean): Cell {
  if (value === undefined) return { text: '—' };
  return { text: value ? 'yes' : 'no', tone: value === goodWhen ? 'ok' : 'error' };
}

export function SentinelsView({ sentinels }: { sentinels: readonly SentinelRow[] }) {
  const tone = useTone();
  // A command that says nothing about the master (SENTINEL FAILOVER → OK) has its reply in the output
  // above: a table of dashes would only be noise.
  if (!sentinels.some((s) => s.master !== null || s.flags.length > 0 || s.quorumOk !== undefined))
    return null;
  const distinct = [...new Set(sentinels.map((s) => s.master).filter((m) => m !== null))];
  const agree = distinct.length === 1 && sentinels.every((s) => s.master !== null);
  return (
    <>
      <Table
        headers={['sentinel', 'master', 'flags', 'quorum OK', 'TILT']}
        rows={sentinels.map((s) => [
          s.sentinel,
          s.master ?? '—',
          s.flags.join(',') || '—',
          yesNo(s.quorumOk, true),
          yesNo(s.tilt, false),
        ])}
      />
      {sentinels.length > 1 ? (
        <Text color={tone(agree ? 'ok' : 'error')}>
          {agree
            ? `✓ all ${sentinels.length} Sentinels agree on ${distinct[0]}`
            : `✗ Sentinels disagree: ${distinct.join(' vs ') || 'no master address reported'}`}
        </Text>
      ) : null}
    </>
  );
}
