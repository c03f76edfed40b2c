// drillbook report RUN|JOURNAL: a Markdown (or JSON) summary rebuilt from the journal alone; `run` writes
// both beside the journal when it ends.
import { chmodSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { buildRunReport, type RunReport, renderRunReportMarkdown } from '../drill/report.js';
import { drillChartSvg } from '../drill/svg-chart.js';
import { locateJournal, readJournal } from '../engine/journal.js';
import { EXIT, HELP, parseCommandArgs, UsageError } from './args.js';

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

const asJson = (report: RunReport): string => `${JSON.stringify(report, null, 2)}\n`;

/**
 * Writes each drill's chart as <base>.drill-<probe>.svg (a probe name used twice gets -2, -3 ...) and
 * returns the file names, relative to the report beside them, for the Markdown to link.
 */
function writeDrillCharts(report: RunReport, base: string): Array<string | undefined> {
  const used = new Map<string, number>();
  return report.drills.map((drill) => {
    const svg = drillChartSvg(`Probe ${drill.probe}: writes over time`, drill);
    if (svg === undefined) return undefined;
    const seen = (used.get(drill.probe) ?? 0) + 1;
    used.set(drill.probe, seen);
    const file = `${base}.drill-${drill.probe}${seen > 1 ? `-${seen}` : ''}.svg`;
    writePrivate(file, svg);
    return basename(file);
  });
}

/**
 * Writes <run>.report.md, <run>.report.json and one <run>.drill-<probe>.svg per drill (mode 0600) next to
 * the journal; returns the Markdown path.
 */
export function writeReportsBeside(journalPath: string): string {
  return writeReportFiles(journalPath).markdown;
}

/** As writeReportsBeside, returning the report and every file written (for the run-end summary). */
export function writeReportFiles(journalPath: string): {
  report: RunReport;
  markdown: string;
  charts: string[];
} {
  const report = buildRunReport(readJournal(journalPath));
  const base = journalPath.replace(/\.jsonl$/, '');
  writePrivate(`${base}.report.json`, asJson(report));
  const chartFiles = writeDrillCharts(report, base);
  writePrivate(`${base}.report.md`, renderRunReportMarkdown(report, { chartFiles }));
  return {
    report,
    markdown: `${base}.report.md`,
    charts: chartFiles.filter((file): file is string => file !== undefined),
  };
}

export async function runReportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', argv, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    out: { type: 'string' },
    journal: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${HELP.report}\n`);
    return EXIT.passed;
  }
  if (positionals.length !== 1) throw new UsageError('name exactly one run id or journal file', 'report');
  const journal = locateJournal(positionals[0] as string, values.journal);
  const report = buildRunReport(readJournal(journal));
  if (values.out) {
    // Beside a Markdown file the charts can be linked; on stdout there is nowhere to put them.
    const text = values.json
      ? asJson(report)
      : renderRunReportMarkdown(report, {
          chartFiles: writeDrillCharts(report, values.out.replace(/(\.report)?\.md$/, '')),
        });
    writePrivate(values.out, text);
    process.stderr.write(`report written to ${values.out}\n`);
  } else {
    process.stdout.write(values.json ? asJson(report) : renderRunReportMarkdown(report));
  }
  return EXIT.passed;
}
