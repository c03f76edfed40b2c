// What the terminal says when a TUI run ends: how far the run got, each drill's headline figures, and
// where the report and its charts are — not only two paths.
import type { RunReport } from './report.js';
import { humanMs, humanUnavailable } from './series.js';

export function runEndSummary(report: RunReport, files: { report: string; charts: string[] }): string[] {
  const { summary } = report;
  const count = (status: string) => summary.steps.filter((step) => step.status === status).length;
  const passed = count('passed');
  const parts = [`${passed} of ${summary.steps.length} steps passed`];
  for (const status of ['failed', 'skipped', 'pending'] as const) {
    const n = count(status);
    if (n > 0) parts.push(`${n} ${status === 'pending' ? 'not run' : status}`);
  }
  if (summary.findings.length > 0)
    parts.push(
      `${summary.findings.length} finding${summary.findings.length === 1 ? '' : 's'} (see the report)`,
    );
  const how = summary.status ? ` (run ${summary.status})` : '';
  const lines = [`${summary.runbook.title}: ${parts.join(', ')}${how}`];
  for (const drill of report.drills) {
    const oldMaster =
      drill.split_brain_writes > 0 ? `, the old master took ${drill.split_brain_writes} after the fault` : '';
    lines.push(
      `  drill ${drill.probe}: RTO ${humanMs(drill.phases.probeRecoveredMs)}, writes failed for ${humanUnavailable(drill)}, ` +
        `${drill.lost_acknowledged} acknowledged writes lost${oldMaster}`,
    );
  }
  lines.push(`report:  ${files.report}`);
  if (files.charts.length > 0) lines.push(`charts:  ${files.charts.join(', ')} (beside the report)`);
  return lines;
}
