// What every part of a run shares: the event stream (stamped, redacted, journaled), the addressable
// results, the variables, the timeline, run-scoped resources and the target.
import type { ActionKind, Interaction, TargetInfo, TimelineEntry } from '../contract/action.js';
import type { EngineEvent, EngineEventBody } from '../contract/events.js';
import type { Runbook, TargetName } from '../contract/runbook.js';
import { formatValue } from '../runbook/template.js';
import type { ContextDeps } from './context.js';
import { type JournalWriteError, JournalWriter } from './journal.js';
import type { JournalLock } from './journal-lock.js';
import { QuestionDesk } from './questions.js';
import { Redactor } from './redact.js';
import { createRunResources } from './resources.js';
import { ResultStore } from './results.js';
import { type KeptSecrets, readKeptSecrets, secretsPathFor, writeKeptSecrets } from './secrets.js';

export interface RunCoreOptions {
  runbook: Runbook;
  target: TargetName;
  resolveTarget: () => Promise<TargetInfo>;
  knownSecrets?: () => Promise<string[]>;
  // biome-ignore lint/suspicious/noExplicitAny: kinds have different spec types; each kind checks its own.
  kinds: ReadonlyMap<string, ActionKind<any>>;
  runId: string;
  journalPath: string;
  dryRun: boolean;
  /** --var values, which also answer prompts for those names. */
  given: Record<string, string>;
  /** Answers questions at once (headless flags, tests); without it they wait for engine.approve/answer. */
  answerer?: Interaction;
  /** Held for the run; released when the journal closes. */
  journalLock?: JournalLock;
  /** When resuming: where the journal left off. */
  continueFrom?: { seq: number; t: number; timeline: TimelineEntry[] };
}

export class RunCore {
  readonly redactor = new Redactor();
  readonly store = new ResultStore();
  readonly resources = createRunResources((key, error) =>
    this.emit({ type: 'log', level: 'warn', message: `closing ${key} failed: ${String(error)}` }),
  );
  /** Resolved variables; actions may add more by publishing vars.NAME. */
  readonly vars: Record<string, string> = {};
  readonly kept: KeptSecrets;
  readonly questions: QuestionDesk;
  readonly clockOffset: number;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly journal: JournalWriter;
  private readonly clockStart = performance.now();
  private readonly timeline: TimelineEntry[];
  private readonly secretsPath: string;
  private seq: number;
  private target: Promise<TargetInfo> | undefined;
  /** The target.resolved event, kept to be emitted after run.started when the target was resolved first. */
  private targetResolved: EngineEventBody | undefined;
  private runStarted = false;

  constructor(readonly options: RunCoreOptions) {
    this.journal = new JournalWriter(options.journalPath);
    this.seq = options.continueFrom?.seq ?? 0;
    this.clockOffset = options.continueFrom?.t ?? 0;
    this.timeline = [...(options.continueFrom?.timeline ?? [])];
    this.secretsPath = secretsPathFor(options.journalPath);
    this.kept = options.continueFrom ? readKeptSecrets(this.secretsPath) : { generated: {}, published: {} };
    this.questions = new QuestionDesk((body) => this.emit(body), options.answerer);
  }

  now = (): number => this.clockOffset + (performance.now() - this.clockStart);

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stamps, redacts, journals and hands out one event; the journal is fsynced at step and run end. */
  emit(body: EngineEventBody): void {
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
    if (body.type === 'run.started') {
      this.runStarted = true;
      if (this.targetResolved) this.emit(this.targetResolved);
    }
  }

  /** Set once the journal could not be written. */
  get journalFailure(): JournalWriteError | undefined {
    return this.journal.failure;
  }

  /**
   * Called once when the journal cannot be written. Subscribers still get an error event (it cannot be
   * journaled) saying why, so the screen says what happened even though the record stops.
   */
  onJournalFailure(handler: (error: JournalWriteError) => void): void {
    this.journal.onFailure = (error) => {
      const event = {
        type: 'log',
        level: 'error',
        message: error.message,
        seq: ++this.seq,
        t: this.now(),
        wall: new Date().toISOString(),
      } as EngineEvent;
      for (const listener of this.listeners) listener(event);
      handler(error);
    };
  }

  closeJournal(): void {
    this.journal.close();
    this.options.journalLock?.release();
  }

  /** Keeps secrets a resumed run must reuse, beside the journal (never in a dry run: it changes nothing). */
  keepSecrets(update: Partial<KeptSecrets>): void {
    Object.assign(this.kept.generated, update.generated);
    Object.assign(this.kept.published, update.published);
    if (!this.options.dryRun) writeKeptSecrets(this.secretsPath, this.kept);
  }

  publish(path: string, value: unknown, secret = false): void {
    this.store.set(path, value);
    const variable = /^vars\.([^.]+)$/.exec(path)?.[1];
    if (variable) this.vars[variable] = formatValue(value);
    if (secret) {
      for (const text of stringLeaves(value)) this.redactor.add(text);
      this.keepSecrets({ published: { [path]: value } });
    }
  }

  recordTimeline(entry: Omit<TimelineEntry, 't'>, at?: number): void {
    const t = at ?? this.now();
    this.timeline.push({ ...entry, t });
    this.emit({ type: 'timeline', ...entry, at });
  }

  timelineSince(t: number): ReadonlyArray<TimelineEntry> {
    return this.timeline.filter((entry) => entry.t >= t);
  }

  resolveTarget(): Promise<TargetInfo> {
    this.target ??= this.options.resolveTarget().then((info) => {
      this.redactor.add(info.token);
      const labMode = info.lab?.mode;
      this.targetResolved = { type: 'target.resolved', target: info.name, ...(labMode ? { labMode } : {}) };
      // A journal starts with run.started: a target resolved before it (for its token) is told right after.
      if (this.runStarted) this.emit(this.targetResolved);
      return info;
    });
    return this.target;
  }

  contextDeps(): ContextDeps {
    return {
      runId: this.options.runId,
      runbook: this.options.runbook,
      target: this.options.target,
      vars: this.vars,
      given: this.options.given,
      store: this.store,
      redactor: this.redactor,
      interaction: this.questions.interaction,
      resources: this.resources,
      now: this.now,
      emit: (body) => this.emit(body),
      publish: (path, value, secret) => this.publish(path, value, secret),
      timeline: (entry, at) => this.recordTimeline(entry, at),
      timelineSince: (t) => this.timelineSince(t),
      resolveTarget: () => this.resolveTarget(),
    };
  }
}

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(stringLeaves);
}
