// A plain column table: header row, cells padded to the widest value, long cells cut with an ellipsis.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTone } from '../theme.js';

export interface Cell {
  text: string;
  tone?: 'ok' | 'error' | 'warn' | 'muted';
}

const MAX_CELL = 40;

function fitCell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

export function Table({
  headers,
  rows,
}: {
  headers: string[];
  rows: Array<Array<Cell | string>>;
}): ReactNode {
  const tone = useTone();
  const cells = rows.map((row) => row.map((c) => (typeof c === 'string' ? { text: c } : c)));
  const widths = headers.map((h, col) =>
    Math.min(MAX_CELL, Math.max(h.length, ...cells.map((r) => r[col]?.text.length ?? 0))),
  );
  return (
    <Box flexDirection="column">
      <Text bold>{headers.map((h, col) => fitCell(h, widths[col] ?? h.length)).join('  ')}</Text>
      {cells.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows of one result never reorder.
        <Text key={i} wrap="truncate">
          {row.map((cell, col) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional.
            <Text key={col} color={cell.tone ? tone(cell.tone) : undefined}>
              {fitCell(cell.text, widths[col] ?? cell.text.length)}
              {col < row.length - 1 ? '  ' : ''}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
