// The bucketed write series and the phase markers every drill chart is drawn from.
import { describe, expect, it } from 'vitest';
import { failoverWindow } from '../../src/drill/chart-window.js';
import type { FailoverPhases } from '../../src/drill/phases.js';
import type { WriteOutcome, WriteRecord } from '../../src/drill/probe-stats.js';
import { bucketWrites, fitSeries, humanMs, phaseMarkers } from '../../src/drill/series.js';
import { drillChartLines } from '../../src/ui/views/drill-chart.js';

const write = (seq: number, sentAt: number, outcome: WriteOutcome): WriteRecord => ({
  seq,
  key: `k${seq}`,
  sentAt,
  doneAt: sentAt + 1,
  outcome,
});

/** 100 writes/s from t=1000 for 6 s; writes sent in [3000, 5300) fail, the first 100 ms of them time out. */
function crash(): WriteRecord[] {
  const records: WriteRecord[] = [];
  for (let i = 0; i < 600; i++) {
    const at = 1000 + i * 10;
    const outcome: WriteOutcome =
      at < 3000 || at >= 5300 ? 'acknowledged' : at < 3100 ? 'indeterminate' : 'failed';
    records.push(write(i + 1, at, outcome));
  }
  return records;
}

const phases: FailoverPhases = {
  fault: { name: 'power_off', detail: 'redis-1', at: 3000 },
  sdownMs: 1050,
  odownMs: 1140,
  electedLeaderMs: 1230,
  promotedReplicaMs: 2210,
  switchMasterFirstMs: 2260,
  switchMasterAllMs: 2270,
  probeRecoveredMs: 2300,
  probeLagAfterSwitchMs: 40,
  failedOver: true,
};

describe('write series', () => {
  it('counts the writes issued in each 100 ms bucket by outcome, from the first write', () => {
    const series = bucketWrites(crash());
    expect(series.bucketMs).toBe(100);
    expect(series.startAt).toBe(1000);
    expect(series.acknowledged).toHaveLength(60);
    expect(series.acknowledged.slice(18, 24)).toEqual([10, 10, 0, 0, 0, 0]);
    expect(series.indeterminate[20]).toBe(10);
    expect(series.failed.slice(20, 24)).toEqual([0, 10, 10, 10]);
    expect(series.acknowledged[43]).toBe(10);
    const total = (row: number[]) => row.reduce((a, b) => a + b, 0);
    expect(total(series.acknowledged) + total(series.failed) + total(series.indeterminate)).toBe(600);
  });

  it('widens buckets for a long probe so the series stays at most 600 buckets', () => {
    const records = Array.from({ length: 1000 }, (_, i) => write(i, i * 300, 'acknowledged'));
    const series = bucketWrites(records);
    expect(series.bucketMs).toBe(500);
    expect(series.acknowledged.length).toBeLessThanOrEqual(600);
  });

  it('fits a series to the columns available by summing neighbours', () => {
    const fitted = fitSeries(bucketWrites(crash()), 25);
    expect(fitted.bucketMs).toBe(300);
    expect(fitted.acknowledged).toHaveLength(20);
    expect(fitted.acknowledged[0]).toBe(30);
  });

  it('puts the fault and each observed phase on the run axis, in time order; missing phases are left out', () => {
    const markers = phaseMarkers({ ...phases, odownMs: null });
    expect(markers.map((m) => [m.glyph, m.at])).toEqual([
      ['F', 3000],
      ['s', 4050],
      ['L', 4230],
      ['P', 5210],
      ['M', 5260],
      ['R', 5300],
    ]);
    expect(phaseMarkers({ ...phases, fault: null })).toEqual([]);
  });

  it('zooms on the failover: two seconds before the fault to two after the last marker', () => {
    const records = [
      ...crash(),
      ...Array.from({ length: 400 }, (_, i) => write(700 + i, 7000 + i * 100, 'acknowledged')),
    ];
    const window = failoverWindow(bucketWrites(records), phaseMarkers(phases));
    expect(window.from).toBe(1000);
    expect(window.to).toBe(7300);
    expect(window.clipped).toBe(true);
  });

  it('draws each marker in the column of its bucket', () => {
    const chart = drillChartLines(bucketWrites(crash()), phaseMarkers(phases), { width: 80, color: false });
    const axis = (chart.lines[0] ?? '').search(/[┼┤]/);
    const markerRows = chart.lines.slice(6, -1);
    const columnOf = (glyph: string) => Math.max(...markerRows.map((row) => row.indexOf(glyph)));
    // 60 buckets fit in 75 columns: bucket = (t - 1000) / 100.
    expect(columnOf('F') - axis).toBe(20);
    expect(columnOf('s') - axis).toBe(30);
    expect(columnOf('R') - axis).toBe(43);
    expect(chart.lines.at(-1)).toMatch(/-2 s\s+\+4 s$/);
  });

  it('writes times as people do', () => {
    expect([
      humanMs(0.4),
      humanMs(45),
      humanMs(2290),
      humanMs(12_340),
      humanMs(65_000),
      humanMs(null),
    ]).toEqual(['0.4 ms', '45 ms', '2.29 s', '12.3 s', '1 min 05 s', '—']);
  });
});
