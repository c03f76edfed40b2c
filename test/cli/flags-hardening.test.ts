// Flags that keep secrets out of argv and refuse what would be silently ignored (issue #15 items 9, 21).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { CLI, collect, ensureBuilt, FIXTURES, ROOT, runCli } from './helpers.js';

const SECRET = 'kept-out-of-argv-7731';

beforeAll(ensureBuilt, 120_000);

function runWithStdin(args: string[], input: string) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, XDG_STATE_HOME: tempDir('drillbook-state-') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(input);
  return collect(child);
}

describe('--var-file', () => {
  it('answers a secret from a file, so it never appears in argv', async () => {
    const file = join(tempDir(), 'vars');
    writeFileSync(file, `# drill secrets\nsecret_word=${SECRET}\n\ngreeting=hi there\n`, { mode: 0o600 });
    const run = await runCli(['run', join(FIXTURES, 'basic.md'), '--plain', '--yes', '--var-file', file]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('the secret is ••••••');
    expect(run.stdout).toContain('hi there from lab');
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('reads - from standard input, and --var still wins over the file', async () => {
    const run = await runWithStdin(
      ['run', join(FIXTURES, 'basic.md'), '--plain', '--yes', '--var-file', '-', '--var', 'greeting=hello'],
      `secret_word=${SECRET}\r\ngreeting=overridden\r\n`,
    );
    expect(run.stdout).toContain('the secret is ••••••');
    expect(run.stdout).toContain('hello from lab');
    expect(run.code).toBe(0);
  });

  it('refuses a malformed line by its number without echoing it, and a missing file, with exit 2', async () => {
    const file = join(tempDir(), 'vars');
    writeFileSync(file, `secret_word=${SECRET}\n${SECRET}\n`);
    const bad = await runCli(['run', join(FIXTURES, 'basic.md'), '--plain', '--yes', '--var-file', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--var-file ${file}:2: not a NAME=VALUE line`);
    expect(bad.stderr).not.toContain(SECRET);
    const missing = await runCli([
      'run',
      join(FIXTURES, 'basic.md'),
      '--plain',
      '--yes',
      '--var-file',
      '/nonexistent/x',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--var-file /nonexistent/x: cannot read it (ENOENT)');
  });
});

describe('flags that used to be ignored silently', () => {
  it('an unknown --var name is an error (exit 2, nothing run) unless --allow-unknown-vars', async () => {
    const args = ['run', join(FIXTURES, 'basic.md'), '--plain', '--yes', '--var', 'secret_word=abcdef'];
    const refused = await runCli([...args, '--var', 'greting=hi']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--var greting: .*did you mean greeting\?.*--allow-unknown-vars/);
    expect(refused.stdout).not.toContain('Say hello');
    const allowed = await runCli([...args, '--var', 'greting=hi', '--allow-unknown-vars']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/warning: --var greting: .*ignored/);
  });

  it('--via on a runbook without a via variable warns that it is ignored', async () => {
    const run = await runCli([
      'run',
      join(FIXTURES, 'basic.md'),
      '--plain',
      '--yes',
      '--var',
      'secret_word=abcdef',
      '--via',
      'ssh://ops@127.0.0.1',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: --via is ignored');
    expect(run.stderr).toContain('declares no via variable');
  });

  it('run --ip-range: a lab on another range, or a range that is not a lab range, is refused before anything runs (exit 2)', async () => {
    const stateHome = tempDir('drillbook-state-');
    const labDir = join(stateHome, 'drillbook', 'lab');
    mkdirSync(labDir, { recursive: true });
    const settings = {
      ipRange: '127.10.0.0/24',
      replicas: 1,
      downAfterMs: 1000,
      failoverTimeoutMs: 6000,
      password: 'pw-x',
    };
    writeFileSync(join(labDir, 'lab.json'), JSON.stringify(settings), { mode: 0o600 });
    const args = ['run', join(FIXTURES, 'basic.md'), '--plain', '--yes', '--var', 'secret_word=abcdef'];
    const beside = await runCli([...args, '--ip-range', '127.60.0.0/24'], { XDG_STATE_HOME: stateHome });
    expect(beside.code).toBe(2);
    expect(beside.stderr).toContain(`--ip-range 127.60.0.0/24: the lab in ${labDir} is on 127.10.0.0/24`);
    expect(beside.stdout).not.toContain('Say hello');
    // Refused before --monitoring starts anything: no lab daemon, no Prometheus left behind.
    const monitored = await runCli([...args, '--monitoring', '--ip-range', '127.60.0.0/24'], {
      XDG_STATE_HOME: stateHome,
    });
    expect(monitored.code).toBe(2);
    expect(monitored.stderr).not.toContain('Monitoring:');
    expect(readdirSync(labDir)).toEqual(['lab.json']);
    const notLoopback = await runCli([...args, '--ip-range', '10.0.0.0/24']);
    expect(notLoopback.code).toBe(2);
    expect(notLoopback.stderr).toMatch(/must be a loopback network/);
    const same = await runCli([...args, '--ip-range', '127.10.0.0/24'], { XDG_STATE_HOME: stateHome });
    expect(same.code).toBe(0);
  });
});
