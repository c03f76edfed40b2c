// A trainee's predictions next to what was measured: one row per comparison.
import { Box } from 'ink';
import type { PredictionRow } from '../../contract/views.js';
import { Table } from './Table.js';

export function PredictionView({ rows, width }: { rows: readonly PredictionRow[]; width?: number }) {
  return (
    <Box marginTop={1}>
      <Table
        width={width}
        headers={['', 'you predicted', 'measured']}
        rows={rows.map((row) => [row.what, row.predicted, { text: row.measured, tone: 'ok' as const }])}
      />
    </Box>
  );
}
