// Which part of a drill's series a chart shows: the failover, not the minutes the probe ran while the
// operator read the runbook. Shared by the terminal chart and the SVG so both show the same window.
import type { PhaseMarker, WriteSeries } from './series.js';

/** Seconds kept before the fault and after the last marker. */
const LEAD_MS = 2000;
const TRAIL_MS = 2000;

export interface ChartWindow {
  series: WriteSeries;
  /** Monotonic run ms the window starts and ends at. */
  from: number;
  to: number;
  /** Whether buckets before or after the window were left out. */
  clipped: boolean;
}

export function failoverWindow(series: WriteSeries, markers: readonly PhaseMarker[]): ChartWindow {
  const end = series.startAt + series.acknowledged.length * series.bucketMs;
  const first = markers[0];
  const last = markers.at(-1);
  if (!first || !last || series.acknowledged.length === 0) {
    return { series, from: series.startAt, to: end, clipped: false };
  }
  const fromBucket = Math.max(0, Math.floor((first.at - LEAD_MS - series.startAt) / series.bucketMs));
  const toBucket = Math.min(
    series.acknowledged.length,
    Math.ceil((last.at + TRAIL_MS - series.startAt) / series.bucketMs),
  );
  if (toBucket <= fromBucket) return { series, from: series.startAt, to: end, clipped: false };
  const slice = (row: number[]) => row.slice(fromBucket, toBucket);
  const startAt = series.startAt + fromBucket * series.bucketMs;
  return {
    series: {
      bucketMs: series.bucketMs,
      startAt,
      acknowledged: slice(series.acknowledged),
      failed: slice(series.failed),
      indeterminate: slice(series.indeterminate),
    },
    from: startAt,
    to: startAt + (toBucket - fromBucket) * series.bucketMs,
    clipped: fromBucket > 0 || toBucket < series.acknowledged.length,
  };
}
