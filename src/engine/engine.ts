// The step engine: runs a runbook's steps through their action kinds, tells subscribers what happens,
// journals every event, and resumes from a journal. Headless: no React, no Ink.
import { userInfo } from 'node:os';
import type { ActionPreview, Engine, EngineState, RunAllOptions } from '../contract/engine.js';
import type { EngineEvent, RunStatus, StepStatus } from '../contract/events.js';
import type { Step } from '../contract/runbook.js';
import { renderTemplate } from '../runbook/template.js';
import { CleanupGuard, cleanupView, dueCleanups } from './cleanup.js';
import { confirmStep } from './confirm.js';
import type { EngineOptions } from './engine-options.js';
import { openJournal } from './open-journal.js';
import type { ReplayedRun } from './resume.js';
import { RunCore } from './run-core.js';
import { walkSteps } from './run-on.js';
import { startRun } from './start-run.js';
import { StepLedger } from './step-ledger.js';
import { executeStep, kindConfirmation, previewActions, previewStep, type StepRun } from './step-runner.js';
import { findStep, selectSteps } from './steps.js';

export type { Engine } from '../contract/engine.js';
export type { EngineOptions } from './engine-options.js';

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const { kinds } = options;
  const { journalPath, runId, lock, replay, repairedTail } = openJournal(options);
  const core = new RunCore({
    runbook: options.runbook,
    target: options.target,
    resolveTarget: options.resolveTarget,
    ...(options.knownSecrets ? { knownSecrets: options.knownSecrets } : {}),
    kinds,
    runId,
    journalPath,
    dryRun: options.dryRun ?? false,
    given: options.vars ?? {},
    answerer: options.interaction,
    continueFrom: replay && { seq: replay.lastSeq, t: replay.lastT, timeline: replay.timeline },
    journalLock: lock,
  });
  return new StepEngine(options, core, replay && { ...replay, repairedTail });
}

class StepEngine implements Engine {
  private readonly steps: StepLedger;
  private readonly startController = new AbortController();
  private started = false;
  private running: string | undefined;
  private stepController: AbortController | undefined;
  private abortRequested = false;
  private readonly cleanup = new CleanupGuard();
  /** The steps runAll last walked when it was given --from or --only: the cleanups due are among them. */
  private selection: Set<string> | undefined;
  private turnDone: Promise<unknown> = Promise.resolve();
  private lastRunAll: RunStatus | undefined;
  private finishing: Promise<RunStatus> | undefined;

  constructor(
    private readonly options: EngineOptions,
    private readonly core: RunCore,
    private readonly replay: ReplayedRun | undefined,
  ) {
    this.steps = new StepLedger(options.runbook.steps);
    if (replay) this.restore(replay);
    // Nothing may happen unrecorded: a journal that cannot be written stops the run at once.
    core.onJournalFailure(() =>
      this.abort('stopped because the journal cannot be written (see the error above)'),
    );
  }

  get runId(): string {
    return this.core.options.runId;
  }

  get journalPath(): string {
    return this.core.options.journalPath;
  }

  private restore(replay: ReplayedRun): void {
    for (const { path, value } of replay.results) this.core.store.set(path, value);
    // The journal holds masked copies of published secrets; the kept file has the real ones.
    for (const [path, value] of Object.entries(this.core.kept.published))
      this.core.publish(path, value, true);
    this.steps.restore(replay);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    return this.core.subscribe(listener);
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.starting().catch((error: unknown) => {
      // Refused before anything ran (a variable, an edited runbook): let go of the journal at once.
      this.core.closeJournal();
      throw error;
    });
    this.started = true;
  }

  private starting(): Promise<void> {
    return startRun({
      core: this.core,
      runbook: this.options.runbook,
      given: this.options.vars ?? {},
      interaction: this.core.questions.interaction,
      signal: this.startController.signal,
      dryRun: this.options.dryRun ?? false,
      operator: this.options.operator ?? userInfo().username,
      allowUnknownVars: this.options.allowUnknownVars ?? false,
      acceptChangedRunbook: this.options.acceptChangedRunbook ?? false,
      resume: this.replay && {
        replay: this.replay,
        journalPath: this.journalPath,
        passed: this.steps.passed(),
        interrupted: this.steps.interrupted,
      },
    });
  }

  private renderLeniently = (text: string): string =>
    renderTemplate(text, (path) =>
      this.core.store.has(path) ? this.core.store.resolve(path) : `{{ ${path} }}`,
    );

  async runStep(stepId: string): Promise<StepStatus> {
    if (!this.started) throw new Error('engine.start() must be called before running steps');
    const step = findStep(this.options.runbook, stepId);
    if (this.running) throw new Error(`step "${this.running}" is still running`);
    this.abortRequested = false;
    this.cleanup.stepStarted();
    const turn = this.turn(step, false);
    this.turnDone = turn.catch(() => undefined);
    return turn;
  }

  /** Confirms and runs a step: all of it, or (cleanup) its always=true blocks at the end of the run. */
  private async turn(whole: Step, cleanup: boolean): Promise<StepStatus> {
    const step = cleanup ? cleanupView(whole) : whole;
    const controller = new AbortController();
    this.stepController = controller;
    this.running = step.id;
    const mode = { cleanup, cleanupSignal: this.cleanup.signal };
    try {
      if (this.options.dryRun) return this.settle(step, previewStep(this.core, step));
      const signal = cleanup ? this.cleanup.signal : controller.signal;
      // A skipped cleanup asks nothing: executeStep says which blocks did not run.
      const decision = signal.aborted
        ? ({ run: true } as const)
        : await confirmStep({
            step,
            yes: this.options.yes ?? false,
            allowDestroy: this.options.allowDestroy ?? false,
            interaction: this.core.questions.interaction,
            signal,
            interrupted: cleanup ? undefined : this.steps.interrupted.get(step.id),
            render: this.renderLeniently,
            emit: (body) => this.core.emit(body),
            confirmationFor: (index, lookUp) => kindConfirmation(this.core, step, index, signal, lookUp),
          });
      if (!decision.run) {
        if (decision.error === undefined) {
          this.core.emit({ type: 'step.declined', step: step.id, reason: decision.reason });
          return this.steps.status(step.id);
        }
        // Refused before it started: no step.started, so a resumed interruption stays on record.
        return this.settle(step, { status: 'failed', durationMs: 0, error: decision.error, results: {} });
      }
      if (cleanup) return this.settle(step, await executeStep(this.core, step, signal, mode), true);
      this.steps.running(step.id, new Date().toISOString());
      const run = await executeStep(this.core, step, controller.signal, mode);
      // Stopped part-way by Ctrl-C or a signal: as unfinished as a step a kill -9 cut off.
      return this.settle(
        step,
        run.status === 'failed' && controller.signal.aborted ? { ...run, aborted: true } : run,
      );
    } finally {
      this.running = undefined;
      this.stepController = undefined;
    }
  }

  /** A cleanup's outcome is on record (step.finished) but the step stays not run: --resume runs it whole. */
  private settle(step: Step, run: StepRun, cleanup = false): StepStatus {
    if (!cleanup) this.steps.settled(step.id, run.status, run.results, run.aborted);
    this.core.emit({
      type: 'step.finished',
      step: step.id,
      status: run.status,
      durationMs: Math.round(run.durationMs),
      error: run.error,
      ...(cleanup ? { cleanup: true as const } : {}),
      ...(run.findings ? { findings: run.findings } : {}),
      ...(run.aborted ? { aborted: true as const } : {}),
    });
    return run.status;
  }

  async runAll(options: RunAllOptions = {}): Promise<RunStatus> {
    const named = options.from !== undefined || (options.only?.length ?? 0) > 0;
    const steps = selectSteps(this.options.runbook, options);
    this.selection = named ? new Set(steps.map((step) => step.id)) : undefined;
    this.abortRequested = false;
    const stop = await walkSteps(steps, {
      rerunDone: options.rerunDone ?? named,
      stopBefore: options.stopBefore,
      statusOf: (id) => this.steps.status(id),
      runStep: (id) => this.runStep(id),
      aborted: () => this.abortRequested,
    });
    this.core.emit({ type: 'steps.stopped', reason: stop.reason, step: stop.step });
    if (!options.stopBefore) this.lastRunAll = stop.status;
    return stop.status;
  }

  preview(stepId: string): ActionPreview[] {
    return previewActions(this.core, findStep(this.options.runbook, stepId));
  }

  approve(questionId: number): void {
    this.core.questions.approve(questionId);
  }

  decline(questionId: number): void {
    this.core.questions.decline(questionId);
  }

  answer(questionId: number, value: string): void {
    this.core.questions.answer(questionId, value);
  }

  state(): EngineState {
    return {
      steps: this.steps.byId(),
      running: this.running,
      question: this.core.questions.current(),
    };
  }

  skipStep(stepId: string): void {
    const step = findStep(this.options.runbook, stepId);
    if (this.running === step.id)
      throw new Error(`step "${step.id}" is running; abort it before skipping it`);
    this.settle(step, { status: 'skipped', durationMs: 0, results: {} });
  }

  /** reason (e.g. "terminated by SIGTERM") replaces "aborted by the operator (Ctrl-C)" in the step's error. */
  abort(reason?: string): void {
    this.cleanup.aborted(reason);
    this.abortRequested = true;
    this.startController.abort(reason);
    this.stepController?.abort(reason);
  }

  results(): Record<string, unknown> {
    return this.core.redactor.deep(this.core.store.snapshot());
  }

  finish(): Promise<RunStatus> {
    this.finishing ??= this.close();
    return this.finishing;
  }

  private overallStatus(): RunStatus {
    if (this.core.journalFailure) return 'failed';
    if (this.abortRequested) return 'aborted';
    return this.steps.outcome(this.lastRunAll);
  }

  private async close(): Promise<RunStatus> {
    this.abortRequested ||= this.running !== undefined;
    this.stepController?.abort();
    await this.turnDone;
    // The always=true blocks of the steps the run stopped before; a further abort skips them, and says so.
    if (this.started) {
      const due = dueCleanups({
        steps: this.options.runbook.steps,
        ran: this.steps.ranThisSession(),
        selection: this.selection,
        statusOf: (id) => this.steps.status(id),
      });
      const announce = (message: string) => this.core.emit({ type: 'log', level: 'info', message });
      await this.cleanup.run(due, announce, (step) => this.turn(step, true));
    }
    await this.core.resources.closeAll();
    if (!this.started) {
      this.core.closeJournal();
      return 'failed';
    }
    const status = this.overallStatus();
    this.core.emit({
      type: 'run.finished',
      status,
      durationMs: Math.round(this.core.now() - this.core.clockOffset),
      steps: this.steps.summary(),
    });
    this.core.closeJournal();
    return status;
  }
}
