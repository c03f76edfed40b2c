// The help bar (built from the keymap; keys that would do nothing right now are dimmed) and the notice line.
import { Box, Text } from 'ink';
import { memo } from 'react';
import { selectNotice } from '../controller/selectors.js';
import type { TuiState } from '../controller/state.js';
import { footerEntries } from './keymap.js';
import { useTuiStore } from './store-context.js';
import { useTone } from './theme.js';

const ENTRIES = footerEntries();

const selectDisabledMask = (state: TuiState) =>
  ENTRIES.map((e) => (e.binding.disabledReason?.(state) ? '1' : '0')).join('');

const ALWAYS: ReadonlySet<string> = new Set(['help', 'quit']);
const CTRL_C_HINT = '^C abort';

/** Entries in keymap order that fit the width; `? help` and `q quit` are always kept. */
function fitEntries(columns: number): number[] {
  const width = (i: number) => (ENTRIES[i]?.keys.length ?? 0) + (ENTRIES[i]?.label.length ?? 0) + 3;
  let used = CTRL_C_HINT.length;
  for (let i = 0; i < ENTRIES.length; i++)
    if (ALWAYS.has(ENTRIES[i]?.binding.command ?? '')) used += width(i);
  const shown: number[] = [];
  for (let i = 0; i < ENTRIES.length; i++) {
    if (ALWAYS.has(ENTRIES[i]?.binding.command ?? '')) shown.push(i);
    else if (used + width(i) <= columns) {
      used += width(i);
      shown.push(i);
    }
  }
  return shown;
}

export const Footer = memo(function Footer({ columns }: { columns: number }) {
  const mask = useTuiStore(selectDisabledMask);
  const tone = useTone();
  return (
    <Box height={1}>
      <Text wrap="truncate">
        {fitEntries(columns).map((i) => {
          const entry = ENTRIES[i] as (typeof ENTRIES)[number];
          return (
            <Text key={entry.binding.command} dimColor={mask[i] === '1'}>
              <Text bold color={tone('accent')}>
                {entry.keys}
              </Text>
              {` ${entry.label}  `}
            </Text>
          );
        })}
        <Text bold color={tone('accent')}>
          ^C
        </Text>
        {' abort'}
      </Text>
    </Box>
  );
});

export const NoticeLine = memo(function NoticeLine() {
  const notice = useTuiStore(selectNotice);
  const tone = useTone();
  return (
    <Box height={1}>
      <Text
        wrap="truncate"
        color={
          notice
            ? tone(notice.level === 'info' ? 'accent' : notice.level === 'warn' ? 'warn' : 'error')
            : undefined
        }
      >
        {notice?.text ?? ' '}
      </Text>
    </Box>
  );
});
