// The fallback for any result: a key/value table of its fields, nested values flattened to dotted keys.
import { Box, Text } from 'ink';
import { humanMs } from '../../drill/series.js';
import { useTone } from '../theme.js';
import { isRecord, text } from './fields.js';

const MAX_ROWS = 12;

function flatten(value: unknown, prefix: string, out: Array<[string, string]>, depth: number): void {
  if (out.length > MAX_ROWS) return;
  if (isRecord(value) && depth < 3) {
    for (const [key, inner] of Object.entries(value))
      flatten(inner, prefix ? `${prefix}.${key}` : key, out, depth + 1);
    return;
  }
  if (Array.isArray(value) && depth < 3 && value.length <= 5 && value.every((v) => !isRecord(v))) {
    out.push([prefix || 'value', value.map((v) => text(v)).join(', ')]);
    return;
  }
  out.push([prefix || 'value', readable(prefix, value)]);
}

/** Run-clock times and durations (`t`, `…_ms`, `…Ms`, `…_at`) as people write them: "29.1 s", "45 ms". */
function readable(key: string, value: unknown): string {
  const last = key.split('.').at(-1) ?? key;
  if (typeof value === 'number' && /^(t|at)$|_ms$|Ms$|_at$|At$/.test(last)) return humanMs(value);
  return text(value);
}

export function KeyValueView({ data }: { data: unknown }) {
  const tone = useTone();
  const rows: Array<[string, string]> = [];
  flatten(data, '', rows, 0);
  if (rows.length === 0) return null;
  const shown = rows.slice(0, MAX_ROWS);
  const width = Math.min(32, Math.max(...shown.map(([k]) => k.length)));
  return (
    <Box flexDirection="column">
      {shown.map(([key, value]) => (
        <Text key={key} wrap="truncate">
          <Text color={tone('muted')}>{key.padEnd(width)}</Text> {value}
        </Text>
      ))}
      {rows.length > MAX_ROWS ? <Text color={tone('muted')}>… more fields in the journal</Text> : null}
    </Box>
  );
}
