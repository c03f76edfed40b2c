// The drill's timeline as an SVG file for the report: acknowledged and not-acknowledged writes per bucket,
// with the fault and each failover phase as a vertical marker. Apache ECharts renders it server-side
// (renderer 'svg', ssr: true) to a string, with no browser or DOM.
import type * as Echarts from 'echarts';
import { failoverWindow } from './chart-window.js';
import type { DrillData } from './report.js';
import { humanMs, phaseMarkers } from './series.js';

const WIDTH = 900;
const HEIGHT = 420;

let echarts: typeof Echarts | undefined;

/**
 * ECharts (about 2 MB) is evaluated on the first chart, not whenever a report is written: every run writes
 * one when it ends, and most have no drill to draw. A static require keeps it in the bundle.
 */
function loadEcharts(): typeof Echarts {
  echarts ??= require('echarts') as typeof Echarts;
  return echarts;
}

/** SVG text of the drill's chart, or undefined when the probe recorded no series (older journals). */
export function drillChartSvg(title: string, data: DrillData): string | undefined {
  if (!data.series || data.series.acknowledged.length === 0) return undefined;
  const markers = phaseMarkers(data.phases);
  const window = failoverWindow(data.series, markers);
  const faultAt = data.phases.fault?.at ?? window.from;
  const seconds = (at: number) => Number(((at - faultAt) / 1000).toFixed(3));
  const { series } = window;
  const point = (row: number[]) =>
    row.map((count, i) => [seconds(series.startAt + i * series.bucketMs), count]);
  const notAcknowledged = series.failed.map((n, i) => n + (series.indeterminate[i] ?? 0));
  const chart = loadEcharts().init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      title: {
        text: title,
        subtext: markers.map((m) => `${m.label} ${humanMs(m.at - faultAt)}`).join(' · '),
        left: 'center',
        textStyle: { fontSize: 14 },
        subtextStyle: { fontSize: 11 },
      },
      legend: { bottom: 0, data: ['acknowledged', 'not acknowledged (failed or indeterminate)'] },
      grid: { left: 60, right: 30, top: 80, bottom: 70 },
      xAxis: {
        type: 'value',
        name: 's after the fault',
        nameLocation: 'middle',
        nameGap: 28,
        min: seconds(window.from),
        max: seconds(window.to),
      },
      yAxis: { type: 'value', name: `writes per ${humanMs(series.bucketMs)}`, minInterval: 1 },
      series: [
        {
          name: 'acknowledged',
          type: 'line',
          step: 'start',
          showSymbol: false,
          color: '#2e7d32',
          data: point(series.acknowledged),
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { type: 'dashed', color: '#555555' },
            label: { formatter: '{b}', position: 'insideEndTop', fontSize: 10 },
            data: markers.map((m) => ({ name: m.label, xAxis: seconds(m.at) })),
          },
        },
        {
          name: 'not acknowledged (failed or indeterminate)',
          type: 'line',
          step: 'start',
          showSymbol: false,
          color: '#c62828',
          data: point(notAcknowledged),
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
