import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';
import { collect, ensureBuilt, FIXTURES, jsonLines, runCli, startCli } from './helpers.js';

beforeAll(ensureBuilt, 120_000);

async function waitForFile(path: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Ctrl-C', () => {
  it('first SIGINT aborts the running step, stops the script, exits 130 with run.finished aborted; --resume warns the step may have partly completed', async () => {
    const work = tempDir('drillbook-sigint-');
    const args = [
      'run',
      join(FIXTURES, 'resume.md'),
      '--json',
      '--journal',
      tempDir(),
      '--var',
      `work_dir=${work}`,
    ];
    const child = startCli([...args, '--yes']);
    const done = collect(child);
    await waitForFile(join(work, 'long.started'));
    const scriptPid = Number(readFileSync(join(work, 'long.pid'), 'utf8').trim());
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    const events = jsonLines(result.stdout);
    expect(events.find((e) => e.type === 'step.finished' && e.step === 'long-step')).toMatchObject({
      status: 'failed',
    });
    expect(String(events.find((e) => e.type === 'step.finished' && e.step === 'long-step')?.error)).toContain(
      'aborted',
    );
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
    expect(alive(scriptPid)).toBe(false);

    // Aborted part-way, the step may have done some of its work: --resume warns as it does after kill -9.
    writeFileSync(join(work, 'resumed'), '');
    const resumed = await runCli([...args, '--resume', String(events[0]?.runId), '--yes']);
    expect(resumed.code).toBe(0);
    const warnings = jsonLines(resumed.stdout).flatMap((e) =>
      e.type === 'log' && e.level === 'warn' ? [String(e.message)] : [],
    );
    expect(warnings).toContainEqual(expect.stringMatching(/"long-step" .*may have partly completed/));
  });
});

describe('cleanup (always=true) on Ctrl-C and SIGTERM', () => {
  const start = (work: string, mode: '--json' | '--plain') =>
    startCli([
      'run',
      join(FIXTURES, 'cleanup.md'),
      '--yes',
      mode,
      '--journal',
      tempDir(),
      '--var',
      `work_dir=${work}`,
    ]);

  it("SIGTERM aborts the running step, the later cleanup still runs, recorded as its step's cleanup; exit 143", async () => {
    const work = tempDir('drillbook-cleanup-');
    const child = start(work, '--json');
    const done = collect(child);
    await waitForFile(join(work, 'freeze.started'));
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(143);
    expect(readFileSync(join(work, 'thaw.log'), 'utf8')).toBe('thawed\n');
    expect(existsSync(join(work, 'frozen'))).toBe(false);
    expect(existsSync(join(work, 'look.log'))).toBe(false);
    const events = jsonLines(result.stdout);
    const thaw = events.filter((e) => e.step === 'thaw' && e.type.startsWith('step.'));
    expect(thaw.map((e) => [e.type, e.cleanup, e.status])).toEqual([
      ['step.started', true, undefined],
      ['step.finished', true, 'passed'],
    ]);
    expect(String(events.find((e) => e.type === 'step.finished' && e.step === 'freeze')?.error)).toContain(
      'terminated by SIGTERM',
    );
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });

  it('a second Ctrl-C skips the cleanup, says so, and quits with 130', async () => {
    const work = tempDir('drillbook-cleanup-');
    writeFileSync(join(work, 'slow-thaw'), '');
    const child = start(work, '--plain');
    const done = collect(child);
    await waitForFile(join(work, 'freeze.started'));
    child.kill('SIGINT');
    await waitForFile(join(work, 'thaw.started'));
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(
      'cleanup (always=true blocks) still runs (Ctrl-C again to skip it and quit)',
    );
    expect(result.stderr).toContain('skipping the cleanup and quitting');
    expect(result.stdout).toMatch(/Thaw cleanup failed[^\n]*aborted by the operator/);
    expect(existsSync(join(work, 'frozen'))).toBe(true);
    expect(existsSync(join(work, 'thaw.log'))).toBe(false);
  });
});
