// A stopped probe's results card: what the application lived through (RTO, unavailability, acknowledged
// writes lost, latency, master before → after) and the drill's timeline chart with the failover phases.
import { Box, Text } from 'ink';
import { type ReactNode, useContext } from 'react';
import type { DrillData } from '../../contract/views.js';
import { humanMs, humanUnavailable, phaseMarkers } from '../../drill/series.js';
import { ThemeContext, useTone } from '../theme.js';
import { drillChartLines } from './drill-chart.js';

const LABEL = 18;

function Row({ label, children }: { label: string; children: ReactNode }) {
  const tone = useTone();
  return (
    <Box>
      <Box width={LABEL} flexShrink={0}>
        <Text color={tone('muted')}>{label}</Text>
      </Box>
      <Box flexGrow={1}>
        <Text>{children}</Text>
      </Box>
    </Box>
  );
}

export function DrillChart({ data, width, height }: { data: DrillData; width: number; height?: number }) {
  const tone = useTone();
  const { color } = useContext(ThemeContext);
  if (!data.series || data.series.acknowledged.length === 0) {
    return <Text color={tone('muted')}>No write series recorded for this probe.</Text>;
  }
  const chart = drillChartLines(data.series, phaseMarkers(data.phases), { width, color, height });
  return (
    <Box flexDirection="column" width={width}>
      <Text color={tone('muted')} wrap="truncate">
        {`${chart.unit}  `}
        <Text color={tone('ok')}>━ acked</Text> <Text color={tone('error')}>━ not acked</Text>
        {chart.clipped ? ' (zoomed)' : ''}
      </Text>
      {chart.lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: chart rows are positional.
        <Text key={i} wrap="truncate">
          {line}
        </Text>
      ))}
      {chart.legend.map((line) => (
        <Text key={line} color={tone('muted')} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}

export function DrillResultsView({ data, width }: { data: DrillData; width: number }) {
  const tone = useTone();
  const p = data.phases;
  const lost = data.lost_acknowledged;
  return (
    <Box flexDirection="column" marginTop={1} width={width}>
      <Text bold>
        {'Drill results '}
        <Text color={tone(data.failed_over ? 'ok' : 'warn')}>
          {data.failed_over ? '— failed over' : '— no failover observed'}
        </Text>
      </Text>
      <Row label="RTO">
        {humanMs(p.probeRecoveredMs)}
        <Text color={tone('muted')}> fault → writes again</Text>
      </Row>
      <Row label="Unavailable">
        {humanUnavailable(data)}
        <Text color={tone('muted')}>{` (longest gap ${humanMs(data.longest_gap_ms)})`}</Text>
      </Row>
      <Row label="Acked writes lost">
        <Text bold color={tone(lost === 0 ? 'ok' : 'error')}>
          {String(lost)}
        </Text>
        <Text color={tone('muted')}>{` · old master acked ${data.split_brain_writes} after the fault`}</Text>
      </Row>
      <Row label="Latency p50/p99">{`${humanMs(data.latency_ms.p50)} / ${humanMs(data.latency_ms.p99)}`}</Row>
      <Row label="Master">{`${data.master_before ?? '—'} → ${data.master_after}`}</Row>
      <Row label="Writes">
        {`${data.attempted}: ${data.acknowledged} acked, ${data.failed} failed, ${data.indeterminate} unknown`}
      </Row>
      <Box marginTop={1}>
        <DrillChart data={data} width={width} />
      </Box>
    </Box>
  );
}
