// Picks how to show a finished action's result from its `view` hint; unknown views get a key/value table.
import { Box } from 'ink';
import { isDrillData } from '../../drill/report.js';
import type { ActionState } from '../../store/state.js';
import { useTerminalSize } from '../hooks.js';
import { resultWidth } from '../layout.js';
import { ChecksView } from './ChecksView.js';
import { DrillResultsView } from './DrillResultsView.js';
import { DrillsCompareView, isDrillList } from './DrillsCompareView.js';
import { DropletsView } from './DropletsView.js';
import { ErrorView } from './ErrorView.js';
import { KeyValueView } from './KeyValueView.js';
import { PredictionView } from './PredictionView.js';
import { RedisView } from './RedisView.js';
import { ReplicationView } from './ReplicationView.js';
import { SentinelsView } from './SentinelsView.js';

function ProbeResult({ data }: { data: unknown }) {
  const { columns } = useTerminalSize();
  // A probe that was started (or never settled) has no results card yet: its figures as key/values.
  return isDrillData(data) ? (
    <DrillResultsView data={data} width={resultWidth(columns)} />
  ) : (
    <KeyValueView data={data} />
  );
}

function DrillsResult({ data }: { data: unknown }) {
  const { columns } = useTerminalSize();
  return isDrillList(data) ? (
    <DrillsCompareView drills={data.drills} width={resultWidth(columns)} />
  ) : (
    <KeyValueView data={data} />
  );
}

function ResultData({ view, data }: { view?: string; data: unknown }) {
  switch (view) {
    case 'probe':
      return <ProbeResult data={data} />;
    case 'drills':
      return <DrillsResult data={data} />;
    case 'prediction':
      return <PredictionView data={data} />;
    case 'droplets':
      return <DropletsView data={data} />;
    case 'replication':
      return <ReplicationView data={data} />;
    case 'sentinels':
      return <SentinelsView data={data} />;
    case 'redis':
      return <RedisView data={data} />;
    case 'checks':
    case 'none':
    case 'text':
      return null;
    default:
      return view === undefined ? null : <KeyValueView data={data} />;
  }
}

export function ResultView({ action }: { action: ActionState }) {
  const hasData = action.data !== undefined && action.data !== null;
  return (
    <Box flexDirection="column">
      {hasData ? <ResultData view={action.view} data={action.data} /> : null}
      {action.checks && action.checks.length > 0 ? <ChecksView checks={action.checks} /> : null}
      {action.error ? <ErrorView error={action.error} /> : null}
    </Box>
  );
}
