import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/engine/journal.js';
import { tempDir } from '../helpers/temp-dir.js';
import { collect, ensureBuilt, FIXTURES, jsonLines, runCli, startCli } from './helpers.js';

const FIXTURE = join(FIXTURES, 'resume.md');
const orphanGroups: number[] = [];

beforeAll(ensureBuilt, 120_000);

afterEach(() => {
  // A SIGKILLed drillbook cannot stop its script: end the process group the script left behind.
  for (const pgid of orphanGroups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('resume after kill -9', () => {
  it('continues at the interrupted step, never re-running passed steps nor the half-done one silently', async () => {
    const work = tempDir('drillbook-resume-work-');
    const journalDir = tempDir('drillbook-resume-journal-');
    const args = ['run', FIXTURE, '--json', '--journal', journalDir, '--var', `work_dir=${work}`];

    const child = startCli([...args, '--yes']);
    const done = collect(child);
    await waitForFile(join(work, 'long.started'), 20_000);
    orphanGroups.push(Number(readFileSync(join(work, 'long.pid'), 'utf8').trim()));
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');

    const runId = String(jsonLines(killed.stdout)[0]?.runId);
    const journalPath = join(journalDir, `${runId}.jsonl`);
    const before = readJournal(journalPath);
    expect(before.at(-1)?.type).not.toBe('run.finished');
    expect(
      before.filter((e) => e.type === 'step.started').map((e) => e.type === 'step.started' && e.step),
    ).toEqual(['record-the-first-step', 'long-step']);

    writeFileSync(join(work, 'resumed'), '');
    const refused = await runCli([...args, '--resume', runId]);
    expect(refused.code).toBe(1);
    const refusal = jsonLines(refused.stdout).find((e) => e.type === 'step.finished');
    expect(refusal).toMatchObject({ step: 'long-step', status: 'failed' });
    expect(String(refusal?.error)).toContain('it may have partly completed');
    expect(String(refusal?.error)).toContain('pass --yes');

    const resumed = await runCli([...args, '--resume', runId, '--yes']);
    expect(resumed.code).toBe(0);
    const events = jsonLines(resumed.stdout);
    expect(events[0]).toMatchObject({ type: 'run.started', runId });
    expect(
      events.some(
        (e) =>
          e.type === 'log' && e.level === 'warn' && String(e.message).includes('may have partly completed'),
      ),
    ).toBe(true);
    const finished = events.at(-1) as { type: string; status: string; steps: Array<{ status: string }> };
    expect(finished).toMatchObject({ type: 'run.finished', status: 'passed' });
    expect(finished.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed']);
    expect(readFileSync(join(work, 'first.log'), 'utf8')).toBe('ran\n');

    const journal = readJournal(journalPath);
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(
      new Set(
        journal.filter((e) => e.type === 'run.started').map((e) => e.type === 'run.started' && e.runId),
      ),
    ).toEqual(new Set([runId]));
  });
});
