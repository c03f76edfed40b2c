// The start of a run: variables resolved (prompting when the runbook says so), run.started emitted, and on
// --resume a word about where the run continues and which steps may have partly completed.
import type { ActionKind, Interaction } from '../contract/action.js';
import type { Runbook } from '../contract/runbook.js';
import { closest } from '../runbook/suggest.js';
import type { ReplayedRun } from './resume.js';
import { checkResumedRunbook } from './resume-check.js';
import type { RunCore } from './run-core.js';
import { runbookDigest, stepDigest } from './runbook-identity.js';
import { generatedStorePath, inheritedTokens, readGeneratedStore, writeGeneratedStore } from './secrets.js';
import { resolveVariables, VariableError } from './vars.js';

export interface StartRunInput {
  core: RunCore;
  runbook: Runbook;
  given: Record<string, string>;
  interaction: Interaction;
  signal: AbortSignal;
  dryRun: boolean;
  operator: string;
  allowUnknownVars: boolean;
  acceptChangedRunbook: boolean;
  resume?: {
    replay: ReplayedRun;
    journalPath: string;
    /** Steps the journal says passed, in runbook order. */
    passed: string[];
    interrupted: ReadonlyMap<string, { startedAt: string }>;
  };
}

/**
 * Every secret the run can know before it does anything is registered before the first event: the tokens it
 * inherits, and the target's own token when finding it costs nothing (the DigitalOcean target reads only the
 * environment and doctl's file; the lab's daemon is started on first use, so its token comes then), and the
 * passwords the target's own state holds (the lab's Redis and Sentinel passwords).
 */
async function registerKnownSecrets(core: RunCore): Promise<void> {
  for (const token of inheritedTokens()) core.redactor.add(token);
  // Unreadable state only means nothing to add: the step that needs it says what is wrong.
  const known = await core.options.knownSecrets?.().catch(() => [] as string[]);
  for (const secret of known ?? []) core.redactor.add(secret);
  if (core.options.target !== 'digitalocean') return;
  try {
    await core.resolveTarget();
  } catch {
    // No token yet: the first step that needs the target reports why, with where it looked.
  }
}

export async function startRun(input: StartRunInput): Promise<void> {
  const { core, runbook, dryRun, resume } = input;
  const { runId, target } = core.options;
  await registerKnownSecrets(core);
  const changes = resume
    ? await checkResumedRunbook({
        replay: resume.replay,
        runbook,
        accept: input.acceptChangedRunbook,
        interaction: input.interaction,
        signal: input.signal,
      })
    : [];
  const storePath = generatedStorePath(core.options.journalPath, runbook.file, target);
  const resolved = await resolveVariables({
    specs: runbook.vars,
    given: input.given,
    interaction: input.interaction,
    signal: input.signal,
    dryRun,
    previous: resume
      ? { generated: core.kept.generated, values: resume.replay.vars }
      : { generated: readGeneratedStore(storePath), values: {} },
  });
  const unknown = unknownVariables(runbook, core, resolved.undeclared);
  // A mistyped name would leave the intended variable at its default while mutating steps run: refuse.
  if (unknown.length > 0 && !input.allowUnknownVars) {
    throw new VariableError(
      unknown.map((message) => `${message}; check the name, or pass --allow-unknown-vars to ignore it`),
    );
  }
  Object.assign(core.vars, resolved.values);
  for (const name of resolved.secretNames) core.redactor.add(resolved.values[name]);
  if (Object.keys(resolved.generated).length > 0) {
    core.keepSecrets({ generated: resolved.generated });
    if (!dryRun) writeGeneratedStore(storePath, runbook.file, resolved.generated);
  }
  core.store.set('vars', { ...core.vars });
  core.store.set('run', { id: runId, target, started: new Date().toISOString() });
  const plainVars = Object.fromEntries(
    Object.entries(resolved.values).filter(([name]) => !resolved.secretNames.has(name)),
  );
  core.emit({
    type: 'run.started',
    runId,
    runbook: { file: runbook.file, title: runbook.title, digest: runbookDigest(runbook) },
    target,
    dryRun,
    operator: input.operator,
    steps: runbook.steps.map((step) => ({
      id: step.id,
      title: step.title,
      safety: step.safety,
      digest: stepDigest(step),
      ...(resume?.passed.includes(step.id) ? { status: 'passed' as const } : {}),
    })),
    resumedFrom: resume?.journalPath,
    vars: plainVars,
  });
  for (const { question, answer, secret } of resolved.answers) {
    const shown = secret ? '(secret)' : answer.value;
    core.emit({ type: 'prompt.answered', step: '', action: -1, question, answer: shown, kind: 'value' });
  }
  for (const message of unknown) core.emit({ type: 'log', level: 'warn', message: `${message}; ignored` });
  if (runbook.steps.every((step) => step.actions.length === 0)) {
    // Steps without actions pass when the operator moves on: a run must not look like a drill that ran.
    const message =
      'this runbook executes nothing: no step has an action block, so every step only shows its text (a code block runs only when its language is an action kind such as sh or redis)';
    core.emit({ type: 'log', level: 'warn', message });
  }
  if (resume) announceResume(core, runbook, resume, changes);
}

function announceResume(
  core: RunCore,
  runbook: Runbook,
  resume: NonNullable<StartRunInput['resume']>,
  changes: string[],
): void {
  const log = (level: 'info' | 'warn', message: string) => core.emit({ type: 'log', level, message });
  const torn = resume.replay.repairedTail;
  if (torn) {
    log(
      'warn',
      `the journal's last line was torn (${torn.bytes} bytes written when the earlier process was killed mid-write); it was cut off so that this run appends after the last complete event`,
    );
  }
  for (const change of changes) log('warn', `resuming an edited runbook (accepted): ${change}`);
  const next = runbook.steps.find((step) => !resume.passed.includes(step.id));
  const continuing = next ? `; continuing at "${next.id}"` : '';
  log(
    'info',
    `resuming run ${core.options.runId}: ${resume.passed.length} step(s) already passed${continuing}`,
  );
  for (const [stepId, { startedAt }] of resume.interrupted) {
    log(
      'warn',
      `step "${stepId}" started at ${startedAt} and did not finish (the run was stopped or killed in it): it may have partly completed`,
    );
  }
  const title = resume.replay.runbookTitle;
  if (title !== runbook.title) log('warn', `the journal was written for "${title}", not "${runbook.title}"`);
}

function unknownVariables(runbook: Runbook, core: RunCore, undeclared: string[]): string[] {
  const published = publishedVariables(runbook, core.options.kinds);
  const declared = runbook.vars.map((spec) => spec.name);
  return undeclared
    .filter((name) => !published.has(name))
    .map((name) => {
      const near = closest(name, declared);
      const hint = near ? ` (did you mean ${near}?)` : '';
      return `--var ${name}: the runbook has no variable ${name} and no action sets vars.${name}${hint}`;
    });
}

/** Variable names actions publish (a prompt's var=NAME): --var may answer them in advance. */
// biome-ignore lint/suspicious/noExplicitAny: see EngineOptions.kinds
function publishedVariables(runbook: Runbook, kinds: ReadonlyMap<string, ActionKind<any>>): Set<string> {
  const names = new Set<string>();
  for (const action of runbook.steps.flatMap((step) => step.actions)) {
    for (const path of kinds.get(action.kind)?.publishes?.(action.spec) ?? []) {
      const name = /^vars\.([^.]+)$/.exec(path)?.[1];
      if (name) names.add(name);
    }
  }
  return names;
}
