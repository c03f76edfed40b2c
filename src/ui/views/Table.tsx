// A plain column table: header row, cells padded to the widest value, long cells cut with an ellipsis. Given
// the width it has, the widest columns give way until every column fits, so the last one (often the measured
// value) is never cut off the edge.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTone } from '../theme.js';

export interface Cell {
  text: string;
  tone?: 'ok' | 'error' | 'warn' | 'muted';
}

const MAX_CELL = 40;
const MIN_CELL = 6;
const GAP = 2;

/**
 * Narrows the widest column, one character at a time, until the row fits in width. First no column goes below
 * its header (at least 8) — and the last one (the value the table is about, e.g. what was measured) keeps up
 * to 45% of the width; only then may any column narrow to 6.
 */
function fitWidths(widths: number[], headers: string[], width: number | undefined): number[] {
  if (width === undefined) return widths;
  const fitted = [...widths];
  const total = () => fitted.reduce((sum, w) => sum + w, 0) + GAP * (fitted.length - 1);
  const floors = widths.map((natural, col) =>
    Math.min(
      natural,
      col === widths.length - 1 ? Math.floor(width * 0.45) : Math.max(headers[col]?.length ?? 0, 8),
    ),
  );
  for (const floorOf of [(col: number) => floors[col] ?? MIN_CELL, () => MIN_CELL]) {
    while (total() > width) {
      const candidates = fitted.map((w, col) => (w > floorOf(col) ? w : -1));
      const widest = candidates.indexOf(Math.max(...candidates));
      if ((candidates[widest] ?? -1) < 0) break;
      fitted[widest] = (fitted[widest] ?? 0) - 1;
    }
  }
  return fitted;
}

function fitCell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

export function Table({
  headers,
  rows,
  width,
}: {
  headers: string[];
  rows: Array<Array<Cell | string>>;
  /** Columns available; without it, columns take their width (up to 40 each). */
  width?: number;
}): ReactNode {
  const tone = useTone();
  const cells = rows.map((row) => row.map((c) => (typeof c === 'string' ? { text: c } : c)));
  const widths = fitWidths(
    headers.map((h, col) =>
      Math.min(MAX_CELL, Math.max(h.length, ...cells.map((r) => r[col]?.text.length ?? 0))),
    ),
    headers,
    width,
  );
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {headers.map((h, col) => fitCell(h, widths[col] ?? h.length)).join('  ')}
      </Text>
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
