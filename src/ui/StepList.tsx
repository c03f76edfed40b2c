// The steps with status icons and durations; only the rows that fit are rendered, the selection kept visible.
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { StepStatus } from '../contract/events.js';
import { formatDuration } from '../contract/format.js';
import { selectStep, selectStepOrder, selectUi } from '../controller/selectors.js';
import type { StepState } from '../controller/state.js';
import { useClock } from './clock.js';
import { Spinner } from './Spinner.js';
import { useTui, useTuiStore } from './store-context.js';
import { type Tone, useTone } from './theme.js';

export const STATUS_ICONS: Record<Exclude<StepStatus, 'running'>, string> = {
  pending: '○',
  passed: '✓',
  failed: '✗',
  skipped: '–',
};

const STATUS_TONES: Record<StepStatus, Tone> = {
  pending: 'muted',
  running: 'accent',
  passed: 'ok',
  failed: 'error',
  skipped: 'muted',
};

export const StepList = memo(function StepList({ height }: { height: number }) {
  const order = useTuiStore(selectStepOrder);
  const { selected } = useTuiStore(selectUi);
  const first = Math.max(0, Math.min(selected - Math.floor(height / 2), order.length - height));
  const visible = order.slice(first, first + height);
  return (
    <Box flexDirection="column">
      {visible.map((id, i) => (
        <StepRow key={id} id={id} selected={first + i === selected} />
      ))}
    </Box>
  );
});

function StepRow({ id, selected }: { id: string; selected: boolean }) {
  const step = useTuiStore(selectStep(id)) as StepState;
  const tone = useTone();
  return (
    <Box flexDirection="row">
      <Box width={2} flexShrink={0}>
        {step.status === 'running' ? (
          <Spinner />
        ) : (
          <Text color={tone(STATUS_TONES[step.status])}>{STATUS_ICONS[step.status]}</Text>
        )}
      </Box>
      <Box flexGrow={1}>
        <Text inverse={selected} wrap="truncate">
          {`${step.index + 1}. ${step.title}`}
        </Text>
      </Box>
      <Box flexShrink={0} marginLeft={1}>
        <StepDuration step={step} />
      </Box>
    </Box>
  );
}

function StepDuration({ step }: { step: StepState }) {
  const { store } = useTui();
  const tone = useTone();
  useClock(4, step.status === 'running');
  if (step.status === 'running' && step.startedAt !== undefined) {
    const epoch = store.getState().run.epochMs ?? Date.now();
    return (
      <Text color={tone('muted')}>
        {formatDuration(Math.max(0, Date.now() - epoch - step.startedAt), { fixedWidth: true })}
      </Text>
    );
  }
  if (step.durationMs === undefined || step.status === 'skipped') return null;
  return <Text color={tone('muted')}>{formatDuration(step.durationMs, { fixedWidth: true })}</Text>;
}
