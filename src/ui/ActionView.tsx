// One action block of the selected step: what it runs, its live output, and its result.
import { Box, Text } from 'ink';
import { formatDuration } from '../contract/format.js';
import type { ActionBlock } from '../contract/runbook.js';
import { selectResultsVersion } from '../controller/selectors.js';
import type { ActionState } from '../controller/state.js';
import { OutputWindow } from './OutputWindow.js';
import { Spinner } from './Spinner.js';
import { useTui, useTuiStore } from './store-context.js';
import { useTone } from './theme.js';
import { ProgressView } from './views/ProgressView.js';
import { ResultView } from './views/ResultView.js';

const PREVIEW_LINES = 8;

export function ActionView({
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
  const preview = state && state.preview.length > 0 ? state.preview : commands.actionPreview(stepId, index);
  const shown = preview.slice(0, PREVIEW_LINES);
  const status = state?.status ?? 'pending';
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
        {preview.length > shown.length ? (
          <Text color={tone('muted')}>{`… ${preview.length - shown.length} more lines`}</Text>
        ) : null}
      </Box>
      {state ? <OutputWindow action={state} height={outputHeight} fromEnd={outputScroll} /> : null}
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
}
