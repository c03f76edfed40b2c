// Runs the CLI, bundled as it ships, the way CI and an operator do, with its own XDG_STATE_HOME, and reads what a headless
// --json run leaves behind: the event lines on stdout and the journal.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { actionKinds } from '../../src/actions/registry.js';
import type { EngineEvent } from '../../src/contract/events.js';
import type { Runbook } from '../../src/contract/runbook.js';
import { readJournal } from '../../src/engine/journal.js';
import { labDown } from '../../src/lab/lab-down.js';
import { commandLine } from '../../src/lab/processes.js';
import { killProcessesUnder, processesUnder } from '../lab/helpers.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let cli: string | undefined;

/**
 * Bundles src/cli.tsx the way scripts/build.mjs does (code splitting included: it changes how CommonJS
 * packages load) into a folder of this test's own inside the repository, where the lab finds
 * runbooks/templates/. A shared dist/ can be rebuilt by someone else in the middle of a two-minute run,
 * taking the lazily loaded chunks away.
 */
export async function buildCli(): Promise<void> {
  const outdir = join(ROOT, 'node_modules', '.cache', `drillbook-e2e-runbooks-${process.pid}`);
  await build({
    entryPoints: { cli: join(ROOT, 'src', 'cli.tsx') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    logLevel: 'warning',
    external: ['ssh2', 'cpu-features', 'react-devtools-core'],
    banner: {
      js: "import { createRequire as __drillbookCreateRequire } from 'node:module'; const require = __drillbookCreateRequire(import.meta.url);",
    },
  });
  cli = join(outdir, 'cli.js');
}

/** The bundled CLI, for starting the lab daemon from a test the same way runCli does. */
export function cliPath(): string {
  if (!cli) throw new Error('call buildCli() first');
  return cli;
}

export function removeCli(): void {
  if (cli) rmSync(dirname(cli), { recursive: true, force: true });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The --json event lines (empty for other output modes). */
  events: EngineEvent[];
}

export function runCli(
  args: string[],
  options: { stateHome: string; env?: Record<string, string>; timeoutMs: number },
): Promise<CliRun> {
  if (!cli) throw new Error('call buildCli() first');
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      XDG_STATE_HOME: options.stateHome,
      // The lab's emulator daemon is started from the same bundle.
      DRILLBOOK_LAB_DAEMON_ENTRY: cli,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  // A hung run must not hang the suite: SIGINT lets drillbook close its connections and probes first.
  const timer = setTimeout(() => child.kill('SIGINT'), options.timeoutMs);
  return new Promise((resolveRun, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as EngineEvent);
      resolveRun({ code, stdout, stderr, events });
    });
  });
}

/** A shipped runbook (a path under ROOT), parsed with every action kind; throws when it does not parse. */
export async function loadShippedRunbook(runbook: string): Promise<Runbook> {
  const { loadRunbook } = await import('../../src/runbook/parse.js');
  const loaded = await loadRunbook(join(ROOT, runbook), { kinds: actionKinds });
  if (!loaded.runbook) throw new Error(`${runbook} does not parse`);
  return loaded.runbook;
}

/** Step ids of a shipped runbook (a path under ROOT), in order. */
export async function stepIds(runbook: string): Promise<string[]> {
  return (await loadShippedRunbook(runbook)).steps.map((step) => step.id);
}

/** Step id → status from a run's step.finished events (the last one wins, as on a retry). */
export function stepStatuses(events: readonly EngineEvent[]): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const event of events) if (event.type === 'step.finished') statuses[event.step] = event.status;
  return statuses;
}

/** Every failed action's error, for a readable assertion message. */
export function failures(run: CliRun): string {
  const errors = run.events.flatMap((event) =>
    event.type === 'action.finished' && !event.ok ? [`${event.step}: ${event.error ?? event.summary}`] : [],
  );
  return [...errors, run.stderr.trim()].filter(Boolean).join('\n');
}

/** The journal of the only run under this state home. */
export function onlyJournal(stateHome: string): EngineEvent[] {
  const runs = join(stateHome, 'drillbook', 'runs');
  const journals = readdirSync(runs).filter((name) => name.endsWith('.jsonl'));
  if (journals.length !== 1) throw new Error(`expected one journal in ${runs}, found ${journals.join(', ')}`);
  return readJournal(join(runs, journals[0] as string));
}

export function tempStateHome(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Stops the lab (every droplet process and the emulator) started under this state home, then removes it. */
export async function removeLabState(stateHome: string): Promise<void> {
  await labDown(join(stateHome, 'drillbook', 'lab')).catch(() => {});
  await killProcessesUnder(stateHome);
  rmSync(stateHome, { recursive: true, force: true });
}

/** The run report (Markdown and JSON) written next to the only journal under this state home. */
export function reportOf(stateHome: string): { markdown: string; json: unknown } {
  const runs = join(stateHome, 'drillbook', 'runs');
  const base = readdirSync(runs).find((name) => name.endsWith('.report.md'));
  if (!base) throw new Error(`no report in ${runs}: ${readdirSync(runs).join(', ')}`);
  const stem = join(runs, base.replace(/\.report\.md$/, ''));
  return {
    markdown: readFileSync(`${stem}.report.md`, 'utf8'),
    json: JSON.parse(readFileSync(`${stem}.report.json`, 'utf8')),
  };
}

/** One drill's figures in a run's JSON report (reportOf(…).json.drills), as far as the tests read them. */
export interface ReportedDrill {
  probe: string;
  failed_over: boolean;
  acknowledged: number;
  lost_acknowledged: number;
  unavailable_ms: number;
  phases: { switchMasterAllMs: number | null; fault: { name: string } | null };
}

/** redis-server / redis-sentinel processes of the lab under this state home (droplets still running). */
export async function labProcesses(stateHome: string): Promise<string[]> {
  const lines = await Promise.all((await processesUnder(stateHome)).map((pid) => commandLine(pid)));
  return lines.filter((line): line is string => line !== undefined && /redis-(server|sentinel)/.test(line));
}

/** The generated secrets a run keeps beside its journal (0600), to prove they appear nowhere else. */
export function generatedSecrets(stateHome: string): Record<string, string> {
  const runs = join(stateHome, 'drillbook', 'runs');
  const file = readdirSync(runs).find((name) => name.endsWith('.secrets.json'));
  if (!file) throw new Error(`no kept secrets in ${runs}`);
  return (JSON.parse(readFileSync(join(runs, file), 'utf8')) as { generated: Record<string, string> })
    .generated;
}
