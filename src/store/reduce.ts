// Folds a batch of engine events into a new state. Steps and actions touched by the batch get new objects
// (so selectors see the change); output and timeline buffers are appended in place and their version bumped.
import type { EngineEvent } from '../contract/events.js';
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
  private resultsVersion: number;
  private logs: TuiState['logs'] | undefined;
  private notice: TuiState['ui']['notice'] | undefined;

  constructor(private readonly state: TuiState) {
    this.run = state.run;
    this.timelineVersion = state.timelineVersion;
    this.resultsVersion = state.resultsVersion;
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
        return;
      }
      case 'step.finished': {
        const step = this.step(event.step);
        if (!step) return;
        step.status = event.status;
        step.durationMs = event.durationMs;
        step.error = event.error;
        return;
      }
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
        return;
      }
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
          t: event.t,
          wall: event.wall,
          source: event.source,
          name: event.name,
          detail: event.detail,
          seenBy: event.seenBy,
        });
        this.timelineVersion += 1;
        return;
      case 'log':
        this.log(event.level, event.message, event.wall);
        // Warnings and errors from the engine (a resource that failed to close, a journal problem) are shown.
        if (event.level !== 'info') this.notice = { text: event.message, level: event.level };
        return;
      case 'run.finished':
        this.run = { ...this.run, finished: { status: event.status, durationMs: event.durationMs } };
        return;
    }
  }

  result(): TuiState {
    const next: TuiState = {
      ...this.state,
      run: this.run,
      timelineVersion: this.timelineVersion,
      resultsVersion: this.resultsVersion,
    };
    if (this.steps) next.steps = this.steps;
    if (this.logs) next.logs = this.logs;
    if (this.notice) next.ui = { ...next.ui, notice: this.notice };
    return next;
  }
}
