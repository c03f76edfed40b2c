// One action block of the selected step: what it runs, its live output, and its result. A finished command
// block whose table shows the replies keeps its raw reply lines folded (o shows them), so INFO replication or a
// SENTINEL MASTER dump is not printed twice; with details folded (training) a do block's API request listing
// is one line (v shows it).
import { Box, Text } from 'ink';
import { memo } from 'react';
import { formatDuration } from '../contract/format.js';
import type { ActionBlock } from '../contract/runbook.js';
import { selectDetailsFolded, selectOutputExpanded, selectResultsVersion } from '../controller/selectors.js';
import type { ActionState } from '../controller/state.js';
import { OutputWindow } from './OutputWindow.js';
import { Spinner } from './Spinner.js';
import { useTui, useTuiStore } from './store-context.js';
import { useTone } from './theme.js';
import { ProgressView } from './views/ProgressView.js';
import { ResultView } from './views/ResultView.js';

const PREVIEW_LINES = 8;
/** Views that show a command block's replies as a table: the raw lines would repeat them. */
const TABLE_VIEWS = new Set(['redis', 'sentinels']);

export const ActionView = memo(function ActionView({
  stepId,
  index,
  block,
  state,
  outputHeight,
  outputScroll,
}: {
  stepId: string;
  index: number;
  block: ActionBlock;
  state?: ActionState;
  outputHeight: number;
  outputScroll: number;
}) {
  const tone = useTone();
  const { commands } = useTui();
  useTuiStore(selectResultsVersion);
  const folded = useTuiStore(selectDetailsFolded);
  const expanded = useTuiStore(selectOutputExpanded);
  const preview = state && state.preview.length > 0 ? state.preview : commands.actionPreview(stepId, index);
  const requestsFolded = folded && block.kind === 'do' && preview.length > 0;
  const shown = requestsFolded ? [] : preview.slice(0, PREVIEW_LINES);
  const status = state?.status ?? 'pending';
  const rawFolded =
    !expanded &&
    state !== undefined &&
    status !== 'running' &&
    state.view !== undefined &&
    TABLE_VIEWS.has(state.view.kind) &&
    state.output.size > 0;
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate">
        {status === 'running' ? (
          <Spinner />
        ) : (
          <Text color={tone(status === 'passed' ? 'ok' : status === 'failed' ? 'error' : 'muted')}>
            {status === 'passed' ? '✓' : status === 'failed' ? '✗' : '▸'}
          </Text>
        )}{' '}
        <Text bold>{block.kind}</Text>
        {block.id ? <Text color={tone('muted')}>{` id=${block.id}`}</Text> : null}
        {block.safety !== 'safe' ? (
          <Text color={tone(block.safety === 'destructive' ? 'error' : 'warn')}>{` ${block.safety}`}</Text>
        ) : null}
        {state?.summary ? <Text>{` — ${state.summary}`}</Text> : null}
        {state?.durationMs !== undefined ? (
          <Text color={tone('muted')}>{` (${formatDuration(state.durationMs, { fixedWidth: true })})`}</Text>
        ) : null}
      </Text>
      <Box flexDirection="column" paddingLeft={2}>
        {shown.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: preview lines are positional.
          <Text key={i} wrap="truncate" color={tone('code')}>
            {line || ' '}
          </Text>
        ))}
        {requestsFolded ? (
          <Text color={tone('muted')}>
            {`${preview.length} API request${preview.length === 1 ? '' : 's'} folded (v shows them)`}
          </Text>
        ) : preview.length > shown.length ? (
          <Text color={tone('muted')}>{`… ${preview.length - shown.length} more lines`}</Text>
        ) : null}
        {rawFolded ? (
          <Text color={tone('muted')}>
            {`${state.output.totalPushed} raw reply lines folded (o shows them)`}
          </Text>
        ) : null}
      </Box>
      {state && !rawFolded ? (
        <OutputWindow action={state} height={outputHeight} fromEnd={outputScroll} />
      ) : null}
      {state?.progress && state.status === 'running' ? (
        <Box paddingLeft={2}>
          <ProgressView progress={state.progress} />
        </Box>
      ) : null}
      {state && state.status !== 'running' ? (
        <Box paddingLeft={2}>
          <ResultView action={state} />
        </Box>
      ) : null}
    </Box>
  );
});
