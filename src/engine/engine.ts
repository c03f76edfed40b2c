// The step engine: runs a runbook's steps through their action kinds, tells subscribers what happens,
// journals every event, and resumes from a journal. Headless: no React, no Ink.
import { userInfo } from 'node:os';
import type { ActionKind, Interaction, TargetInfo } from '../actions/types.js';
import type { Runbook, Step, TargetName } from '../runbook/model.js';
import { renderTemplate } from '../runbook/template.js';
import { confirmStep } from './confirm.js';
import type { ContextDeps } from './context.js';
import type { EngineEvent, EngineEventBody, RunStatus, StepStatus } from './events.js';
import { type ExecuteInput, executeAction, previewAction } from './execute.js';
import { JournalWriter, journalPathFor, locateJournal, readJournal, secretsPathFor } from './journal.js';
import { Redactor } from './redact.js';
import { createRunResources } from './resources.js';
import { ResultStore } from './results.js';
import { type ReplayedRun, replayJournal, resultKey } from './resume.js';
import { findStep, newRunId, selectSteps } from './steps.js';
import { readSecretsFile, resolveVariables, writeSecretsFile } from './vars.js';

export interface EngineOptions {
  runbook: Runbook;
  target: TargetName;
  /** Lazy: only called when an action calls ctx.target(). */
  resolveTarget: () => Promise<TargetInfo>;
  /** From --var k=v (win over env/default/generate). */
  vars?: Record<string, string>;
  /** Auto-confirm mutating steps. */
  yes?: boolean;
  /** With yes: auto-confirm destructive steps too (headless). */
  allowDestroy?: boolean;
  /** Show previews; run nothing (every step ends skipped). */
  dryRun?: boolean;
  interaction: Interaction;
  /** A .jsonl file, or a directory for <runId>.jsonl; default $XDG_STATE_HOME/drillbook/runs/. */
  journalPath?: string;
  /** Run id or journal path to continue. */
  resume?: string;
  // biome-ignore lint/suspicious/noExplicitAny: kinds have different spec types; each kind checks its own.
  kinds?: ReadonlyMap<string, ActionKind<any>>;
  /** Default: os.userInfo().username. */
  operator?: string;
}

export interface Engine {
  readonly runId: string;
  readonly journalPath: string;
  subscribe(listener: (event: EngineEvent) => void): () => void;
  start(): Promise<void>;
  runStep(stepId: string): Promise<StepStatus>;
  runAll(options?: { from?: string; only?: string[] }): Promise<RunStatus>;
  skipStep(stepId: string): void;
  abort(): void;
  finish(): Promise<RunStatus>;
  stepStatus(stepId: string): StepStatus;
  results(): Record<string, unknown>;
}

/** True when the step will stop for the operator: a confirmation or a prompt (the TUI's `a` stops there). */
export function stepNeedsOperator(step: Step): boolean {
  return step.safety !== 'safe' || step.actions.some((action) => action.kind === 'prompt');
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const kinds = options.kinds ?? (await import('../actions/registry.js')).actionKinds;
  let replay: ReplayedRun | undefined;
  let journalPath: string;
  let runId: string;
  if (options.resume) {
    journalPath = locateJournal(options.resume, options.journalPath);
    replay = replayJournal(readJournal(journalPath));
    if (replay.target !== options.target) {
      throw new Error(
        `run ${replay.runId} was recorded against target ${replay.target}; resume it with --target ${replay.target}`,
      );
    }
    runId = replay.runId;
  } else {
    runId = newRunId();
    journalPath = journalPathFor(runId, options.journalPath);
  }
  return new StepEngine(options, kinds, runId, journalPath, replay);
}

class StepEngine implements Engine {
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly redactor = new Redactor();
  private readonly store = new ResultStore();
  private readonly statuses = new Map<string, StepStatus>();
  private readonly stepResults = new Map<string, Record<string, unknown>>();
  private readonly interrupted = new Map<string, { startedAt: string }>();
  private readonly resources = createRunResources((key, error) =>
    this.emit({ type: 'log', level: 'warn', message: `closing ${key} failed: ${String(error)}` }),
  );
  private readonly journal: JournalWriter;
  private readonly clockStart = performance.now();
  private readonly clockOffset: number;
  private seq: number;
  private vars: Record<string, string> = {};
  private started = false;
  private running: string | undefined;
  private stepController: AbortController | undefined;
  private readonly startController = new AbortController();
  private abortRequested = false;
  private lastRunAll: RunStatus | undefined;
  private target: Promise<TargetInfo> | undefined;
  private finishing: Promise<RunStatus> | undefined;

  constructor(
    private readonly options: EngineOptions,
    // biome-ignore lint/suspicious/noExplicitAny: see EngineOptions.kinds
    private readonly kinds: ReadonlyMap<string, ActionKind<any>>,
    readonly runId: string,
    readonly journalPath: string,
    private readonly replay: ReplayedRun | undefined,
  ) {
    for (const step of options.runbook.steps) this.statuses.set(step.id, 'pending');
    this.seq = replay?.lastSeq ?? 0;
    this.clockOffset = replay ? replay.lastT : 0;
    if (replay) this.restore(replay);
    this.journal = new JournalWriter(journalPath);
  }

  private restore(replay: ReplayedRun): void {
    for (const { path, value } of replay.results) this.store.set(path, value);
    for (const step of this.options.runbook.steps) {
      if (replay.statuses.get(step.id) === 'passed') {
        this.statuses.set(step.id, 'passed');
        this.stepResults.set(step.id, replay.stepResults.get(step.id) ?? {});
      }
      const interrupted = replay.interrupted.get(step.id);
      if (interrupted) this.interrupted.set(step.id, interrupted);
    }
  }

  private now = (): number => this.clockOffset + (performance.now() - this.clockStart);

  private emit(body: EngineEventBody): void {
    const stamped = {
      ...body,
      seq: ++this.seq,
      t: Math.round(this.now() * 1000) / 1000,
      wall: new Date().toISOString(),
    };
    const event = this.redactor.deep(stamped) as EngineEvent;
    this.journal.append(event);
    if (event.type === 'step.finished' || event.type === 'run.finished') this.journal.sync();
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        process.stderr.write(`drillbook: an event subscriber failed: ${String(error)}\n`);
      }
    }
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.started) return;
    const { runbook, dryRun = false } = this.options;
    const secretsPath = secretsPathFor(this.journalPath);
    const resolved = await resolveVariables({
      specs: runbook.vars,
      given: this.options.vars ?? {},
      interaction: this.options.interaction,
      signal: this.startController.signal,
      dryRun,
      previous: this.replay
        ? { generated: readSecretsFile(secretsPath), values: this.replay.vars }
        : undefined,
    });
    this.started = true;
    this.vars = resolved.values;
    for (const name of resolved.secretNames) this.redactor.add(resolved.values[name]);
    if (Object.keys(resolved.generated).length > 0 && !dryRun)
      writeSecretsFile(secretsPath, resolved.generated);
    const startedAt = new Date().toISOString();
    this.store.set('vars', { ...resolved.values });
    this.store.set('run', { id: this.runId, target: this.options.target, started: startedAt });
    const plainVars = Object.fromEntries(
      Object.entries(resolved.values).filter(([name]) => !resolved.secretNames.has(name)),
    );
    this.emit({
      type: 'run.started',
      runId: this.runId,
      runbook: { file: runbook.file, title: runbook.title },
      target: this.options.target,
      dryRun,
      operator: this.options.operator ?? userInfo().username,
      steps: runbook.steps.map((step) => ({ id: step.id, title: step.title, safety: step.safety })),
      resumedFrom: this.replay ? this.journalPath : undefined,
      vars: plainVars,
    });
    for (const { question, answer, secret } of resolved.answers) {
      this.emit({
        type: 'prompt.answered',
        step: '',
        action: -1,
        question,
        answer: secret ? '(secret)' : answer.value,
        kind: 'value',
      });
    }
    for (const name of resolved.undeclared) {
      this.emit({
        type: 'log',
        level: 'warn',
        message: `--var ${name}: the runbook declares no variable ${name}; it only answers prompts`,
      });
    }
    if (this.replay) this.announceResume();
  }

  private announceResume(): void {
    const steps = this.options.runbook.steps;
    const passed = steps.filter((s) => this.statuses.get(s.id) === 'passed').map((s) => s.id);
    const next = steps.find((s) => this.statuses.get(s.id) !== 'passed');
    this.emit({
      type: 'log',
      level: 'info',
      message: `resuming run ${this.runId}: ${passed.length} step(s) already passed${next ? `; continuing at "${next.id}"` : ''}`,
    });
    for (const [stepId, { startedAt }] of this.interrupted) {
      this.emit({
        type: 'log',
        level: 'warn',
        message: `step "${stepId}" started at ${startedAt} and never finished: it may have partly completed`,
      });
    }
    if (this.replay && this.replay.runbookTitle !== this.options.runbook.title) {
      this.emit({
        type: 'log',
        level: 'warn',
        message: `the journal was written for "${this.replay.runbookTitle}", not "${this.options.runbook.title}"`,
      });
    }
  }

  private contextDeps(): ContextDeps {
    return {
      runId: this.runId,
      runbook: this.options.runbook,
      target: this.options.target,
      vars: this.vars,
      store: this.store,
      redactor: this.redactor,
      interaction: this.options.interaction,
      resources: this.resources,
      now: this.now,
      emit: (body) => this.emit(body),
      resolveTarget: () => this.resolveTarget(),
    };
  }

  private resolveTarget(): Promise<TargetInfo> {
    this.target ??= this.options.resolveTarget().then((info) => {
      this.redactor.add(info.token);
      return info;
    });
    return this.target;
  }

  private renderLeniently = (text: string): string =>
    renderTemplate(text, (path) => (this.store.has(path) ? this.store.resolve(path) : `{{ ${path} }}`));

  async runStep(stepId: string): Promise<StepStatus> {
    if (!this.started) throw new Error('engine.start() must be called before running steps');
    const step = findStep(this.options.runbook, stepId);
    if (this.running) throw new Error(`step "${this.running}" is still running`);
    this.abortRequested = false;
    const controller = new AbortController();
    this.stepController = controller;
    this.running = step.id;
    try {
      if (this.options.dryRun) return this.previewStep(step);
      const decision = await confirmStep({
        step,
        yes: this.options.yes ?? false,
        allowDestroy: this.options.allowDestroy ?? false,
        interaction: this.options.interaction,
        signal: controller.signal,
        interruptedAt: this.interrupted.get(step.id)?.startedAt,
        render: this.renderLeniently,
        emit: (body) => this.emit(body),
      });
      if (!decision.run) {
        if (decision.error === undefined) return this.stepStatus(step.id);
        // Refused before it started: no step.started, so a resumed interruption stays on record.
        return this.finishStep(step, 'failed', 0, decision.error);
      }
      return await this.executeStep(step, controller.signal);
    } finally {
      this.running = undefined;
      this.stepController = undefined;
    }
  }

  private finishStep(step: Step, status: StepStatus, durationMs: number, error?: string): StepStatus {
    this.statuses.set(step.id, status);
    this.emit({ type: 'step.finished', step: step.id, status, durationMs: Math.round(durationMs), error });
    return status;
  }

  private executeInput(step: Step, actionIndex: number, signal: AbortSignal): ExecuteInput | string {
    const action = step.actions[actionIndex];
    if (!action) return `step "${step.id}" has no action ${actionIndex + 1}`;
    const kind = this.kinds.get(action.kind);
    if (!kind) {
      return `${action.loc.file}:${action.loc.line}:${action.loc.column}: no action kind "${action.kind}" in this build`;
    }
    return { step, action, actionIndex, kind, signal, deps: this.contextDeps() };
  }

  private previewStep(step: Step): StepStatus {
    this.emit({ type: 'step.started', step: step.id });
    const results: Record<string, unknown> = {};
    for (let index = 0; index < step.actions.length; index++) {
      const input = this.executeInput(step, index, new AbortController().signal);
      if (typeof input === 'string') return this.finishStep(step, 'failed', 0, input);
      const { action } = input;
      let preview: string[];
      try {
        preview = previewAction(input, true);
      } catch (error) {
        return this.finishStep(
          step,
          'failed',
          0,
          this.describeFailure(input, String((error as Error).message ?? error)),
        );
      }
      this.emit({
        type: 'action.started',
        step: step.id,
        action: index,
        kind: action.kind,
        id: action.id,
        preview,
      });
      const summary = `not run (dry run, ${action.safety})`;
      this.emit({
        type: 'action.finished',
        step: step.id,
        action: index,
        kind: action.kind,
        id: action.id,
        ok: true,
        summary,
        durationMs: 0,
      });
      results[resultKey(action.id, action.kind, index)] = { ok: true, summary };
    }
    this.stepResults.set(step.id, results);
    return this.finishStep(step, 'skipped', 0);
  }

  private describeFailure(input: ExecuteInput, error: string): string {
    const { action, actionIndex, step } = input;
    const name = action.id ? ` ${action.id}` : '';
    return `step "${step.id}", action ${actionIndex + 1} (${action.kind}${name}, ${action.loc.file}:${action.loc.line}): ${error}`;
  }

  private async executeStep(step: Step, signal: AbortSignal): Promise<StepStatus> {
    const started = this.now();
    this.statuses.set(step.id, 'running');
    this.interrupted.delete(step.id);
    this.emit({ type: 'step.started', step: step.id });
    const results: Record<string, unknown> = {};
    this.stepResults.set(step.id, results);
    for (let index = 0; index < step.actions.length; index++) {
      const input = this.executeInput(step, index, signal);
      if (typeof input === 'string') return this.finishStep(step, 'failed', this.now() - started, input);
      const { action } = input;
      let preview: string[];
      try {
        preview = previewAction(input, false);
      } catch (error) {
        const message = this.describeFailure(
          input,
          this.redactor.text((error as Error).message ?? String(error)),
        );
        return this.finishStep(step, 'failed', this.now() - started, message);
      }
      this.emit({
        type: 'action.started',
        step: step.id,
        action: index,
        kind: action.kind,
        id: action.id,
        preview,
      });
      const { outcome, durationMs, published } = await executeAction(input);
      if (action.id !== undefined && outcome.data !== undefined) this.store.set(action.id, outcome.data);
      this.emit({
        type: 'action.finished',
        step: step.id,
        action: index,
        kind: action.kind,
        id: action.id,
        ok: outcome.ok,
        summary: outcome.summary,
        durationMs: Math.round(durationMs),
        data: outcome.data,
        checks: outcome.checks,
        error: outcome.error,
        view: outcome.view,
        published: Object.keys(published).length > 0 ? published : undefined,
      });
      results[resultKey(action.id, action.kind, index)] = this.redactor.deep({
        ok: outcome.ok,
        summary: outcome.summary,
        data: outcome.data,
        checks: outcome.checks,
      });
      if (!outcome.ok) {
        const error = this.describeFailure(input, outcome.error ?? outcome.summary);
        return this.finishStep(step, 'failed', this.now() - started, error);
      }
    }
    return this.finishStep(step, 'passed', this.now() - started);
  }

  async runAll(options: { from?: string; only?: string[] } = {}): Promise<RunStatus> {
    const explicit = options.from !== undefined || (options.only?.length ?? 0) > 0;
    const steps = selectSteps(this.options.runbook, options);
    this.abortRequested = false;
    this.lastRunAll = await this.runSteps(steps, explicit);
    return this.lastRunAll;
  }

  private async runSteps(steps: Step[], explicit: boolean): Promise<RunStatus> {
    for (const step of steps) {
      if (this.abortRequested) return 'aborted';
      const current = this.statuses.get(step.id);
      if (!explicit && (current === 'passed' || current === 'skipped')) continue;
      const status = await this.runStep(step.id);
      if (this.abortRequested) return 'aborted';
      if (status === 'failed') return 'failed';
      if (status === 'pending') return 'aborted';
    }
    return 'passed';
  }

  skipStep(stepId: string): void {
    const step = findStep(this.options.runbook, stepId);
    if (this.running === step.id)
      throw new Error(`step "${step.id}" is running; abort it before skipping it`);
    this.finishStep(step, 'skipped', 0);
  }

  abort(): void {
    this.abortRequested = true;
    this.startController.abort();
    this.stepController?.abort();
  }

  stepStatus(stepId: string): StepStatus {
    return this.statuses.get(findStep(this.options.runbook, stepId).id) ?? 'pending';
  }

  results(): Record<string, unknown> {
    return this.redactor.deep(this.store.snapshot());
  }

  finish(): Promise<RunStatus> {
    this.finishing ??= this.close();
    return this.finishing;
  }

  private overallStatus(): RunStatus {
    if (this.abortRequested) return 'aborted';
    const statuses = [...this.statuses.values()];
    if (statuses.includes('failed')) return 'failed';
    if (this.lastRunAll) return this.lastRunAll;
    return statuses.every((s) => s === 'passed' || s === 'skipped') ? 'passed' : 'aborted';
  }

  private async close(): Promise<RunStatus> {
    this.abortRequested ||= this.running !== undefined;
    this.stepController?.abort();
    await this.resources.closeAll();
    if (!this.started) {
      this.journal.close();
      return 'failed';
    }
    const status = this.overallStatus();
    this.emit({
      type: 'run.finished',
      status,
      durationMs: Math.round(this.now() - this.clockOffset),
      steps: this.options.runbook.steps.map((step) => ({
        id: step.id,
        status: this.statuses.get(step.id) ?? 'pending',
        results: this.stepResults.get(step.id) ?? {},
      })),
    });
    this.journal.close();
    return status;
  }
}
