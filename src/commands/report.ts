// drillbook report RUN|JOURNAL: a Markdown (or JSON) summary rebuilt from the journal alone.
import { chmodSync, writeFileSync } from 'node:fs';
import { locateJournal, readJournal } from '../engine/journal.js';
import { renderMarkdownReport, summarizeRun } from '../engine/report.js';
import { EXIT, HELP, parseCommandArgs, UsageError } from './args.js';

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
  const summary = summarizeRun(readJournal(journal));
  const text = values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderMarkdownReport(summary);
  if (values.out) {
    writeFileSync(values.out, text, { mode: 0o600 });
    chmodSync(values.out, 0o600);
    process.stderr.write(`report written to ${values.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return EXIT.passed;
}
