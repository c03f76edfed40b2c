import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { ensureBuilt, FIXTURES, jsonLines, runCli } from './helpers.js';

const fixture = (name: string) => join(FIXTURES, name);

beforeAll(ensureBuilt, 120_000);

describe('drillbook CLI', () => {
  it('prints its version and help, and rejects unknown commands and flags with exit 2', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^drillbook \d+\.\d+\.\d+\n$/);
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--allow-destroy');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const badFlag = await runCli(['run', fixture('basic.md'), '--colour']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("Unknown option '--colour'");
    expect(badFlag.stderr).toContain('drillbook run --help');
    const badVia = await runCli(['run', fixture('basic.md'), '--via', 'bastion.example']);
    expect(badVia.code).toBe(2);
    expect(badVia.stderr).toContain('--via bastion.example: write the jump host as ssh://user@host');
  });

  it('check: exit 0 for valid runbooks, 2 with file:line:col for invalid ones', async () => {
    const valid = await runCli(['check', fixture('basic.md'), fixture('failing-check.md')]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('basic.md: ok (2 steps)');
    const invalid = await runCli(['check', fixture('basic.md'), fixture('broken.md')]);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toContain('broken.md:9:15: timeout=abc is not a duration');
  });

  it('run --json: one event per line, the last run.finished with every step status and result, exit 0', async () => {
    const journal = tempDir();
    const result = await runCli([
      'run',
      fixture('basic.md'),
      '--yes',
      '--json',
      '--journal',
      journal,
      '--var',
      'secret_word=abc-def-ghi',
    ]);
    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events[0]?.type).toBe('run.started');
    const last = events.at(-1) as {
      type: string;
      status: string;
      steps: Array<{
        id: string;
        status: string;
        results: Record<string, { ok: boolean; data?: { exitCode?: number } }>;
      }>;
    };
    expect(last.type).toBe('run.finished');
    expect(last.status).toBe('passed');
    expect(last.steps.map((s) => [s.id, s.status])).toEqual([
      ['say-hello', 'passed'],
      ['check-the-greeting', 'passed'],
    ]);
    expect(last.steps[0]?.results.hello?.data?.exitCode).toBe(0);
    const runId = String(events[0]?.runId);
    expect(readdirSync(journal).sort()).toEqual([
      `${runId}.jsonl`,
      `${runId}.report.json`,
      `${runId}.report.md`,
      `${runId}.secrets.json`,
      'generated',
    ]);
    const report = join(journal, `${runId}.report.md`);
    expect(statSync(report).mode & 0o777).toBe(0o600);
    expect(readFileSync(report, 'utf8')).toContain('| 1 | Say hello | mutating | passed |');
    expect(result.stderr).toContain(`report:  ${report}`);
  });

  it('run: exit 1 when a check fails, showing expected and actual; later steps do not run', async () => {
    const result = await runCli([
      'run',
      fixture('failing-check.md'),
      '--yes',
      '--plain',
      '--journal',
      tempDir(),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ count.stdout == 2: expected == 2, actual 1');
    expect(result.stdout).not.toContain('unreachable');
    expect(result.stdout).toContain('✗ run failed');
  });

  it('run headless: names the flag to pass for a mutating step and for a prompt', async () => {
    const unconfirmed = await runCli([
      'run',
      fixture('basic.md'),
      '--journal',
      tempDir(),
      '--var',
      'secret_word=abc-def-ghi',
    ]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stdout).toContain('pass --yes to run it without a terminal');
    const unanswered = await runCli(['run', fixture('needs-value.md'), '--yes', '--journal', tempDir()]);
    expect(unanswered.code).toBe(2);
    expect(unanswered.stderr).toContain('pass --var droplet_count=VALUE');
    const answered = await runCli([
      'run',
      fixture('needs-value.md'),
      '--yes',
      '--journal',
      tempDir(),
      '--var',
      'droplet_count=5',
    ]);
    expect(answered.code).toBe(0);
    expect(answered.stdout).toContain('│ 5 droplets');
  });

  it('runs sh, prompt and check steps headless: --var answers prompts, --yes ticks checklist items', async () => {
    const args = ['run', fixture('mixed.md'), '--json', '--var', 'incident_id=INC-7'];
    const result = await runCli([...args, '--yes', '--journal', tempDir()]);
    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events.filter((e) => e.type === 'prompt.answered').map((e) => [e.kind, e.answer])).toEqual([
      ['value', 'INC-7'],
      ['checklist', 'done'],
    ]);
    expect(events.some((e) => e.type === 'log')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'passed' });

    const unticked = await runCli([...args, '--journal', tempDir()]);
    expect(unticked.code).toBe(1);
    expect(unticked.stdout).toContain('needs an operator: pass --yes to mark checklist items done');
  });

  it('run: exit 2 for an invalid runbook, an unknown step or a missing variable', async () => {
    const broken = await runCli(['run', fixture('broken.md'), '--yes']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('broken.md:9:15');
    const noStep = await runCli([
      'run',
      fixture('basic.md'),
      '--yes',
      '--from',
      'nowhere',
      '--var',
      'secret_word=abc-def',
    ]);
    expect(noStep.code).toBe(2);
    expect(noStep.stderr).toContain('no step "nowhere"');
    const noVar = await runCli(['run', fixture('basic.md'), '--yes', '--journal', tempDir()], {
      FIXTURE_SECRET_WORD: '',
    });
    expect(noVar.code).toBe(2);
    expect(noVar.stderr).toContain(
      'set the environment variable FIXTURE_SECRET_WORD, or pass --var secret_word=VALUE',
    );
  });

  it('run --dry-run shows previews with variables resolved and runs nothing', async () => {
    const result = await runCli([
      'run',
      fixture('basic.md'),
      '--dry-run',
      '--plain',
      '--journal',
      tempDir(),
      '--var',
      'secret_word=abc-def-ghi',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$ # env GREETING=hello');
    expect(result.stdout).not.toContain('│ hello from lab');
    expect(result.stdout).toContain('↷ [1/2] Say hello skipped');
  });
});
