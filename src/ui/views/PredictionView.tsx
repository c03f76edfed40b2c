// A trainee's predictions next to what was measured: one row per comparison.
import { Box } from 'ink';
import { isRecord, text } from './fields.js';
import { KeyValueView } from './KeyValueView.js';
import { Table } from './Table.js';

export function PredictionView({ data }: { data: unknown }) {
  const rows = isRecord(data) && Array.isArray(data.rows) ? data.rows.filter(isRecord) : undefined;
  if (!rows) return <KeyValueView data={data} />;
  return (
    <Box marginTop={1}>
      <Table
        headers={['', 'you predicted', 'measured']}
        rows={rows.map((row) => [
          text(row.what),
          text(row.predicted),
          { text: text(row.measured), tone: 'ok' as const },
        ])}
      />
    </Box>
  );
}
