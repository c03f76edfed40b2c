// The Sentinel events a wait resolved on: when, what, and which Sentinels saw it.
import { Box, Text } from 'ink';
import type { TimelineRow } from '../../contract/views.js';

export function TimelineView({ entries }: { entries: readonly TimelineRow[] }) {
  return (
    <Box flexDirection="column">
      {entries.map((e) => (
        <Text key={`${e.afterMs}-${e.event}`} wrap="truncate">
          {`${(e.afterMs / 1000).toFixed(2)} s  ${e.event}  ${e.detail}${e.seenBy.length ? `  (seen by ${e.seenBy.join(', ')})` : ''}`}
        </Text>
      ))}
    </Box>
  );
}
