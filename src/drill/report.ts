// The drill part of a run report: for every probe that was stopped, what the application lived through
// (RTO, RPO, phases, settings in force), rendered after the engine's step-by-step summary.
import type { EngineEvent } from '../contract/events.js';
import type { DrillData, DrillResult } from '../contract/views.js';
import { type RunSummary, renderMarkdownReport, summarizeRun } from '../engine/report.js';
import { failoverSequence } from './mermaid.js';

export type { DrillData, DrillResult };

export interface TrainingEntry {
  step: string;
  what: string;
  predicted: string;
  measured: string;
}

export interface RunReport {
  summary: RunSummary;
  drills: DrillResult[];
  /** Each `prediction` block's rows: what the trainee predicted next to what was measured. */
  training: TrainingEntry[];
}

/** A published `probe.<name>` value (read back through the namespace, so untyped) that holds a drill's figures. */
export function isDrillData(data: unknown): data is DrillData {
  return (
    typeof data === 'object' &&
    data !== null &&
    'attempted' in data &&
    'phases' in data &&
    'master_after' in data
  );
}

export function collectDrills(events: readonly EngineEvent[]): DrillResult[] {
  const drills: DrillResult[] = [];
  for (const event of events) {
    if (event.type !== 'action.finished' || event.view?.kind !== 'probe') continue;
    drills.push({ step: event.step, probe: event.view.probe, ...event.view.result });
  }
  return drills;
}

function collectTraining(events: readonly EngineEvent[]): TrainingEntry[] {
  const entries: TrainingEntry[] = [];
  for (const event of events) {
    if (event.type !== 'action.finished' || event.view?.kind !== 'prediction') continue;
    for (const row of event.view.rows) entries.push({ step: event.step, ...row });
  }
  return entries;
}

export function buildRunReport(events: readonly EngineEvent[]): RunReport {
  return { summary: summarizeRun(events), drills: collectDrills(events), training: collectTraining(events) };
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The training record: every prediction next to its measurement, and the trainee's answers in those steps. */
function renderTraining(report: RunReport, titles: Map<string, string>): string[] {
  const trainee = report.summary.operators.join(', ') || 'the operator';
  const out = [
    '',
    '## Training record',
    '',
    `Trainee: ${trainee}.`,
    '',
    '| Step | What | Predicted | Measured |',
    '| --- | --- | --- | --- |',
  ];
  for (const entry of report.training) {
    out.push(
      `| ${cell(titles.get(entry.step) ?? entry.step)} | ${cell(entry.what)} | ${cell(entry.predicted)} | ${cell(entry.measured)} |`,
    );
  }
  const steps = new Set(report.training.map((entry) => entry.step));
  const answers = report.summary.interactions.filter(
    (i) => steps.has(i.step) && !i.kind.startsWith('confirm'),
  );
  if (answers.length > 0) {
    out.push('', 'Answers:', '');
    for (const answer of answers) out.push(`* ${answer.question} — ${answer.answer}`);
  }
  return out;
}

const ms = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : `${value} ms`;
const keys = (list: string[]): string =>
  list.length > 0 ? ` (${list.map((k) => `\`${k}\``).join(', ')})` : '';

/** How min-replicas-to-write bounds the window, when it is set: the figure to compare with. */
function minReplicasNote(drill: DrillResult): string {
  const { min_replicas_to_write: replicas, min_replicas_max_lag: lag } = drill.settings;
  if (replicas === undefined || replicas === '0' || lag === undefined) {
    return ' (no min-replicas-to-write: an isolated master acknowledges writes until it is demoted)';
  }
  return ` (min-replicas-to-write ${replicas}, min-replicas-max-lag ${lag} s: an isolated master stops after about ${lag} s without its replica)`;
}

function renderDrill(
  drill: DrillResult,
  stepTitle: string,
  chartFile: string | undefined,
  labModes: string[],
): string[] {
  const p = drill.phases;
  const out = [`### ${stepTitle}: probe \`${drill.probe}\``, ''];
  if (!drill.failed_over) {
    out.push(
      `**No failover observed**: the master stayed ${drill.master_after}. If the drill caused a fault, Sentinel did not act on it — check quorum, down-after-milliseconds and the timeline below.`,
      '',
    );
  }
  out.push(
    '| Measure | Value |',
    '| --- | --- |',
    `| Fault | ${p.fault ? `${p.fault.name} — ${p.fault.detail}` : 'none recorded'} |`,
    `| RTO: fault → first acknowledged write after the outage | ${ms(p.probeRecoveredMs)} |`,
    ...(p.faultCompletedMs !== null && p.faultCompletedMs !== undefined
      ? [
          `| RTO counted from | the API accepting the action; it reported it completed ${ms(p.faultCompletedMs)} later (RTO from completion: ${ms(p.probeRecoveredMs === null ? null : Math.max(0, p.probeRecoveredMs - p.faultCompletedMs))}) |`,
        ]
      : []),
    `| Writes unavailable (first failure → first success after it) | ${drill.writes_recovered === false ? `at least ${ms(drill.unavailable_ms)}: writes had not recovered when the probe stopped` : ms(drill.unavailable_ms)} |`,
    `| Longest gap between acknowledged writes | ${ms(drill.longest_gap_ms)} |`,
    `| RPO: acknowledged writes lost | **${drill.lost_acknowledged}**${keys(drill.lost_acknowledged_keys)} |`,
    `| Unacknowledged writes present anyway | ${drill.unacknowledged_present}${keys(drill.unacknowledged_present_keys)} |`,
    `| Writes attempted / acknowledged / failed / indeterminate | ${drill.attempted} / ${drill.acknowledged} / ${drill.failed} / ${drill.indeterminate} |`,
    `| Write latency p50 / p99 / max | ${drill.latency_ms.p50} / ${drill.latency_ms.p99} / ${drill.latency_ms.max} ms |`,
    `| Master before → after | ${drill.master_before ?? '—'} → ${drill.master_after} |`,
    ...(drill.failed_over
      ? [
          `| Writes the old master acknowledged after the fault (split-brain window) | ${drill.split_brain_writes} |`,
          ...(drill.split_brain_window_ms !== null && drill.split_brain_window_ms !== undefined
            ? [
                `| Fault → the old master's last acknowledged write | ${ms(drill.split_brain_window_ms)}${minReplicasNote(drill)} |`,
              ]
            : []),
        ]
      : []),
    ...(p.writePauseMs !== null && p.writePauseMs !== undefined
      ? [`| Writes paused by the switchover (CLIENT PAUSE → UNPAUSE) | ${ms(p.writePauseMs)} |`]
      : []),
    '',
    '| Phase (after the fault) | ms |',
    '| --- | --- |',
    `| +sdown (first Sentinel) | ${ms(p.sdownMs)} |`,
    `| +odown | ${ms(p.odownMs)} |`,
    `| +elected-leader | ${ms(p.electedLeaderMs)} |`,
    `| +promoted-slave | ${ms(p.promotedReplicaMs)} |`,
    `| +switch-master, first Sentinel | ${ms(p.switchMasterFirstMs)} |`,
    `| +switch-master, last Sentinel | ${ms(p.switchMasterAllMs)} |`,
    `| probe recovered | ${ms(p.probeRecoveredMs)} |`,
    `| probe lag after the first +switch-master | ${ms(p.probeLagAfterSwitchMs)} |`,
    '',
    '```mermaid',
    failoverSequence(drill),
    '```',
    '',
  );
  if (chartFile) {
    out.push(`![Writes over time with the failover phases, probe ${drill.probe}](${chartFile})`, '');
  }
  const settings = Object.entries(drill.settings).filter(([name]) => name !== 'unreadable');
  // The lab's mode decides what the numbers prove: loopback processes, or containers behind a real firewall.
  const lab = labModes.length > 0 ? [`lab mode ${labModes.join(' then ')}`] : [];
  out.push(
    'Settings in force: ' +
      [...lab, ...settings.map(([name, value]) => `${name.replaceAll('_', '-')} ${value}`)].join(', ') +
      '.',
  );
  for (const gap of drill.settings.unreadable ?? []) out.push('', `> could not read ${gap}`);
  out.push(
    '',
    'Probe client: ' +
      Object.entries(drill.client_options)
        .map(([name, value]) => `${name} ${Array.isArray(value) ? value.join(', ') : String(value)}`)
        .join('; ') +
      '.',
    '',
  );
  return out;
}

/**
 * chartFiles: for each drill (by index in report.drills), the file name of its SVG chart written beside the
 * report, linked as an image; drills without one get the Mermaid diagram and tables only.
 */
export function renderRunReportMarkdown(
  report: RunReport,
  options: { chartFiles?: ReadonlyArray<string | undefined> } = {},
): string {
  const base = renderMarkdownReport(report.summary);
  if (report.drills.length === 0 && report.training.length === 0) return base;
  const titles = new Map(report.summary.steps.map((s) => [s.id, `${s.number}. ${s.title}`]));
  const lines: string[] = [];
  if (report.drills.length > 0) lines.push('', '## Drills', '');
  report.drills.forEach((drill, i) => {
    lines.push(
      ...renderDrill(
        drill,
        titles.get(drill.step) ?? drill.step,
        options.chartFiles?.[i],
        report.summary.labModes,
      ),
    );
  });
  if (report.training.length > 0) lines.push(...renderTraining(report, titles));
  return `${base.trimEnd()}\n${lines.join('\n')}`;
}
