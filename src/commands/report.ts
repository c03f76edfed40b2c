// drillbook report RUN|JOURNAL: a Markdown (or JSON) summary rebuilt from the journal alone; `run` writes
// both beside the journal when it ends.
import { chmodSync, writeFileSync } from 'node:fs';
import { buildRunReport, type RunReport, renderRunReportMarkdown } from '../drill/report.js';
import { locateJournal, readJournal } from '../engine/journal.js';
import { EXIT, HELP, parseCommandArgs, UsageError } from './args.js';

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

const asJson = (report: RunReport): string => `${JSON.stringify(report, null, 2)}\n`;

/** Writes <run>.report.md and <run>.report.json (mode 0600) next to the journal; returns the Markdown path. */
export function writeReportsBeside(journalPath: string): string {
  const report = buildRunReport(readJournal(journalPath));
  const base = journalPath.replace(/\.jsonl$/, '');
  writePrivate(`${base}.report.json`, asJson(report));
  writePrivate(`${base}.report.md`, renderRunReportMarkdown(report));
  return `${base}.report.md`;
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
  const text = values.json ? asJson(report) : renderRunReportMarkdown(report);
  if (values.out) {
    writePrivate(values.out, text);
    process.stderr.write(`report written to ${values.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return EXIT.passed;
}
