// `?`: every key from the keymap with what it does, which ones change things, and why any is unavailable now.
import { Box, Text } from 'ink';
import { describeKeys, KEYMAP } from './keymap.js';
import { useTui } from './store-context.js';
import { useTone } from './theme.js';

export function HelpOverlay({ height }: { height: number }) {
  const { store } = useTui();
  const tone = useTone();
  const state = store.getState();
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1} overflow="hidden">
      <Text bold>Keys (? or Esc closes)</Text>
      {KEYMAP.map((binding) => {
        const reason = binding.disabledReason?.(state);
        return (
          <Text key={binding.command} wrap="truncate">
            <Text bold color={tone('accent')}>
              {describeKeys(binding).padEnd(10)}
            </Text>
            {binding.dangerous ? <Text color={tone('warn')}>! </Text> : '  '}
            {binding.help}
            {reason ? <Text color={tone('muted')}>{` (now: ${reason})`}</Text> : null}
          </Text>
        );
      })}
      <Text color={tone('muted')}>
        ! runs actions: mutating ones ask first, destructive ones want the name typed.
      </Text>
    </Box>
  );
}
