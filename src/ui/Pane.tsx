// A bordered, fixed-height pane with a title row; the border shows which pane has focus.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTone } from './theme.js';

export function Pane({
  title,
  focused,
  height,
  width,
  flexGrow,
  children,
}: {
  title: ReactNode;
  focused: boolean;
  height: number;
  width?: number;
  flexGrow?: number;
  children: ReactNode;
}) {
  const tone = useTone();
  return (
    <Box
      flexDirection="column"
      borderStyle={focused ? 'bold' : 'round'}
      borderColor={focused ? tone('focus') : tone('muted')}
      height={height}
      width={width}
      flexGrow={flexGrow}
      flexShrink={0}
      overflow="hidden"
      paddingX={1}
    >
      <Text bold wrap="truncate">
        {title}
      </Text>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {children}
      </Box>
    </Box>
  );
}

/** Rows available for content inside a Pane of the given outer height (borders and title row excluded). */
export function paneContentRows(height: number): number {
  return Math.max(1, height - 3);
}
