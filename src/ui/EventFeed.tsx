// The Sentinel event feed: the run's timeline (Sentinel pub/sub, faults, probe milestones), newest last.
import { Box, Text } from 'ink';
import { selectScroll, selectTimelineVersion } from '../store/selectors.js';
import { useTui, useTuiStore } from './store-context.js';
import { useTone } from './theme.js';

export function EventFeed({ height }: { height: number }) {
  const { store } = useTui();
  const tone = useTone();
  useTuiStore(selectTimelineVersion);
  const fromEnd = useTuiStore(selectScroll('feed'));
  const timeline = store.getState().timeline;
  if (timeline.size === 0) return <Text color={tone('muted')}>No Sentinel events yet.</Text>;
  const entries = timeline.window(height, fromEnd);
  return (
    <Box flexDirection="column">
      {entries.map((entry) => (
        <Text key={entry.seq} wrap="truncate">
          <Text color={tone('muted')}>{`+${(entry.t / 1000).toFixed(2)}s `}</Text>
          <Text color={tone('accent')}>{entry.source}</Text> <Text bold>{entry.name}</Text> {entry.detail}
          {entry.seenBy && entry.seenBy.length > 1 ? (
            <Text color={tone('muted')}>{` (seen by ${entry.seenBy.length})`}</Text>
          ) : null}
        </Text>
      ))}
    </Box>
  );
}
