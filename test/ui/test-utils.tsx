// Shared harness for TUI component tests: a fresh store per render, a scriptable fake engine, named keys,
// and waitFor helpers that poll the rendered frame instead of sleeping.
import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import type { ActionKind, Interaction } from '../../src/contract/action.js';
import type { EngineState } from '../../src/contract/engine.js';
import type { EngineEvent, EngineEventBody, RunStatus, StepStatus } from '../../src/contract/events.js';
import type { ActionBlock, Runbook, Safety, Step } from '../../src/contract/runbook.js';
import { createCommands, type TuiEngine } from '../../src/store/commands.js';
import { createTuiInteraction } from '../../src/store/interaction.js';
import type { TuiState } from '../../src/store/state.js';
import { createEventFeed, createTuiStore, type TuiStore } from '../../src/store/store.js';
import { App } from '../../src/ui/App.js';
import { TuiContext } from '../../src/ui/store-context.js';
import { type Theme, ThemeContext } from '../../src/ui/theme.js';

export const ARROW_UP = '\u001B[A';
export const ARROW_DOWN = '\u001B[B';
export const ENTER = '\r';
export const ESCAPE = '\u001B';
export const TAB = '\t';
export const BACKSPACE = '\u007F';
export const PAGE_UP = '\u001B[5~';
export const PAGE_DOWN = '\u001B[6~';
export const CTRL_C = '\u0003';

export interface StepSpec {
  id: string;
  title?: string;
  explanation?: string;
  safety?: Safety;
  actions?: Array<Partial<ActionBlock> & { kind: string }>;
}

export function makeRunbook(steps: StepSpec[], title = 'Test runbook'): Runbook {
  return {
    file: 'test.md',
    baseDir: '.',
    title,
    vars: [],
    introduction: '',
    templates: {},
    steps: steps.map((spec, index): Step => {
      const actions = (spec.actions ?? [{ kind: 'sh', body: `echo ${spec.id}` }]).map(
        (a): ActionBlock => ({
          attrs: {},
          body: '',
          retries: 0,
          safety: spec.safety ?? 'safe',
          spec: undefined,
          loc: { file: 'test.md', line: 1, column: 1 },
          bodyLine: 2,
          ...a,
        }),
      );
      return {
        id: spec.id,
        index,
        title: spec.title ?? spec.id,
        explanation: spec.explanation ?? '',
        actions,
        safety: spec.safety ?? 'safe',
        loc: { file: 'test.md', line: index + 1, column: 1 },
      };
    }),
  };
}

export interface ScriptContext {
  emit(body: EngineEventBody): void;
  interaction: Interaction;
  signal: AbortSignal;
}

export type StepScript = (ctx: ScriptContext) => Promise<StepStatus>;

/** Implements the engine surface the TUI drives; each step does what its script says. */
export class FakeEngine implements TuiEngine {
  readonly runId = 'run-test-1';
  readonly calls: string[] = [];
  interaction!: Interaction;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly statuses = new Map<string, StepStatus>();
  private seq = 0;
  private readonly epoch = performance.now();
  private controller: AbortController | undefined;

  constructor(
    private readonly runbook: Runbook,
    private readonly scripts: Record<string, StepScript> = {},
  ) {}

  emit(body: EngineEventBody): void {
    const event = {
      ...body,
      seq: ++this.seq,
      t: performance.now() - this.epoch,
      wall: new Date().toISOString(),
    };
    for (const listener of this.listeners) listener(event as EngineEvent);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.emit({
      type: 'run.started',
      runId: this.runId,
      runbook: { file: this.runbook.file, title: this.runbook.title },
      target: 'lab',
      dryRun: false,
      operator: 'tester',
      steps: this.runbook.steps.map((s) => ({ id: s.id, title: s.title, safety: s.safety })),
    });
  }

  async runStep(stepId: string): Promise<StepStatus> {
    this.calls.push(`run:${stepId}`);
    this.controller = new AbortController();
    const script = this.scripts[stepId] ?? passingStep(stepId);
    this.emit({ type: 'step.started', step: stepId });
    let status: StepStatus;
    try {
      status = await script({
        emit: (b) => this.emit(b),
        interaction: this.interaction,
        signal: this.controller.signal,
      });
    } catch {
      status = 'failed';
    }
    this.controller = undefined;
    this.statuses.set(stepId, status);
    this.emit({ type: 'step.finished', step: stepId, status, durationMs: 12 });
    return status;
  }

  skipStep(stepId: string): void {
    this.calls.push(`skip:${stepId}`);
    this.statuses.set(stepId, 'skipped');
    this.emit({ type: 'step.finished', step: stepId, status: 'skipped', durationMs: 0 });
  }

  abort(): void {
    this.calls.push('abort');
    this.controller?.abort();
  }

  async finish(): Promise<RunStatus> {
    return 'passed';
  }

  state(): EngineState {
    return { steps: Object.fromEntries(this.statuses) };
  }

  /** What results() returns: set it to what earlier steps would have published. */
  resultsData: Record<string, unknown> = { vars: {} };

  results(): Record<string, unknown> {
    return this.resultsData;
  }
}

export function passingStep(stepId: string): StepScript {
  return async ({ emit }) => {
    emit({ type: 'action.started', step: stepId, action: 0, kind: 'sh', preview: [`echo ${stepId}`] });
    emit({ type: 'action.output', step: stepId, action: 0, stream: 'stdout', line: `hello from ${stepId}` });
    emit({
      type: 'action.finished',
      step: stepId,
      action: 0,
      kind: 'sh',
      ok: true,
      summary: 'exit 0',
      durationMs: 5,
    });
    return 'passed';
  };
}

/** Waits until the signal aborts (a step that runs until Ctrl-C). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export interface RenderOptions {
  runbook: Runbook;
  scripts?: Record<string, StepScript>;
  theme?: Theme;
  columns?: number;
  rows?: number;
  needsOperator?: (step: Step) => boolean;
  kinds?: ReadonlyMap<string, ActionKind<unknown>>;
}

export function renderTui(options: RenderOptions) {
  const store: TuiStore = createTuiStore(options.runbook, { target: 'lab', dryRun: false });
  const engine = new FakeEngine(options.runbook, options.scripts);
  engine.interaction = createTuiInteraction(store);
  const feed = createEventFeed(store);
  engine.subscribe(feed.push);
  const commands = createCommands({
    store,
    engine,
    steps: options.runbook.steps,
    needsOperator: options.needsOperator ?? ((step) => step.safety !== 'safe'),
    previewSources: { runbook: options.runbook, kinds: options.kinds ?? new Map() },
  });
  const rendered = render(
    <ThemeContext.Provider value={options.theme ?? { color: true }}>
      <TuiContext.Provider value={{ store, commands, runbook: options.runbook }}>
        <App />
      </TuiContext.Provider>
    </ThemeContext.Provider>,
  );
  const stdout = rendered.stdout as unknown as NodeJS.EventEmitter;
  const setSize = (columns: number, rows: number) => {
    Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
  };
  setSize(options.columns ?? 100, options.rows ?? 30);
  stdout.emit('resize');

  const frame = () => stripAnsi(rendered.lastFrame() ?? '');

  const waitFor = async (predicate: (frame: string) => boolean, what: string, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = frame();
      if (predicate(current)) return current;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Last frame:\n${current}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  return {
    store,
    engine,
    commands,
    frame,
    rawFrame: () => rendered.lastFrame() ?? '',
    /** Sends keys one write at a time (as a terminal does for separate keystrokes). */
    press: async (...keys: string[]) => {
      for (const key of keys) {
        rendered.stdin.write(key);
        await new Promise((r) => setImmediate(r));
      }
    },
    waitForText: (text: string, timeoutMs?: number) =>
      waitFor((f) => f.includes(text), `"${text}"`, timeoutMs),
    waitForState: async (predicate: (state: TuiState) => boolean, what: string, timeoutMs = 3000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(store.getState())) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Last frame:\n${frame()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    waitFor,
    resize: (columns: number, rows: number) => {
      setSize(columns, rows);
      stdout.emit('resize');
    },
    start: () => engine.start(),
    unmount: () => {
      feed.close();
      rendered.unmount();
    },
  };
}

/** The line of the frame that contains text (for asserting on one row). */
export function lineWith(frame: string, text: string): string {
  return frame.split('\n').find((line) => line.includes(text)) ?? '';
}
