// Journal faults seen from the command line: a journal that cannot be written stops the run with exit 1
// and says why; a journal in use by another run is refused naming its pid; the report hint finds a journal
// given as a file (issue #15 items 2, 4, 21).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { CLI, collect, ensureBuilt, FIXTURES, ROOT, runCli, startCli } from './helpers.js';

beforeAll(ensureBuilt, 120_000);

describe('journal faults', () => {
  it('stops at once with exit 1 and a clear message when the journal cannot grow (EFBIG under a file-size limit)', async () => {
    const dir = tempDir();
    const child = spawn(
      'prlimit',
      [
        '--fsize=8192',
        process.execPath,
        CLI,
        'run',
        join(FIXTURES, 'big-output.md'),
        '--plain',
        '--yes',
        '--journal',
        dir,
      ],
      { cwd: ROOT, env: { ...process.env, XDG_STATE_HOME: tempDir() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const run = await collect(child);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/error: the journal .* cannot be written \(EFBIG: file too large/);
    expect(run.stdout).toContain('stopped because the journal cannot be written');
    expect(run.stdout).not.toContain('after-ran');
    expect(run.stdout).not.toContain('line 400 of output');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a second run on a journal in use, naming the pid, with exit 2', async () => {
    const journal = join(tempDir(), 'drill.jsonl');
    const first = startCli(['run', join(FIXTURES, 'slow.md'), '--plain', '--yes', '--journal', journal]);
    const firstDone = collect(first);
    await new Promise<void>((resolve) => {
      first.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('started')) resolve();
      });
    });
    const second = await runCli(['run', join(FIXTURES, 'slow.md'), '--plain', '--yes', '--journal', journal]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`the journal ${journal} is in use by pid ${first.pid}`);
    first.kill('SIGINT');
    expect((await firstDone).code).toBe(130);
  });

  it('hints `drillbook report FILE` when --journal named a file', async () => {
    const journal = join(tempDir(), 'named.jsonl');
    const run = await runCli([
      'run',
      join(FIXTURES, 'basic.md'),
      '--plain',
      '--yes',
      '--var',
      'secret_word=abcdef',
      '--journal',
      journal,
    ]);
    expect(run.stdout).toContain(`any time: drillbook report ${journal})`);
    const report = await runCli(['report', journal]);
    expect(report.code).toBe(0);
  });
});
