// The review step's comparison: one row per drill (RTO, unavailability, acknowledged writes lost, what the
// old master acknowledged after the fault, p99 latency), then each drill's timeline chart, smaller.
import { Box, Text } from 'ink';
import type { DrillResult } from '../../contract/views.js';
import { humanMs, humanUnavailable } from '../../drill/series.js';
import { useTone } from '../theme.js';
import { DrillChart } from './DrillResultsView.js';
import { type Cell, Table } from './Table.js';

export function DrillsCompareView({ drills, width }: { drills: DrillResult[]; width: number }) {
  const tone = useTone();
  const rows: Cell[][] = drills.map((d) => [
    { text: d.probe },
    { text: humanMs(d.phases.probeRecoveredMs) },
    { text: humanUnavailable(d), tone: d.writes_recovered === false ? 'error' : undefined },
    { text: String(d.lost_acknowledged), tone: d.lost_acknowledged === 0 ? 'ok' : 'error' },
    { text: String(d.split_brain_writes), tone: d.split_brain_writes === 0 ? undefined : 'warn' },
    { text: humanMs(d.latency_ms.p99) },
  ]);
  return (
    <Box flexDirection="column" marginTop={1} width={width}>
      <Table headers={['drill', 'RTO', 'unavail.', 'lost', 'old acked', 'p99']} rows={rows} />
      {drills.map((drill) => (
        <Box key={drill.probe} flexDirection="column" marginTop={1}>
          <Text bold color={tone('heading')}>
            {`${drill.probe}: ${drill.phases.fault ? drill.phases.fault.name : 'no fault recorded'}`}
          </Text>
          <DrillChart data={drill} width={width} height={3} />
        </Box>
      ))}
    </Box>
  );
}
