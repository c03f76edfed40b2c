// SIGTERM and SIGHUP end a headless run like Ctrl-C: the step's process group is stopped, the abort is
// journaled with the signal's name, the report is written, and the exit code is 128+n (issue #15 item 16).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';
import { collect, ensureBuilt, FIXTURES, startCli } from './helpers.js';

beforeAll(ensureBuilt, 120_000);

describe.each([
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)('%s during a running step', (signal, code) => {
  it(`stops the step's process group, journals "terminated by ${signal}", writes the report, exits ${code}`, async () => {
    const dir = tempDir();
    const child = startCli(['run', join(FIXTURES, 'slow.md'), '--plain', '--yes', '--journal', dir]);
    const done = collect(child);
    const scriptPid = await new Promise<number>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        const match = /started (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
    });
    child.kill(signal);
    const run = await done;
    expect(run.code).toBe(code);
    expect(alive(scriptPid)).toBe(false);
    const journal = readdirSync(dir).find((name) => name.endsWith('.jsonl')) as string;
    const events = readFileSync(join(dir, journal), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const finished = events.find((e) => e.type === 'step.finished');
    expect(finished.error).toContain(`terminated by ${signal}`);
    expect(finished.error).not.toContain('Ctrl-C');
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
    expect(readdirSync(dir)).toContain(journal.replace(/\.jsonl$/, '.report.md'));
  });
});
