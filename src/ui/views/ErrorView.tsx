// An action's error, in the server's (or tool's) own words, every line of it.
import { Box, Text } from 'ink';
import { useTone } from '../theme.js';

export function ErrorView({ error }: { error: string }) {
  const tone = useTone();
  return (
    <Box flexDirection="column">
      {error.split('\n').map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one message never reorder.
        <Text key={i} color={tone('error')}>
          {i === 0 ? `✗ ${line}` : `  ${line}`}
        </Text>
      ))}
    </Box>
  );
}
