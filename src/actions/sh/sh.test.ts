import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  parseBlock,
  parsedAction,
  TEST_SECRET_MASK,
  type TestContextOptions,
} from '../test-context.js';
import { shAction } from './index.js';
import { LineSplitter, MAX_LINE_CHARS } from './lines.js';
import { groupRunning, isRunning } from './process-group.js';

let tmp: string;
const startedPids: number[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drillbook-sh-'));
});
afterEach(() => {
  for (const pid of startedPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function setup(body: string, attrs: Record<string, string> = {}, options: TestContextOptions = {}) {
  const { spec, action } = parsedAction(shAction, { attrs, body });
  const t = createTestContext({
    ...options,
    runbook: { file: 'book.md', baseDir: tmp, ...options.runbook },
    action: { ...action, loc: { file: 'book.md', line: 10, column: 1 }, bodyLine: 11, ...options.action },
  });
  return { spec, t, run: () => shAction.run(spec, t.ctx) };
}

function lines(t: ReturnType<typeof createTestContext>, stream: 'stdout' | 'stderr' | 'info') {
  return t.output.filter((o) => o.stream === stream).map((o) => o.line);
}

/** Resolves once a stdout line matches, so a test can act while the script is still running. */
async function waitForLine(t: ReturnType<typeof createTestContext>, pattern: RegExp): Promise<string> {
  for (;;) {
    const found = lines(t, 'stdout').find((line) => pattern.test(line));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('sh parse', () => {
  it('reports {{ }} in the script with its position and a hint to use the environment', () => {
    const { problems } = parseBlock(shAction, {
      body: 'echo hi\n  redis-cli -a {{ vars.redis_password }}\necho {{ nodes.ip }}\n',
    });
    expect(problems).toEqual([
      {
        line: 2,
        column: 16,
        message: '{{ vars.redis_password }} in a shell script: text is never spliced into scripts',
        hint: 'use "$REDIS_PASSWORD": every variable reaches the script as an environment variable',
      },
      {
        line: 3,
        column: 6,
        message: '{{ nodes.ip }} in a shell script: text is never spliced into scripts',
        hint: 'pass it as an environment variable: add env="NAME=nodes.ip" to the info string and use "$NAME"',
      },
    ]);
  });

  it('leaves Go-template-like text that is not a reference alone', () => {
    const { problems } = parseBlock(shAction, { body: "docker ps --format '{{.Names}}'\n" });
    expect(problems).toEqual([]);
  });

  it('reports an empty block, bad env bindings and unknown attributes', () => {
    expect(parseBlock(shAction, { body: '  \n' }).problems[0]?.message).toBe('empty sh block');
    const bad = parseBlock(shAction, { attrs: { env: 'MASTER_IP' }, body: 'true' }).problems;
    expect(bad[0]).toMatchObject({ line: 0, message: 'env="MASTER_IP": "MASTER_IP" is not NAME=path' });
    const badName = parseBlock(shAction, { attrs: { env: '1X=vars.a' }, body: 'true' }).problems;
    expect(badName[0]?.message).toContain('"1X" is not a valid environment variable name');
    const twice = parseBlock(shAction, { attrs: { env: 'A=vars.a,A=vars.b' }, body: 'true' }).problems;
    expect(twice[0]?.message).toContain('A is given twice');
    const unknown = parseBlock(shAction, { attrs: { shel: 'bash' }, body: 'true' }).problems;
    expect(unknown[0]?.message).toContain('shel');
    const badShell = parseBlock(shAction, { attrs: { shell: 'zsh' }, body: 'true' }).problems;
    expect(badShell[0]?.message).toContain('shell');
  });

  it('reads requires= as a list of names and reports a bad one', () => {
    const { spec } = parsedAction(shAction, { attrs: { requires: 'php, php-predis,php' }, body: 'true' });
    expect(spec.requires).toEqual(['php', 'php-predis']);
    expect(parsedAction(shAction, { body: 'true' }).spec.requires).toEqual([]);
    const bad = parseBlock(shAction, { attrs: { requires: 'php,$(x)' }, body: 'true' }).problems;
    expect(bad[0]).toMatchObject({
      line: 0,
      message: 'requires="php,$(x)": "$(x)" is not a command or package name',
    });
    const empty = parseBlock(shAction, { attrs: { requires: ' , ' }, body: 'true' }).problems;
    expect(empty[0]?.message).toBe('requires=" , ": names nothing');
  });

  it('lists env paths and cwd references for check-time validation', () => {
    const { spec } = parsedAction(shAction, {
      attrs: {
        env: 'MASTER_IP=nodes.droplets.redis-1.private_ip, PORT=vars.port',
        cwd: '{{ lab.dir }}/x',
      },
      body: 'true',
    });
    expect(shAction.references?.(spec)).toEqual([
      'nodes.droplets.redis-1.private_ip',
      'vars.port',
      'lab.dir',
    ]);
    expect(shAction.defaultSafety(spec)).toBe('mutating');
  });
});

describe('sh run', () => {
  it('streams stdout and stderr line by line and records the exit code and tails', async () => {
    const { t, run } = setup('echo one\necho two >&2\nprintf "three\\r\\nno-newline"\n');
    const outcome = await run();
    expect(outcome.ok).toBe(true);
    expect(lines(t, 'stdout')).toEqual(['one', 'three', 'no-newline']);
    expect(lines(t, 'stderr')).toEqual(['two']);
    expect(outcome.data).toMatchObject({ exitCode: 0, stdout: 'one\nthree\nno-newline', stderr: 'two' });
    expect(outcome.summary).toMatch(/^exit 0 in (\d+ ms|\d+\.\d s)$/);
  });

  it('fails on a non-zero exit with the last stderr lines, mapped to runbook lines', async () => {
    const { run } = setup('echo fine\nno-such-command-here\necho never\n');
    const outcome = await run();
    expect(outcome.ok).toBe(false);
    expect(outcome.data).toMatchObject({ exitCode: 127 });
    expect(outcome.error).toContain('book.md:10: script exited with code 127');
    expect(outcome.error).toContain('book.md:12: no-such-command-here: command not found');
  });

  it('runs with -e, -u and pipefail', async () => {
    expect((await setup('false | true\necho after').run()).ok).toBe(false);
    const unset = await setup('echo "$NOT_SET_ANYWHERE"').run();
    expect(unset.error).toContain('NOT_SET_ANYWHERE: unbound variable');
    expect((await setup('false\necho after').run()).data).toMatchObject({ exitCode: 1, stdout: '' });
  });

  it('runs shell=sh with POSIX sh', async () => {
    const { t, run } = setup(
      'echo "$0"; [ "$(basename "$(readlink /proc/$$/exe)")" != bash ] && echo posix',
      { shell: 'sh' },
    );
    expect((await run()).ok).toBe(true);
    expect(lines(t, 'stdout')).toEqual(['drillbook-sh', 'posix']);
  });

  it('runs in the runbook folder by default and in cwd= relative to it', async () => {
    await mkdir(path.join(tmp, 'sub'), { recursive: true });
    const first = setup('pwd');
    await first.run();
    expect(lines(first.t, 'stdout')).toEqual([tmp]);
    const second = setup('pwd', { cwd: 'sub' });
    await second.run();
    expect(lines(second.t, 'stdout')).toEqual([path.join(tmp, 'sub')]);
    const missing = await setup('pwd', { cwd: 'nope' }).run();
    expect(missing.error).toContain(`working directory ${path.join(tmp, 'nope')} does not exist`);
  });

  it('passes vars, run info and env= bindings as environment variables', async () => {
    const { t, run } = setup(
      'echo "$REDIS_PASSWORD $PORT $DRILLBOOK_RUN_ID $DRILLBOOK_TARGET"\necho "$MASTER_IP $NODE $COUNT"',
      { env: 'MASTER_IP=nodes.redis-1.ip,NODE=nodes.redis-1,COUNT=nodes.count' },
      {
        vars: { redis_password: 'hunter2', port: '6379' },
        secretVars: ['redis_password'],
        results: { nodes: { count: 3, 'redis-1': { ip: '127.10.0.11' } } },
        runId: 'run-42',
      },
    );
    expect((await run()).ok).toBe(true);
    expect(lines(t, 'stdout')).toEqual([
      `${TEST_SECRET_MASK} 6379 run-42 lab`,
      '127.10.0.11 {"ip":"127.10.0.11"} 3',
    ]);
  });

  it('never splices values: shell syntax in a value arrives literally', async () => {
    const marker = path.join(tmp, 'spliced');
    const payload = `$(touch ${marker}); touch ${marker}; \`touch ${marker}\` '"`;
    const { t, run } = setup(
      'printf "%s\\n" "$PAYLOAD" "$EVIL"',
      { env: 'EVIL=evil.text' },
      {
        vars: { payload },
        results: { evil: { text: `; rm -rf ${tmp} #` } },
      },
    );
    expect((await run()).ok).toBe(true);
    expect(lines(t, 'stdout')).toEqual([payload, `; rm -rf ${tmp} #`]);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(tmp)).toBe(true);
  });

  it('fails clearly when an env= path is missing, without starting the script', async () => {
    const marker = path.join(tmp, 'started');
    const outcome = await setup(
      `touch ${marker}`,
      { env: 'IP=nodes.redis-9.ip' },
      { results: { nodes: {} } },
    ).run();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('env IP=nodes.redis-9.ip');
    expect(outcome.error).toContain('redis-9');
    expect(existsSync(marker)).toBe(false);
  });

  it('abort kills the whole process group, grandchildren included', async () => {
    const { t, run } = setup('sleep 1000 &\necho "group $$"\necho "child $!"\nwait\n');
    const running = run();
    const pid = Number((await waitForLine(t, /^child \d+$/)).split(' ')[1]);
    const group = Number((await waitForLine(t, /^group \d+$/)).split(' ')[1]);
    startedPids.push(pid);
    expect(await isRunning(pid)).toBe(true);
    expect(await groupRunning(group)).toBe(true);
    t.abort();
    const outcome = await running;
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toMatch(/^aborted after/);
    expect(outcome.error).toContain('stopped with SIGTERM');
    expect(await isRunning(pid)).toBe(false);
    expect(await groupRunning(group)).toBe(false);
  });

  it('an abort before the script starts stops it at once', async () => {
    const marker = path.join(tmp, 'ran-after-abort');
    const { t, run } = setup(`sleep 0.5\ntouch ${marker}`);
    t.abort();
    const outcome = await run();
    expect(outcome.summary).toMatch(/^aborted after/);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(existsSync(marker)).toBe(false);
  });

  it('a timeout kills the group with SIGKILL when it ignores SIGTERM', async () => {
    const { t, run } = setup(
      'trap \'\' TERM\nsleep 1000 &\necho "child $!"\nwait\n',
      {},
      {
        action: { timeoutMs: 300 },
      },
    );
    const running = run();
    const pid = Number((await waitForLine(t, /^child \d+$/)).split(' ')[1]);
    startedPids.push(pid);
    const outcome = await running;
    expect(outcome.summary).toMatch(/^timed out after/);
    expect(outcome.error).toContain('SIGKILLed after ignoring SIGTERM');
    expect(outcome.error).toContain('Raise timeout=');
    expect(await isRunning(pid)).toBe(false);
  });

  it('stops background processes the script leaves behind', async () => {
    const { t, run } = setup('sleep 1000 &\necho "child $!"\n');
    const outcome = await run();
    const pid = Number(lines(t, 'stdout')[0]?.split(' ')[1]);
    startedPids.push(pid);
    expect(outcome.ok).toBe(true);
    expect(await isRunning(pid)).toBe(false);
    expect(lines(t, 'info')[0]).toContain('stopped background processes');
  });

  it('runs the script when every requirement is on PATH, and says in the preview what it requires', async () => {
    const { spec, t, run } = setup('echo ran', { requires: 'bash,sh' });
    const outcome = await run();
    expect(outcome).toMatchObject({ ok: true, data: { exitCode: 0, stdout: 'ran' } });
    expect(shAction.preview(spec, t.ctx)).toContain(
      '# requires bash, sh (skipped, not failed, when missing)',
    );
  });

  it('skips, without running anything, when a required command is missing', async () => {
    const { run, t } = setup('touch should-not-exist', { requires: 'drillbook-no-such-tool' });
    const outcome = await run();
    expect(outcome).toMatchObject({
      ok: true,
      summary: 'skipped: needs drillbook-no-such-tool — sudo apt-get install drillbook-no-such-tool',
      data: { skipped: true, missing: ['drillbook-no-such-tool'] },
    });
    expect(existsSync(path.join(tmp, 'should-not-exist'))).toBe(false);
    expect(lines(t, 'info')[0]).toContain('drillbook-no-such-tool not installed here');
  });

  it('parses a last stdout line that is JSON into data.json, and expect= judges it as a check', async () => {
    const script = 'echo starting\necho \'{"server":"127.10.0.11:6379","ok":true}\'\n';
    const passing = setup(
      script,
      { expect: 'json.server == {{ vars.master }}' },
      { vars: { master: '127.10.0.11:6379' } },
    );
    const outcome = await passing.run();
    expect(outcome).toMatchObject({
      ok: true,
      summary: expect.stringMatching(/^exit 0 in \d+ ms; json\.server == \{\{ vars\.master \}\}$/),
      data: { json: { server: '127.10.0.11:6379', ok: true } },
      checks: [{ ok: true, actual: '127.10.0.11:6379' }],
    });
    expect(shAction.preview(passing.spec, passing.t.ctx)).toContain(
      '# expect json.server == {{ vars.master }}',
    );
    expect(shAction.references?.(passing.spec)).toEqual(['vars.master']);

    const failing = setup(script, { expect: 'json.server == 127.10.0.10:6379' });
    const failed = await failing.run();
    expect(failed.ok).toBe(false);
    expect(failed.error).toBe(
      'book.md:10: the script succeeded but json.server == 127.10.0.10:6379 does not hold: expected == 127.10.0.10:6379, got 127.10.0.11:6379',
    );
    const plain = await setup('echo not json').run();
    expect(plain.data).not.toHaveProperty('json');
  });

  it('previews the script with its environment, secrets masked', () => {
    const { spec, t } = setup(
      'redis-cli -h "$MASTER_IP" -a "$REDIS_PASSWORD" ping',
      {
        env: 'MASTER_IP=nodes.ip,LATER=later.value',
      },
      {
        vars: { redis_password: 'hunter2' },
        secretVars: ['redis_password'],
        results: { nodes: { ip: '127.10.0.11' } },
      },
    );
    const preview = shAction.preview(spec, t.ctx);
    expect(preview).toContain(`# env REDIS_PASSWORD=${TEST_SECRET_MASK}`);
    expect(preview).toContain('# env MASTER_IP=127.10.0.11  (nodes.ip)');
    expect(preview).toContain('# env LATER=<later.value, not known yet>');
    expect(preview.at(-1)).toBe('redis-cli -h "$MASTER_IP" -a "$REDIS_PASSWORD" ping');
    expect(preview.join('\n')).not.toContain('hunter2');
  });

  it('previews every environment variable with its value when all are known', () => {
    const { spec, t } = setup(
      'echo "$MASTER_IP"',
      { env: 'MASTER_IP=nodes.ip', cwd: '.' },
      {
        vars: { redis_password: 'hunter2', port: '6379' },
        secretVars: ['redis_password'],
        results: { nodes: { ip: '127.10.0.11' } },
      },
    );
    expect(shAction.preview(spec, t.ctx)).toEqual([
      `# cwd ${tmp}`,
      `# env REDIS_PASSWORD=${TEST_SECRET_MASK}`,
      '# env PORT=6379',
      '# env DRILLBOOK_RUN_ID=test-run',
      '# env DRILLBOOK_TARGET=lab',
      '# env MASTER_IP=127.10.0.11  (nodes.ip)',
      'echo "$MASTER_IP"',
    ]);
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and cuts endless lines', () => {
    const seen: string[] = [];
    const splitter = new LineSplitter((line) => seen.push(line));
    splitter.push('a\nb');
    splitter.push('c\r\n\nd');
    splitter.push('x'.repeat(2 * MAX_LINE_CHARS + 5));
    splitter.end();
    expect(seen).toEqual([
      'a',
      'bc',
      '',
      `d${'x'.repeat(MAX_LINE_CHARS - 1)}`,
      'x'.repeat(MAX_LINE_CHARS + 6),
    ]);
  });

  it('never cuts a secret in two: the endless line is masked before it is cut', () => {
    const secret = 'S3cr3t-straddling-the-cut-0123456789';
    const mask = (text: string) => text.split(secret).join('••••••');
    // The secret starts 4 characters before the 16 KiB cut and arrives over two chunks, the cut between them.
    for (const [before, chunks] of [
      [MAX_LINE_CHARS - 4, (s: string) => [s.slice(0, 10), s.slice(10)]],
      [MAX_LINE_CHARS - 4, (s: string) => [s]],
      [2 * MAX_LINE_CHARS - 1, (s: string) => [s.slice(0, 1), s.slice(1)]],
    ] as const) {
      const seen: string[] = [];
      const splitter = new LineSplitter((line) => seen.push(line), mask);
      const [first, ...rest] = chunks(secret);
      splitter.push(`${'x'.repeat(before)}${first}`);
      for (const chunk of rest) splitter.push(chunk);
      splitter.push('y'.repeat(3 * MAX_LINE_CHARS));
      splitter.end();
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every((line) => line.length <= 2 * MAX_LINE_CHARS)).toBe(true);
      const halves = [secret.slice(0, 4), secret.slice(-4), secret.slice(1, -1)];
      for (const line of seen) for (const half of halves) expect(line).not.toContain(half);
      expect(seen.join('')).toContain('••••••');
    }
  });
});

describe('a secret in an endless line of output', () => {
  it('is masked whole, never printed in two halves around the 16 KiB cut', async () => {
    const secret = 'hunter2-straddles-the-cut-9876543210';
    const { t, run } = setup(
      `head -c ${MAX_LINE_CHARS - 4} /dev/zero | tr '\\0' x; printf %s "$REDIS_PASSWORD"; head -c ${3 * MAX_LINE_CHARS} /dev/zero | tr '\\0' y`,
      {},
      { vars: { redis_password: secret }, secretVars: ['redis_password'] },
    );
    expect((await run()).ok).toBe(true);
    const out = lines(t, 'stdout');
    expect(out.length).toBeGreaterThan(1);
    const all = JSON.stringify(t.output);
    for (const part of [secret.slice(0, 4), secret.slice(4), secret]) expect(all).not.toContain(part);
    expect(out.join('')).toContain(TEST_SECRET_MASK);
  });
});
