// Title, target (with the lab's mode once known), run id, elapsed time, progress and the DRY RUN badge.
import { Box, Text } from 'ink';
import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectProgress, selectRun } from '../controller/selectors.js';
import { useClock } from './clock.js';
import { formatClock } from './hooks.js';
import { useTuiStore } from './store-context.js';
import { useTone } from './theme.js';

export const Header = memo(function Header() {
  const run = useTuiStore(selectRun);
  const progress = useTuiStore(useShallow(selectProgress));
  const tone = useTone();
  useClock(4, run.finished === undefined);
  const elapsed = run.finished
    ? run.finished.durationMs
    : run.epochMs === undefined
      ? 0
      : Date.now() - run.epochMs;
  return (
    <Box flexDirection="row" justifyContent="space-between" height={1}>
      <Text wrap="truncate" bold>
        {run.title}
      </Text>
      <Box flexShrink={0} gap={1}>
        {run.dryRun ? (
          <Text inverse bold color={tone('warn')}>
            {' DRY RUN '}
          </Text>
        ) : null}
        <Text>
          <Text color={tone('muted')}>target </Text>
          {run.target}
          {run.labMode ? ` (${run.labMode})` : ''}
        </Text>
        <Text wrap="truncate">
          <Text color={tone('muted')}>run </Text>
          {run.runId ?? '—'}
        </Text>
        <Text>{`${progress.passed + progress.skipped + progress.failed}/${progress.total}`}</Text>
        <Text>{`⏱ ${formatClock(elapsed)}`}</Text>
      </Box>
    </Box>
  );
});
