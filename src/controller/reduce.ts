// Folds a batch of engine events into a new state. Steps and actions touched by the batch get new objects
// (so selectors see the change); output and timeline buffers are appended in place and their version bumped.
// Everything the engine decides reaches the screen this way: statuses (a resumed run's too), the pending
// question, a declined step, where a run-on stopped; the selection follows the step the engine runs.
import type { EngineEvent, StepStatus } from '../contract/events.js';
import { type ActionState, LOG_ENTRIES, newActionState, type StepState, type TuiState } from './state.js';

export function applyEvents(state: TuiState, events: readonly EngineEvent[]): TuiState {
  if (events.length === 0) return state;
  const batch = new Batch(state);
  for (const event of events) batch.apply(event);
  return batch.result();
}

class Batch {
  private run: TuiState['run'];
  private steps: Record<string, StepState> | undefined;
  private readonly touched = new Set<string>();
  private timelineVersion: number;
  private cluster: TuiState['cluster'];
  private probesRunning: string[];
  private sentinelNames: string[];
  /** Timeline entries added by this batch: a feed scrolled back keeps its place by that many. */
  private appended = 0;
  private resultsVersion: number;
  private logs: TuiState['logs'] | undefined;
  private question: TuiState['question'];
  private ui: TuiState['ui'];

  constructor(private readonly state: TuiState) {
    this.run = state.run;
    this.timelineVersion = state.timelineVersion;
    this.cluster = state.cluster;
    this.probesRunning = state.probesRunning;
    this.sentinelNames = state.sentinelNames;
    this.resultsVersion = state.resultsVersion;
    this.question = state.question;
    this.ui = state.ui;
  }

  private title(id: string): string {
    return this.state.steps[id]?.title ?? id;
  }

  private notify(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.ui = { ...this.ui, notice: { text, level } };
  }

  /** Selects the step the engine is on, as moving there by hand would (scroll reset, preview closed). */
  private follow(id: string): void {
    const selected = this.state.stepOrder.indexOf(id);
    if (selected < 0 || selected === this.ui.selected) return;
    this.ui = {
      ...this.ui,
      selected,
      scroll: { ...this.ui.scroll, detail: 0, output: 0 },
      previewStep: undefined,
      previewLines: undefined,
    };
  }

  private finished(id: string, status: StepStatus): void {
    const title = this.title(id);
    if (status === 'passed') this.notify(`✓ ${title} passed — Enter moves to the next step`);
    else if (status === 'failed' && this.ui.interruptArmed)
      this.notify(`✗ ${title} aborted — Ctrl-C again quits, r retries`, 'warn');
    else if (status === 'failed') this.notify(`✗ ${title} failed — r retries, s skips`, 'error');
  }

  /** A copy of the step that this batch may change freely. */
  private step(id: string): StepState | undefined {
    const source = this.steps?.[id] ?? this.state.steps[id];
    if (!source) return undefined;
    if (this.touched.has(id)) return source;
    this.steps ??= { ...this.state.steps };
    const copy: StepState = { ...source, actions: [...source.actions], notes: source.notes };
    this.steps[id] = copy;
    this.touched.add(id);
    return copy;
  }

  /** A copy of the action; new within a step copy, so the old state's action objects stay unchanged. */
  private action(step: StepState, index: number, kind: string): ActionState {
    const existing = step.actions[index];
    const copy = existing ? { ...existing } : newActionState(index, kind);
    step.actions[index] = copy;
    return copy;
  }

  private log(level: 'info' | 'warn' | 'error', message: string, wall: string): void {
    this.logs ??= [...this.state.logs];
    this.logs.push({ level, message, wall });
    if (this.logs.length > LOG_ENTRIES) this.logs.splice(0, this.logs.length - LOG_ENTRIES);
  }

  apply(event: EngineEvent): void {
    if (this.run.epochMs === undefined) this.run = { ...this.run, epochMs: Date.now() - event.t };
    switch (event.type) {
      case 'run.started':
        this.resultsVersion += 1;
        this.run = {
          ...this.run,
          runId: event.runId,
          title: event.runbook.title,
          file: event.runbook.file,
          target: event.target,
          dryRun: event.dryRun,
          operator: event.operator,
          resumedFrom: event.resumedFrom,
          epochMs: Date.now() - event.t,
          finished: undefined,
        };
        // A resumed run starts with the steps its journal says passed.
        for (const summary of event.steps) {
          const step = summary.status && this.step(summary.id);
          if (step && summary.status) step.status = summary.status;
        }
        return;
      case 'target.resolved':
        this.run = { ...this.run, target: event.target, labMode: event.labMode };
        return;
      case 'step.started': {
        const step = this.step(event.step);
        if (!step) return;
        step.status = 'running';
        step.startedAt = event.t;
        step.durationMs = undefined;
        step.error = undefined;
        step.attempts += 1;
        step.actions = [];
        this.follow(event.step);
        // "Stopped before X: it needs you" no longer holds once X runs (it stayed up while X ran).
        if (this.ui.notice?.text.startsWith(`Stopped before "${this.title(event.step)}"`)) {
          this.ui = { ...this.ui, notice: undefined };
        }
        if (event.cleanup)
          this.notify(`Cleanup: ${this.title(event.step)} runs its always=true blocks.`, 'warn');
        return;
      }
      case 'step.finished': {
        const step = this.step(event.step);
        if (!step) return;
        step.status = event.status;
        step.durationMs = event.durationMs;
        step.error = event.error;
        this.finished(event.step, event.status);
        return;
      }
      case 'step.declined': {
        const step = this.step(event.step);
        if (step) step.status = 'pending';
        this.notify(`${this.title(event.step)} was not run.`, 'warn');
        return;
      }
      case 'steps.stopped':
        if (event.reason === 'end') this.notify('Ran to the end of the runbook.');
        else if (event.reason === 'needs-operator' && event.step) {
          this.follow(event.step);
          this.notify(`Stopped before "${this.title(event.step)}": it needs you. Enter runs it.`);
        }
        // failed, not-run, aborted: the step's own notice (above) already says what happened.
        return;
      case 'question.asked':
        this.question = event.question;
        return;
      case 'question.closed':
        if (this.question?.id === event.question) this.question = undefined;
        return;
      case 'action.started': {
        const step = this.step(event.step);
        if (!step) return;
        const action = this.action(step, event.action, event.kind);
        action.kind = event.kind;
        action.id = event.id;
        action.preview = event.preview;
        action.status = 'running';
        return;
      }
      case 'action.output': {
        const step = this.step(event.step);
        if (!step) return;
        const action = this.action(step, event.action, 'unknown');
        action.output.push({ stream: event.stream, text: event.line });
        action.outputVersion += 1;
        return;
      }
      case 'action.progress': {
        const step = this.step(event.step);
        if (!step) return;
        const action = this.action(step, event.action, 'unknown');
        action.progress = { message: event.message, done: event.done, total: event.total };
        return;
      }
      case 'action.finished': {
        const step = this.step(event.step);
        if (!step) return;
        const action = this.action(step, event.action, event.kind);
        action.kind = event.kind;
        action.id = event.id ?? action.id;
        action.status = event.ok ? 'passed' : 'failed';
        action.summary = event.summary;
        action.durationMs = event.durationMs;
        action.data = event.data;
        action.checks = event.checks;
        action.error = event.error;
        action.view = event.view;
        action.progress = undefined;
        this.resultsVersion += 1;
        if (event.kind === 'probe') this.noteProbe(event.summary, event.data);
        return;
      }
      case 'cluster':
        this.cluster = { snapshot: event.snapshot, t: event.t };
        return;
      case 'confirm.answered': {
        const step = this.step(event.step);
        if (!step) return;
        const who = event.how === 'flag' ? 'by --yes' : `by ${this.run.operator ?? 'the operator'}`;
        step.notes = [
          ...step.notes,
          { at: event.wall, text: `${event.accepted ? 'confirmed' : 'declined'} ${who}: ${event.message}` },
        ];
        return;
      }
      case 'prompt.answered': {
        const step = this.step(event.step);
        if (!step) return;
        step.notes = [...step.notes, { at: event.wall, text: `${event.question} → ${event.answer}` }];
        return;
      }
      case 'timeline':
        this.state.timeline.push({
          seq: event.seq,
          // When it was first seen (a merged Sentinel event is reported after its merge window).
          t: event.at ?? event.t,
          wall: event.wall,
          source: event.source,
          name: event.name,
          detail: event.detail,
          seenBy: event.seenBy,
        });
        this.timelineVersion += 1;
        this.appended += 1;
        for (const name of event.seenBy ?? []) {
          if (!this.sentinelNames.includes(name)) this.sentinelNames = [...this.sentinelNames, name];
        }
        return;
      case 'log':
        this.log(event.level, event.message, event.wall);
        // Warnings and errors from the engine (a resource that failed to close, a journal problem) are shown.
        if (event.level !== 'info') this.notify(event.message, event.level);
        return;
      case 'run.finished':
        this.run = { ...this.run, finished: { status: event.status, durationMs: event.durationMs } };
        return;
    }
  }

  /** A probe's start result says running: true, its stop result running: false. */
  private noteProbe(summary: string, data: unknown): void {
    const name = summary.match(/^probe ([A-Za-z0-9_-]+)/)?.[1];
    if (!name || typeof data !== 'object' || data === null || !('running' in data)) return;
    const others = this.probesRunning.filter((running) => running !== name);
    this.probesRunning = data.running === true ? [...others, name] : others;
  }

  result(): TuiState {
    const next: TuiState = {
      ...this.state,
      run: this.run,
      cluster: this.cluster,
      probesRunning: this.probesRunning,
      sentinelNames: this.sentinelNames,
      timelineVersion: this.timelineVersion,
      resultsVersion: this.resultsVersion,
      question: this.question,
      ui: this.ui,
    };
    if (this.steps) next.steps = this.steps;
    if (this.logs) next.logs = this.logs;
    const feedScroll = next.ui.scroll.feed;
    if (this.appended > 0 && feedScroll > 0) {
      next.ui = { ...next.ui, scroll: { ...next.ui.scroll, feed: feedScroll + this.appended } };
    }
    return next;
  }
}
