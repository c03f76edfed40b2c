// A trainee's predictions next to what was measured: one row per comparison.
import { Box } from 'ink';
import type { PredictionRow } from '../../contract/views.js';
import { Table } from './Table.js';

export function PredictionView({ rows }: { rows: readonly PredictionRow[] }) {
  return (
    <Box marginTop={1}>
      <Table
        headers={['', 'you predicted', 'measured']}
        rows={rows.map((row) => [row.what, row.predicted, { text: row.measured, tone: 'ok' as const }])}
      />
    </Box>
  );
}
