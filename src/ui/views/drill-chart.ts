// The drill's timeline as terminal text: asciichart draws acknowledged / failed / indeterminate writes per
// bucket (one column per bucket), and marker rows under it put the fault and each Sentinel phase on the
// same columns, so "writes stopped here, Sentinel switched there, writes came back here" reads at a glance.
import asciichart from 'asciichart';
import { failoverWindow } from '../../drill/chart-window.js';
import { fitSeries, humanMs, type PhaseMarker, type WriteSeries } from '../../drill/series.js';

export interface ChartLines {
  /** Chart rows, marker rows and the time axis, each at most `width` columns. */
  lines: string[];
  /** What a bucket is, e.g. "writes/250 ms". */
  unit: string;
  /** One entry per marker ("s +sdown +1.05 s"), packed into lines of at most `width`, never split. */
  legend: string[];
  /** The window shown, for a caption. */
  from: string;
  to: string;
  clipped: boolean;
}

const LABEL_WIDTH = 4;

/** asciichart's colours (ANSI escapes) for acknowledged and not; none when the theme has colour off. */
function colors(color: boolean) {
  return color ? [asciichart.green, asciichart.red] : [undefined, undefined];
}

function markerRows(
  markers: readonly PhaseMarker[],
  series: WriteSeries,
  axisColumn: number,
  width: number,
): string[] {
  const rows: string[][] = [];
  for (const marker of markers) {
    const bucket = Math.floor((marker.at - series.startAt) / series.bucketMs);
    if (bucket < 0 || bucket >= series.acknowledged.length) continue;
    const column = axisColumn + bucket;
    // Phases a few ms apart share a column: stack them instead of hiding one.
    let row = rows.find((cells) => cells[column] === ' ');
    if (!row) {
      row = new Array<string>(width).fill(' ');
      rows.push(row);
    }
    row[column] = marker.glyph;
  }
  return rows.map((cells) => cells.join('').trimEnd());
}

/** Joins items with a separator into lines of at most `width` columns, keeping each item whole. */
function packLine(items: readonly string[], separator: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + separator.length + item.length > width) {
      lines.push(line);
      line = item;
    } else {
      line = line ? `${line}${separator}${item}` : item;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function drillChartLines(
  series: WriteSeries,
  markers: readonly PhaseMarker[],
  options: { width: number /** Chart rows above zero. */; height?: number; color?: boolean },
): ChartLines {
  const window = failoverWindow(series, markers);
  const columns = Math.max(8, options.width - LABEL_WIDTH - 1);
  const fitted = fitSeries(window.series, columns);
  const faultAt = markers.find((m) => m.glyph === 'F')?.at ?? window.from;
  const relative = (at: number) =>
    at === faultAt ? '0' : `${at > faultAt ? '+' : ''}${humanMs(at - faultAt)}`;
  const base = {
    unit: `writes/${humanMs(fitted.bucketMs)}`,
    legend: packLine(
      markers.map((m) => `${m.glyph} ${m.label} ${relative(m.at)}`),
      ' · ',
      options.width,
    ),
    from: relative(window.from),
    to: relative(window.to),
    clipped: window.clipped,
  };
  if (fitted.acknowledged.length === 0) return { ...base, lines: [] };
  // Failed and indeterminate writes are one line: both are writes the application could not count on.
  const notAcknowledged = fitted.failed.map((n, i) => n + (fitted.indeterminate[i] ?? 0));
  const height = options.height ?? 5;
  // A top that is a multiple of the height gives whole-number labels on every row.
  const peak = Math.max(1, ...fitted.acknowledged, ...notAcknowledged);
  const plotted = asciichart.plot([fitted.acknowledged, notAcknowledged], {
    height,
    min: 0,
    max: Math.ceil(peak / height) * height,
    colors: colors(options.color ?? true),
    format: (value: number) => String(Math.round(value)).padStart(LABEL_WIDTH),
  });
  const chart = plotted.split('\n');
  // Point 0 is drawn on the axis column, point x at axis + x.
  const axisColumn = LABEL_WIDTH + 1;
  const span = fitted.acknowledged.length;
  const times = `${' '.repeat(axisColumn)}${base.from}`;
  const end = base.to;
  const timeRow =
    times.length + 1 + end.length <= axisColumn + span
      ? `${times}${' '.repeat(axisColumn + span - times.length - end.length)}${end}`
      : times;
  return {
    ...base,
    lines: [...chart, ...markerRows(markers, fitted, axisColumn, axisColumn + span), timeRow],
  };
}
