// ```sh — a bash script, run in the runbook's folder, its own process group, with values passed as environment
// variables (never spliced into the text), output streamed line by line.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ActionContext, ActionKind, ActionOutcome, CheckResult } from '../../contract/action.js';
import { formatValue, renderKnown, TemplateError } from '../../runbook/template.js';
import { runTunnel, type SshTunnel } from '../../targets/redis/ssh-tunnel.js';
import { evaluateExpectation } from '../check/expect.js';
import { LineTail } from './lines.js';
import { type ProcessGroupResult, runInProcessGroup } from './process-group.js';
import { missingOnJumpHost, readBlockFiles, runOnJumpHost, SCRIPT_NAME } from './remote.js';
import { type MissingRequirements, missingRequirements } from './requirements.js';
import { parseSh, type ShSpec, shAttributes, shReferences } from './spec.js';

const SHELL_ERROR_LINE = new RegExp(`^${SCRIPT_NAME}: (?:line )?(\\d+): `);
const TAIL_LINES = 50;
const ERROR_TAIL_LINES = 5;
export const KILL_GRACE_MS = 2000;

/** What a block whose requires= are not met stores instead of a script's result. */
export interface ShSkipped {
  skipped: true;
  missing: string[];
  /** The Debian/Ubuntu command that installs what is missing. */
  install: string;
  /** Where it is missing, when not here: "the jump host ssh://root@…". */
  on?: string;
}

export interface ShData {
  exitCode: number | null;
  /** Set when the script was ended by a signal. */
  signal?: string;
  /** The last 50 lines, joined with \n. */
  stdout: string;
  stderr: string;
  /** The last stdout line parsed, when it is a JSON object or list (a script's machine-readable report). */
  json?: unknown;
  durationMs: number;
}

function lastJsonLine(stdout: string): unknown {
  const last = stdout.trimEnd().split('\n').at(-1)?.trim() ?? '';
  if (!/^[[{]/.test(last)) return undefined;
  try {
    return JSON.parse(last);
  } catch {
    return undefined;
  }
}

function shellArgs(spec: ShSpec): { file: string; args: string[] } {
  if (spec.shell === 'sh') return { file: 'sh', args: ['-eu', '-c', spec.script, SCRIPT_NAME] };
  return { file: 'bash', args: ['-euo', 'pipefail', '-c', spec.script, SCRIPT_NAME] };
}

function blockWhere(ctx: ActionContext): string {
  return `${ctx.runbook.file}:${ctx.action.loc.line}`;
}

/** Each env= binding's value, or the first one that cannot be resolved. */
function resolveBindings(
  spec: ShSpec,
  ctx: ActionContext,
): { values: Record<string, string> } | { error: string; path: string } {
  const values: Record<string, string> = {};
  for (const { name, path: resultPath } of spec.env) {
    try {
      values[name] = formatValue(ctx.resolve(resultPath));
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      return { error: `env ${name}=${resultPath}: ${error.message}`, path: resultPath };
    }
  }
  return { values };
}

function workingDirectory(spec: ShSpec, ctx: ActionContext): string {
  return spec.cwd ? path.resolve(ctx.runbook.baseDir, ctx.render(spec.cwd)) : ctx.runbook.baseDir;
}

function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function fail(
  ctx: ActionContext,
  summary: string,
  error: string,
  data?: ShData,
  checks?: CheckResult[],
): ActionOutcome {
  return {
    ok: false,
    summary,
    error: `${blockWhere(ctx)}: ${error}`,
    ...(data ? { data } : {}),
    ...(checks ? { checks } : {}),
  };
}

function preview(spec: ShSpec, ctx: ActionContext): string[] {
  const lines: string[] = [];
  if (spec.cwd) {
    try {
      lines.push(`# cwd ${ctx.redact(workingDirectory(spec, ctx))}`);
    } catch {
      lines.push(`# cwd ${spec.cwd} (not known yet)`);
    }
  }
  // The same ctx.env() the script gets below, so the names shown are the names the script sees.
  const bound = new Set(spec.env.map((b) => b.name));
  for (const [name, value] of Object.entries(ctx.env())) {
    if (!bound.has(name)) lines.push(`# env ${name}=${ctx.redact(value)}`);
  }
  for (const { name, path: resultPath } of spec.env) {
    try {
      lines.push(`# env ${name}=${ctx.redact(formatValue(ctx.resolve(resultPath)))}  (${resultPath})`);
    } catch {
      lines.push(`# env ${name}=<${resultPath}, not known yet>`);
    }
  }
  if (spec.on === 'jump-host') {
    lines.push("# on the run's jump host over its SSH connection (here when the run has none)");
  }
  if (spec.files.length > 0) lines.push(`# files ${spec.files.join(', ')}`);
  if (spec.requires.length > 0) {
    lines.push(`# requires ${spec.requires.join(', ')} (skipped, not failed, when missing)`);
  }
  if (spec.expect) lines.push(`# expect ${spec.expect.text}`);
  return [...lines, ...spec.script.replace(/\n$/, '').split('\n')];
}

async function run(spec: ShSpec, ctx: ActionContext): Promise<ActionOutcome> {
  const bindings = resolveBindings(spec, ctx);
  if ('error' in bindings) {
    return fail(
      ctx,
      `missing ${bindings.path}`,
      `${bindings.error}; run the step that produces it first, or fix the path in env=`,
    );
  }
  let cwd: string;
  try {
    cwd = workingDirectory(spec, ctx);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return fail(ctx, 'bad cwd', `cwd="${spec.cwd}": ${error.message}`);
  }
  const cwdStat = await stat(cwd).catch(() => undefined);
  if (!cwdStat?.isDirectory()) {
    return fail(ctx, 'bad cwd', `working directory ${cwd} does not exist; create it or fix cwd=`);
  }

  const stdout = new LineTail(TAIL_LINES);
  const stderr = new LineTail(TAIL_LINES);
  const onLine = (stream: 'stdout' | 'stderr', raw: string) => {
    const match = stream === 'stderr' ? SHELL_ERROR_LINE.exec(raw) : null;
    const line = match
      ? `${ctx.runbook.file}:${ctx.action.bodyLine + Number(match[1]) - 1}: ${raw.slice(match[0].length)}`
      : raw;
    (stream === 'stdout' ? stdout : stderr).add(line);
    ctx.output(line, stream);
  };

  let files: Awaited<ReturnType<typeof readBlockFiles>>;
  try {
    files = await readBlockFiles(cwd, spec.files);
  } catch (error) {
    return fail(ctx, 'missing file', (error as Error).message);
  }
  let tunnel: SshTunnel | undefined;
  const open = spec.on === 'jump-host' ? runTunnel(ctx) : undefined;
  if (open) {
    try {
      tunnel = await open();
    } catch (error) {
      return fail(ctx, 'jump host unreachable', `on=jump-host: ${(error as Error).message}`);
    }
    ctx.output(`running on the jump host ${tunnel.label}`, 'info');
  }
  // On the jump host the script gets the runbook's environment only, not this machine's.
  const blockEnv = { ...ctx.env(), ...bindings.values };
  const env: NodeJS.ProcessEnv = { ...process.env, ...blockEnv };
  if (spec.requires.length > 0) {
    let absent: MissingRequirements | undefined;
    try {
      absent = tunnel
        ? await missingOnJumpHost(tunnel, spec.requires, ctx.signal)
        : await missingRequirements(spec.requires, env, cwd);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      return fail(ctx, 'requirements look-up failed', (error as Error).message);
    }
    if (absent) {
      const where = tunnel ? `on the jump host ${tunnel.label}` : 'here';
      const others = absent.elsewhere.length > 0 ? ` (elsewhere: ${absent.elsewhere.join('; ')})` : '';
      ctx.output(
        `${absent.missing.join(', ')} not installed ${where}; install with: ${absent.install}${others}`,
        'info',
      );
      const data: ShSkipped = {
        skipped: true,
        missing: absent.missing,
        install: absent.install,
        ...(tunnel ? { on: `the jump host ${tunnel.label}` } : {}),
      };
      const on = tunnel ? ` on the jump host ${tunnel.label}` : '';
      return {
        ok: true,
        summary: `skipped: needs ${absent.missing.join(', ')}${on} — ${absent.install}`,
        data,
      };
    }
  }
  const { file, args } = shellArgs(spec);
  const started = ctx.now();
  let result: ProcessGroupResult;
  try {
    if (tunnel) {
      result = await runOnJumpHost(
        tunnel,
        { shell: spec.shell, script: spec.script, env: blockEnv, files },
        { signal: ctx.signal, killGraceMs: KILL_GRACE_MS, onLine, mask: (text) => ctx.redact(text) },
      );
    } else {
      result = await runInProcessGroup(file, args, {
        cwd,
        env,
        signal: ctx.signal,
        killGraceMs: KILL_GRACE_MS,
        onLine,
        mask: (text) => ctx.redact(text),
      });
    }
  } catch (error) {
    const what = tunnel ? `${file} on the jump host` : file;
    return fail(ctx, `could not start ${what}`, `could not start ${what}: ${(error as Error).message}`);
  }
  const durationMs = Math.round(ctx.now() - started);
  const data: ShData = {
    exitCode: result.exitCode,
    ...(result.signal ? { signal: result.signal } : {}),
    stdout: stdout.text(),
    stderr: stderr.text(),
    durationMs,
  };
  const json = lastJsonLine(data.stdout);
  if (json !== undefined) data.json = json;
  const took = seconds(durationMs);
  if (result.strayProcesses) {
    ctx.output('stopped background processes the script left running (use setsid to keep one)', 'info');
  }
  if (result.aborted) {
    const how = result.forceKilled ? 'SIGKILLed after ignoring SIGTERM' : 'stopped with SIGTERM';
    // The engine enforces timeout= by aborting ctx.signal with AbortSignal.timeout's TimeoutError.
    const timedOut = (ctx.signal.reason as Error | undefined)?.name === 'TimeoutError';
    if (!timedOut)
      return fail(ctx, `aborted after ${took}`, `aborted; the script's processes were ${how}`, data);
    return fail(
      ctx,
      `timed out after ${took}`,
      `timed out after ${seconds(ctx.action.timeoutMs ?? 0)}; the script's processes were ${how}. ` +
        'Raise timeout= if the work needs longer.',
      data,
    );
  }
  if (result.exitCode === 0) {
    if (!spec.expect) return { ok: true, summary: `exit 0 in ${took}`, data };
    const verdict = evaluateExpectation(spec.expect, data, ctx);
    if (verdict.ok) {
      return { ok: true, summary: `exit 0 in ${took}; ${verdict.description}`, data, checks: [verdict] };
    }
    return fail(
      ctx,
      `exit 0, but ${verdict.description}: got ${verdict.actual}`,
      `the script succeeded but ${verdict.description} does not hold: expected ${verdict.expected}, got ${verdict.actual}`,
      data,
      [verdict],
    );
  }
  const why =
    result.exitCode === null ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  const lastErrors = stderr.last(ERROR_TAIL_LINES).map((line) => `  ${line}`);
  const detail =
    lastErrors.length > 0 ? `; last stderr lines:\n${lastErrors.join('\n')}` : ' (no stderr output)';
  return fail(ctx, `${why} in ${took}`, `script ${why}${detail}`, data);
}

export const shAction: ActionKind<ShSpec> = {
  kind: 'sh',
  description:
    'Runs a bash script in the runbook folder; values arrive as environment variables, never spliced.',
  attributes: shAttributes,
  defaultSafety: () => 'mutating',
  // The kind cannot see what a script does: a read-only check may say safety=safe without a warning.
  safetyIsAGuess: true,
  async confirmation(spec, ctx) {
    const lines = spec.script.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
    const first = ctx.redact(lines[0]?.trim() ?? '');
    const shown = first.length > 60 ? `${first.slice(0, 59)}…` : first;
    const more = lines.length > 1 ? ` (and ${lines.length - 1} more line${lines.length > 2 ? 's' : ''})` : '';
    const where = spec.cwd ? renderKnown(spec.cwd, ctx.render) : "the runbook's folder";
    return { does: `runs a ${spec.shell} script on this machine in ${where}: ${shown}${more}` };
  },
  parse: parseSh,
  references: shReferences,
  preview,
  run,
};
