// ```prediction — a trainee's prediction next to what was measured, as a small table on screen and as the
// training record in the report. One line per comparison: `what | predicted | measured`, each cell a
// template (e.g. `Writes failed for | {{ vars.predict_crash_seconds }} s | {{ probe.crash.unavailable_ms }} ms`).
import * as z from 'zod';
import type { ActionKind } from '../../contract/action.js';

export interface PredictionRow {
  what: string;
  predicted: string;
  measured: string;
}

export interface PredictionSpec {
  /** Unrendered rows, as written. */
  rows: PredictionRow[];
}

export const predictionAction: ActionKind<PredictionSpec> = {
  kind: 'prediction',
  description:
    "Shows a trainee's predictions next to the measured values; the report keeps them as the training record",
  attributes: z.strictObject({}),
  defaultSafety: () => 'safe',
  parse(input, report) {
    const rows: PredictionRow[] = [];
    const lines = input.body.split('\n');
    for (const [index, line] of lines.entries()) {
      if (!line.trim()) continue;
      const cells = line.split('|').map((cell) => cell.trim());
      if (cells.length !== 3 || cells.some((cell) => cell === '')) {
        report({
          line: index + 1,
          message: `"${line.trim()}" is not three cells`,
          hint: 'write what | predicted | measured, e.g. Writes failed for | {{ vars.predict_s }} s | {{ probe.crash.unavailable_ms }} ms',
        });
        return undefined;
      }
      const [what, predicted, measured] = cells as [string, string, string];
      rows.push({ what, predicted, measured });
    }
    if (rows.length === 0) {
      report({
        line: 1,
        message: 'a prediction block compares at least one value',
        hint: 'write what | predicted | measured',
      });
      return undefined;
    }
    return { rows };
  },
  confirmation: async (spec) => ({
    does: `shows ${spec.rows.length === 1 ? 'a prediction' : `${spec.rows.length} predictions`} next to what was measured`,
  }),
  preview: (spec) =>
    spec.rows.map((row) => `${row.what}: predicted ${row.predicted}, measured ${row.measured}`),
  async run(spec, ctx) {
    const rows = spec.rows.map((row) => ({
      what: ctx.render(row.what),
      predicted: ctx.render(row.predicted),
      measured: ctx.render(row.measured),
    }));
    return {
      ok: true,
      summary: rows
        .map((row) => `${row.what}: predicted ${row.predicted}, measured ${row.measured}`)
        .join('; '),
      data: { rows },
      view: { kind: 'prediction', rows },
    };
  },
};
