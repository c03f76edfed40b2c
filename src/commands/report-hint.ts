// The `drillbook report` command that finds a run again: by its id when the journal is where report looks
// by default, else by the journal's path (a --journal FILE or DIR elsewhere).
import { basename, dirname, resolve } from 'node:path';
import { defaultJournalDir } from '../engine/journal.js';

export function reportHint(runId: string, journalPath: string): string {
  const inDefault = dirname(resolve(journalPath)) === resolve(defaultJournalDir());
  if (inDefault && basename(journalPath) === `${runId}.jsonl`) return `drillbook report ${runId}`;
  return `drillbook report ${/[\s'"$\\]/.test(journalPath) ? `'${journalPath.replace(/'/g, `'\\''`)}'` : journalPath}`;
}
