// What on=jump-host sends over the SSH channel, run here by a local bash standing in for sshd's session:
// the bootstrap command line, the payload on stdin, and how an abort reaches the remote process group.
// (test/app/predis-check.test.ts runs it through a real sshd as the run's jump host.)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../test-context.js';
import { shAction } from './index.js';
import { isRunning } from './process-group.js';
import { type RemoteChannel, remoteBootstrap, remotePayload, runOnChannel } from './remote.js';
import { requirementsProbeScript } from './requirements.js';

/** A channel whose far end is `bash -c COMMAND` on this machine, as sshd would run it. */
function localChannel(command: string): RemoteChannel & { pid: number } {
  const child = spawn('bash', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
  const listeners: { exit: Array<(code: number | null, signal?: string) => void> } = { exit: [] };
  child.on('exit', (code, signal) => {
    for (const listener of listeners.exit) listener(code, signal?.replace(/^SIG/, ''));
  });
  return {
    pid: child.pid as number,
    stderr: child.stderr,
    on(event: 'data' | 'exit', listener: never) {
      if (event === 'data') child.stdout.on('data', listener);
      else listeners.exit.push(listener);
      return this;
    },
    once(_event: 'close', listener: () => void) {
      child.once('close', listener);
      return this;
    },
    end(data?: string) {
      child.stdin.end(data);
      return this;
    },
    signal(name: string) {
      child.kill(`SIG${name}` as NodeJS.Signals);
      return this;
    },
    close() {
      child.kill('SIGKILL');
      return this;
    },
  };
}

async function runRemote(
  script: string,
  env: Record<string, string> = {},
  files: Array<{ path: string; content: Buffer }> = [],
  signal = new AbortController().signal,
) {
  const output: Array<[string, string]> = [];
  const channel = localChannel(remoteBootstrap(500));
  const result = await runOnChannel(channel, remotePayload('bash', script, env, files), {
    signal,
    killGraceMs: 500,
    onLine: (stream, line) => output.push([stream, line]),
  });
  const lines = (stream: string) => output.filter(([s]) => s === stream).map(([, l]) => l);
  return { result, stdout: lines('stdout'), stderr: lines('stderr') };
}

describe('sh on=jump-host: the bootstrap and its payload', () => {
  it('exports values exactly (quotes, $(…), trailing newlines) and never splices them', async () => {
    const tricky = `it's "$(touch /tmp/pwned-drillbook)" \`id\` ; reboot\n\n`;
    const { result, stdout } = await runRemote('printf "[%s]" "$TRICKY" | base64 -w0; echo; echo "$PLAIN"', {
      TRICKY: tricky,
      PLAIN: 'plain value',
    });
    expect(result).toMatchObject({ exitCode: 0, aborted: false });
    expect(Buffer.from(stdout[0] as string, 'base64').toString()).toBe(`[${tricky}]`);
    expect(stdout[1]).toBe('plain value');
    expect(existsSync('/tmp/pwned-drillbook')).toBe(false);
  });

  it('writes the named files beside the script, runs in that temp dir and removes it afterwards', async () => {
    const { result, stdout } = await runRemote('cat app/hello.txt; pwd', {}, [
      { path: 'app/hello.txt', content: Buffer.from('hello from the runbook folder\n') },
    ]);
    expect(result.exitCode).toBe(0);
    expect(stdout[0]).toBe('hello from the runbook folder');
    const dir = stdout[1] as string;
    expect(dir.startsWith(os.tmpdir()) || dir.startsWith('/tmp/')).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('runs with -euo pipefail as drillbook-sh, so error lines map back to the runbook', async () => {
    const { result, stderr } = await runRemote('true\nfalse | true\necho not reached');
    expect(result.exitCode).toBe(1);
    const unset = await runRemote('echo "$NOT_SET"');
    expect(unset.result.exitCode).not.toBe(0);
    expect(unset.stderr.join('\n')).toMatch(/^drillbook-sh: line 1: NOT_SET: unbound variable/m);
    expect(stderr).toEqual([]);
  });

  it('an abort stops the whole remote process group, background jobs included', async () => {
    const controller = new AbortController();
    const pidFile = `${os.tmpdir()}/drillbook-remote-abort-${process.pid}`;
    const running = runRemote(
      `sleep 300 & echo $! > ${pidFile}; echo started; wait`,
      {},
      [],
      controller.signal,
    );
    let pid = 0;
    for (let i = 0; i < 100 && !pid; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
    }
    expect(pid).toBeGreaterThan(0);
    controller.abort();
    const { result } = await running;
    expect(result.aborted).toBe(true);
    for (let i = 0; i < 40 && (await isRunning(pid)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await isRunning(pid)).toBe(false);
    await rm(pidFile, { force: true });
  });

  it('looks requirements up with the same names and probes as here', async () => {
    const channel = localChannel('PATH=/nonexistent-drillbook:/usr/bin:/bin sh -s');
    const found: string[] = [];
    await runOnChannel(channel, requirementsProbeScript(['sh', 'surely-not-a-command']), {
      signal: new AbortController().signal,
      killGraceMs: 500,
      onLine: (stream, line) => stream === 'stdout' && found.push(line),
    });
    expect(found).toEqual(['command:surely-not-a-command', 'surely-not-a-command']);
  });
});

describe('sh on= and files= attributes', () => {
  it('parses on=jump-host and files=, and refuses paths outside the runbook folder', async () => {
    const ok = parseBlock(shAction, {
      attrs: { on: 'jump-host', files: 'app/predis-check.php, app/x.txt' },
      body: 'php app/predis-check.php\n',
    });
    expect(ok.spec).toMatchObject({ on: 'jump-host', files: ['app/predis-check.php', 'app/x.txt'] });
    for (const bad of ['../secret', '/etc/passwd', 'app/../../x', "a'b"]) {
      const parsed = parseBlock(shAction, { attrs: { files: bad }, body: 'true\n' });
      expect(parsed.spec, bad).toBeUndefined();
      expect(parsed.problems[0]?.message).toContain('is not a relative path inside the runbook');
    }
    const where = parseBlock(shAction, { attrs: { on: 'bastion' }, body: 'true\n' });
    expect(where.spec).toBeUndefined();
    expect(where.problems[0]?.message).toContain('on= is here or jump-host');
  });
});
