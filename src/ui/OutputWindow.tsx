// A window of an action's output ring buffer: at most `height` lines, one terminal row each, so the tree
// stays the same size however much a step prints.
import { Box, Text } from 'ink';
import type { ActionState } from '../controller/state.js';
import { useTone } from './theme.js';

export function OutputWindow({
  action,
  height,
  fromEnd,
}: {
  action: ActionState;
  height: number;
  /** Lines scrolled back from the newest. */
  fromEnd: number;
}) {
  const tone = useTone();
  const { output } = action;
  if (output.size === 0) return null;
  const window = output.window(height, fromEnd);
  const back = Math.max(0, Math.min(fromEnd, output.size - window.length));
  const above = output.totalPushed - back - window.length;
  // Rows are fixed slots of the window (key = slot), so streaming changes their text, never the tree.
  const lines = window.map((line, slot) => ({ ...line, slot }));
  return (
    <Box flexDirection="column">
      {above > 0 ? (
        <Text
          color={tone('muted')}
        >{`  ⋮ ${above.toLocaleString('en')} earlier line${above === 1 ? '' : 's'}${output.dropped > 0 ? ` (${output.dropped.toLocaleString('en')} no longer kept)` : ''}`}</Text>
      ) : null}
      {lines.map((line) => (
        <Text
          key={line.slot}
          wrap="truncate"
          color={line.stream === 'stderr' ? tone('warn') : line.stream === 'info' ? tone('muted') : undefined}
        >
          {`  ${line.text}`}
        </Text>
      ))}
      {back > 0 ? (
        <Text color={tone('muted')}>{`  ⋮ ${back} newer line${back === 1 ? '' : 's'} (PgDn)`}</Text>
      ) : null}
    </Box>
  );
}
