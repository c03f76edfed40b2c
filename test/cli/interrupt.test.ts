import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { collect, ensureBuilt, FIXTURES, jsonLines, startCli } from './helpers.js';

beforeAll(ensureBuilt, 120_000);

async function waitForFile(path: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Ctrl-C', () => {
  it('first SIGINT aborts the running step, stops the script, and exits 130 with run.finished aborted', async () => {
    const work = tempDir('drillbook-sigint-');
    const child = startCli([
      'run',
      join(FIXTURES, 'resume.md'),
      '--yes',
      '--json',
      '--journal',
      tempDir(),
      '--var',
      `work_dir=${work}`,
    ]);
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
  });
});
