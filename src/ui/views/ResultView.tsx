// Shows a finished action's result by its typed view (src/contract/views.ts), then its checks and error.
import { Box } from 'ink';
import type { ActionView } from '../../contract/views.js';
import type { ActionState } from '../../controller/state.js';
import { useTerminalSize } from '../hooks.js';
import { resultWidth } from '../layout.js';
import { ChecksView } from './ChecksView.js';
import { DrillResultsView } from './DrillResultsView.js';
import { DrillsCompareView } from './DrillsCompareView.js';
import { DropletsView } from './DropletsView.js';
import { ErrorView } from './ErrorView.js';
import { PredictionView } from './PredictionView.js';
import { RedisView } from './RedisView.js';
import { ReplicationView } from './ReplicationView.js';
import { SentinelsView } from './SentinelsView.js';
import { TimelineView } from './TimelineView.js';

function ViewOf({ view }: { view: ActionView }) {
  const { columns } = useTerminalSize();
  switch (view.kind) {
    case 'probe':
      return <DrillResultsView data={view.result} width={resultWidth(columns)} />;
    case 'droplets':
      return <DropletsView droplets={view.droplets} />;
    case 'replication':
      return <ReplicationView nodes={view.nodes} />;
    case 'sentinels':
      return <SentinelsView sentinels={view.sentinels} />;
    case 'redis':
      return <RedisView commands={view.commands} />;
    case 'timeline':
      return <TimelineView entries={view.entries} />;
    case 'drills':
      return <DrillsCompareView drills={view.drills} width={resultWidth(columns)} />;
    case 'prediction':
      return <PredictionView rows={view.rows} width={resultWidth(columns)} />;
    case 'checks':
      return null;
  }
}

export function ResultView({ action }: { action: ActionState }) {
  return (
    <Box flexDirection="column">
      {action.view ? <ViewOf view={action.view} /> : null}
      {action.checks && action.checks.length > 0 ? <ChecksView checks={action.checks} /> : null}
      {action.error ? <ErrorView error={action.error} /> : null}
    </Box>
  );
}
