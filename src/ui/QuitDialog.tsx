// `q` while a step runs: leaving aborts it, so ask first (No is the default).
import { Box, Text, useInput } from 'ink';
import { useTone } from './theme.js';

export function QuitDialog({ onAnswer }: { onAnswer: (yes: boolean) => void }) {
  const tone = useTone();
  useInput((input, key) => {
    if (input === 'y' || input === 'Y') onAnswer(true);
    else if (input === 'n' || input === 'N' || key.return || key.escape || input === 'q') onAnswer(false);
  });
  return (
    <Box borderStyle="double" borderColor={tone('warn')} paddingX={1}>
      <Text>A step is running. Abort it and quit? y/N</Text>
    </Box>
  );
}
