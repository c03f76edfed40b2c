// The drill's writes as a time series (writes issued per bucket, by outcome) and the failover phases as
// markers on the same axis: what the TUI chart, the SVG chart and the JSON report are all drawn from.

import type { WriteSeries } from '../contract/views.js';
import type { FailoverPhases } from './phases.js';
import type { WriteRecord } from './probe-stats.js';

export type { WriteSeries };

export interface PhaseMarker {
  /** Short glyph for the terminal chart's marker row. */
  glyph: string;
  label: string;
  /** Monotonic run ms. */
  at: number;
}

/** Enough resolution to see a 50 ms client recovery; long drills get wider buckets. */
const BASE_BUCKET_MS = 100;
const MAX_BUCKETS = 600;
const NICE_BUCKETS = [100, 200, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

function bucketWidth(spanMs: number): number {
  return NICE_BUCKETS.find((width) => spanMs / width <= MAX_BUCKETS) ?? Math.ceil(spanMs / MAX_BUCKETS);
}

export function bucketWrites(records: readonly WriteRecord[]): WriteSeries {
  if (records.length === 0) {
    return { bucketMs: BASE_BUCKET_MS, startAt: 0, acknowledged: [], failed: [], indeterminate: [] };
  }
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const record of records) {
    first = Math.min(first, record.sentAt);
    last = Math.max(last, record.sentAt);
  }
  const bucketMs = bucketWidth(last - first);
  const startAt = Math.floor(first / bucketMs) * bucketMs;
  const count = Math.floor((last - startAt) / bucketMs) + 1;
  const series: WriteSeries = {
    bucketMs,
    startAt,
    acknowledged: new Array<number>(count).fill(0),
    failed: new Array<number>(count).fill(0),
    indeterminate: new Array<number>(count).fill(0),
  };
  for (const record of records) {
    const bucket = Math.floor((record.sentAt - startAt) / bucketMs);
    const row = series[record.outcome];
    row[bucket] = (row[bucket] ?? 0) + 1;
  }
  return series;
}

/** Sums adjacent buckets so the series fits in `columns` points (a terminal chart has one column per point). */
export function fitSeries(series: WriteSeries, columns: number): WriteSeries {
  const length = series.acknowledged.length;
  const factor = Math.max(1, Math.ceil(length / Math.max(1, columns)));
  if (factor === 1) return series;
  const merge = (row: number[]): number[] => {
    const out: number[] = [];
    for (let i = 0; i < row.length; i += factor) {
      out.push(row.slice(i, i + factor).reduce((sum, n) => sum + n, 0));
    }
    return out;
  };
  return {
    bucketMs: series.bucketMs * factor,
    startAt: series.startAt,
    acknowledged: merge(series.acknowledged),
    failed: merge(series.failed),
    indeterminate: merge(series.indeterminate),
  };
}

/** The fault and every observed phase, in time order, on the run's axis. */
export function phaseMarkers(phases: FailoverPhases): PhaseMarker[] {
  if (!phases.fault) return [];
  const at = phases.fault.at;
  const candidates: Array<[string, string, number | null]> = [
    ['F', `fault (${phases.fault.name})`, 0],
    ['s', '+sdown', phases.sdownMs],
    ['o', '+odown', phases.odownMs],
    ['L', '+elected-leader', phases.electedLeaderMs],
    ['P', '+promoted-slave', phases.promotedReplicaMs],
    ['M', '+switch-master', phases.switchMasterFirstMs],
    ['R', 'probe recovered', phases.probeRecoveredMs],
  ];
  return candidates
    .filter((entry): entry is [string, string, number] => entry[2] !== null)
    .map(([glyph, label, offset]) => ({ glyph, label, at: at + offset }))
    .sort((a, b) => a.at - b.at);
}

/** Times as people write them: "45 ms", "2.29 s", "1 min 05 s". */
/** How long writes failed, saying so when they had not recovered by the probe's stop. */
export function humanUnavailable(drill: { unavailable_ms: number; writes_recovered?: boolean }): string {
  return drill.writes_recovered === false
    ? `≥ ${humanMs(drill.unavailable_ms)}, not recovered`
    : humanMs(drill.unavailable_ms);
}

export function humanMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Number(ms.toFixed(abs < 10 ? 1 : 0))} ms`;
  if (abs < 60_000) return `${Number((ms / 1000).toFixed(abs < 10_000 ? 2 : 1))} s`;
  const minutes = Math.floor(abs / 60_000);
  const seconds = Math.round((abs % 60_000) / 1000);
  return `${ms < 0 ? '-' : ''}${minutes} min ${String(seconds).padStart(2, '0')} s`;
}
