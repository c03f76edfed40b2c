import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { ensureBuilt, FIXTURES, runCli } from './helpers.js';

const SECRET = 'zebra-quartz-1984-secret';

beforeAll(ensureBuilt, 120_000);

describe('redaction across every artefact of a run', () => {
  it('never lets a secret reach stdout, stderr, the journal or the report', async () => {
    const journalDir = tempDir();
    const run = await runCli([
      'run',
      join(FIXTURES, 'basic.md'),
      '--yes',
      '--json',
      '--journal',
      journalDir,
      '--var',
      `secret_word=${SECRET}`,
    ]);
    expect(run.code).toBe(0);
    // The script really echoed it: the masking happened, not an empty variable.
    expect(run.stdout).toContain('the secret is ••••••');

    const [journalName] = readdirSync(journalDir).filter((name) => name.endsWith('.jsonl'));
    const journal = join(journalDir, journalName as string);
    const reportPath = join(tempDir(), 'report.md');
    const report = await runCli(['report', journal, '--out', reportPath]);
    expect(report.code).toBe(0);
    const reportJson = await runCli(['report', journal, '--json']);
    expect(statSync(journal).mode & 0o777).toBe(0o600);
    expect(statSync(reportPath).mode & 0o777).toBe(0o600);

    const kept = JSON.parse(readFileSync(journal.replace(/\.jsonl$/, '.secrets.json'), 'utf8'));
    const generated: string = kept.generated.session_token;
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(run.stdout).toContain('the token is ••••••');

    const artefacts = {
      stdout: run.stdout,
      stderr: run.stderr,
      journal: readFileSync(journal, 'utf8'),
      report: readFileSync(reportPath, 'utf8'),
      reportJson: reportJson.stdout,
    };
    for (const [name, text] of Object.entries(artefacts)) {
      expect({ name, hits: text.split(SECRET).length - 1 }).toEqual({ name, hits: 0 });
      expect({ name, generatedHits: text.split(generated).length - 1 }).toEqual({ name, generatedHits: 0 });
    }
    expect(artefacts.report).toContain('| 2 | Check the greeting | safe | passed |');
  });
});
