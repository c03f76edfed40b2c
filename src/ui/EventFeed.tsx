// The Sentinel event feed: the run's timeline (Sentinel pub/sub, faults, probe milestones), newest last.
// Each line says when the event was first seen, which Sentinel(s) saw it and what matters in it; the feed
// follows new events unless scrolled back, and its full-screen view shows every detail.
import { Box, Text } from 'ink';
import { memo } from 'react';
import { selectScroll, selectSentinelCount, selectTimelineVersion } from '../controller/selectors.js';
import { feedLine } from '../drill/feed-line.js';
import { useTerminalSize } from './hooks.js';
import { useTui, useTuiStore } from './store-context.js';
import { useTone } from './theme.js';

const WHO_WIDTH = 12;

export const EventFeed = memo(function EventFeed({
  height,
  full = false,
}: {
  height: number;
  full?: boolean;
}) {
  const { store } = useTui();
  const tone = useTone();
  useTuiStore(selectTimelineVersion);
  const fromEnd = useTuiStore(selectScroll('feed'));
  const sentinels = useTuiStore(selectSentinelCount);
  const { columns } = useTerminalSize();
  const timeline = store.getState().timeline;
  if (timeline.size === 0) return <Text color={tone('muted')}>No Sentinel events yet.</Text>;
  // A scrolled-back feed gives its last row to saying so (and how to follow again).
  const rows = fromEnd > 0 ? Math.max(1, height - 1) : height;
  const lines = timeline
    .window(rows, fromEnd)
    .map((entry) => ({ seq: entry.seq, line: feedLine(entry, sentinels) }));
  // The full log wraps long lines: keep the newest entries whose wrapped rows fit.
  const width = Math.max(20, columns - 4);
  let used = 0;
  const shown = full
    ? lines
        .reverse()
        .filter(({ line }) => {
          used += Math.ceil((8 + WHO_WIDTH + 1 + line.name.length + 1 + line.full.length) / width);
          return used <= rows;
        })
        .reverse()
    : lines;
  return (
    <Box flexDirection="column">
      {shown.map(({ seq, line }) => {
        return (
          <Text key={seq} wrap={full ? 'wrap' : 'truncate'}>
            <Text color={tone('muted')}>{line.time.padStart(7)}</Text>{' '}
            <Text color={tone('accent')}>{line.who.padEnd(WHO_WIDTH)}</Text> <Text bold>{line.name}</Text>{' '}
            {full ? line.full : line.what}
          </Text>
        );
      })}
      {fromEnd > 0 ? (
        <Text color={tone('warn')} wrap="truncate">
          {`↓ ${fromEnd} newer — scroll down to follow`}
        </Text>
      ) : null}
    </Box>
  );
});
