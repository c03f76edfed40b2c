// An sh block with on=jump-host runs on the run's jump host, over the run's own SSH connection
// (targets/redis/ssh-tunnel.ts: the same login and the same learned host key as every other jump-host
// connection), not through a second `ssh` whose key and known_hosts the run knows nothing about.
//
// Everything travels on the channel's stdin — the block's environment, the files it names and the script,
// each base64-encoded — so no value is spliced into a command line or the script's text, and no secret
// appears in the jump host's process list. The command line itself is a fixed bootstrap that writes the
// payload into a fresh temporary directory, runs it in its own session (so an abort stops everything it
// started) and removes the directory when it ends.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SshTunnel } from '../../targets/redis/ssh-tunnel.js';
import { LineSplitter } from './lines.js';
import type { ProcessGroupResult } from './process-group.js';
import { shellQuote } from './quote.js';
import { describeMissing, type MissingRequirements, requirementsProbeScript } from './requirements.js';

/** $0 of a block's script, as for a local run, so the shell's error lines map back to runbook lines. */
export const SCRIPT_NAME = 'drillbook-sh';

/** What a channel to the jump host must offer (ssh2's ClientChannel). */
export interface RemoteChannel {
  stderr: NodeJS.ReadableStream;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal?: string) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  end(data?: string): unknown;
  signal(name: string): unknown;
  close(): unknown;
}

/** Files from the runbook's folder: relative path → contents. */
export type RemoteFiles = ReadonlyArray<{ path: string; content: Buffer }>;

/** The command sshd runs: reads the payload from stdin into a temp dir and runs it in its own session. */
export function remoteBootstrap(killGraceMs: number): string {
  const grace = Math.max(1, Math.ceil(killGraceMs / 1000));
  const script = [
    'd=$(mktemp -d) || exit 125',
    'trap \'rm -rf "$d"\' EXIT',
    'cat > "$d/.drillbook-run" || exit 125',
    'cd "$d" || exit 125',
    // A background job of a shell without job control is never a group leader, so setsid does not fork:
    // $pid is the new session's (and process group's) id.
    'setsid bash "$d/.drillbook-run" </dev/null & pid=$!',
    `trap 'kill -TERM -- -$pid 2>/dev/null; sleep ${grace}; kill -KILL -- -$pid 2>/dev/null' TERM HUP INT`,
    'while :; do wait "$pid"; code=$?; kill -0 "$pid" 2>/dev/null || break; done',
    'kill -TERM -- -"$pid" 2>/dev/null',
    'exit "$code"',
  ].join('\n');
  return `bash -c ${shellQuote(script)}`;
}

/** A line that sets a shell variable to exactly `value` (trailing newlines included), decoded from base64. */
function decoded(name: string, value: string | Buffer): string {
  const b64 = Buffer.from(value).toString('base64');
  return `${name}=$(printf %s '${b64}' | base64 -d; printf x); ${name}=\${${name}%x}`;
}

/**
 * The payload run on the jump host: exports the environment, writes the files (relative paths checked by
 * the spec: no `..`, no absolute path), then runs the script the way a local block runs
 * (`bash -euo pipefail -c SCRIPT drillbook-sh`, so error lines map back to the runbook).
 */
export function remotePayload(
  shell: 'bash' | 'sh',
  script: string,
  env: Readonly<Record<string, string>>,
  files: RemoteFiles,
): string {
  // The payload holds the environment's secrets: bash keeps reading it through its open descriptor, so the
  // file can go at once instead of waiting for the EXIT trap, which a SIGKILL or a dropped link never runs.
  const lines = ['rm -f -- "$0"', 'set -eu'];
  for (const [name, value] of Object.entries(env)) lines.push(`${decoded(name, value)}; export ${name}`);
  for (const file of files) {
    const dir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
    if (dir) lines.push(`mkdir -p ${shellQuote(dir)}`);
    lines.push(`printf %s '${file.content.toString('base64')}' | base64 -d > ${shellQuote(file.path)}`);
  }
  lines.push(decoded('DRILLBOOK_SCRIPT', script));
  const flags = shell === 'sh' ? '-eu' : '-euo pipefail';
  lines.push(`exec ${shell} ${flags} -c "$DRILLBOOK_SCRIPT" ${SCRIPT_NAME}`);
  return `${lines.join('\n')}\n`;
}

export interface RemoteRunOptions {
  signal: AbortSignal;
  killGraceMs: number;
  onLine(stream: 'stdout' | 'stderr', line: string): void;
  /** Masks secrets before an endless line is cut (see LineSplitter). */
  mask?(text: string): string;
}

/**
 * Feeds the payload to the bootstrap's channel and streams its output line by line. Abort: TERM to the
 * remote session (the bootstrap stops the script's whole process group), then the channel is closed.
 */
export function runOnChannel(
  channel: RemoteChannel,
  payload: string,
  options: RemoteRunOptions,
): Promise<ProcessGroupResult> {
  return new Promise((resolve) => {
    const out = new LineSplitter((line) => options.onLine('stdout', line), options.mask);
    const err = new LineSplitter((line) => options.onLine('stderr', line), options.mask);
    let exitCode: number | null = null;
    let signal: NodeJS.Signals | null = null;
    let aborted = false;
    let forceKilled = false;
    let closeTimer: NodeJS.Timeout | undefined;
    channel.on('data', (chunk) => out.push(chunk.toString('utf8')));
    channel.stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
    channel.on('exit', (code, name) => {
      exitCode = code ?? null;
      signal = name ? (`SIG${name}` as NodeJS.Signals) : null;
    });
    const onAbort = () => {
      aborted = true;
      channel.signal('TERM');
      closeTimer = setTimeout(() => {
        forceKilled = true;
        channel.close();
      }, options.killGraceMs + 2_000);
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    channel.once('close', () => {
      clearTimeout(closeTimer);
      options.signal.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      resolve({ exitCode, signal, aborted, strayProcesses: false, forceKilled });
    });
    channel.end(payload);
  });
}

/** Which requirements are missing on the jump host (the same look-up as here, run there). */
export async function missingOnJumpHost(
  tunnel: SshTunnel,
  names: string[],
  signal: AbortSignal,
): Promise<MissingRequirements | undefined> {
  const lines: string[] = [];
  const result = await runOnChannel(await tunnel.exec('sh -s'), requirementsProbeScript(names), {
    signal,
    killGraceMs: 1_000,
    onLine: (stream, line) => {
      if (stream === 'stdout' && line.trim()) lines.push(line.trim());
    },
  });
  if (result.aborted) throw signal.reason ?? new Error('aborted');
  if (result.exitCode !== 0) {
    throw new Error(
      `${tunnel.label}: the requirements look-up exited with ${result.exitCode ?? result.signal}`,
    );
  }
  const absentCommands = new Set(lines.filter((l) => l.startsWith('command:')).map((l) => l.slice(8)));
  const missing = names.filter((name) => lines.includes(name));
  if (missing.length === 0) return undefined;
  return describeMissing(missing, (command) => !absentCommands.has(command));
}

/** Reads the files a block names, relative to its working directory, saying which one is missing. */
export async function readBlockFiles(cwd: string, names: string[]): Promise<RemoteFiles> {
  return Promise.all(
    names.map(async (name) => {
      try {
        return { path: name, content: await readFile(path.join(cwd, name)) };
      } catch (error) {
        throw new Error(
          `files=${name}: cannot read ${path.join(cwd, name)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix the path in files=`,
        );
      }
    }),
  );
}

/** Runs a block's script on the jump host in a fresh temp dir holding its files. */
export async function runOnJumpHost(
  tunnel: SshTunnel,
  block: { shell: 'bash' | 'sh'; script: string; env: Readonly<Record<string, string>>; files: RemoteFiles },
  options: RemoteRunOptions,
): Promise<ProcessGroupResult> {
  const channel = await tunnel.exec(remoteBootstrap(options.killGraceMs));
  return runOnChannel(channel, remotePayload(block.shell, block.script, block.env, block.files), options);
}
