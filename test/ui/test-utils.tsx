// Shared harness for TUI tests: a fresh store per render, named keys, waitFor helpers that poll the rendered
// frame instead of sleeping, and either a scriptable fake engine (renderTui: screens and keys) or the real
// Engine (renderTuiWith: run semantics, see real-engine.test.tsx).
import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { afterEach } from 'vitest';
import type { Interaction, TargetInfo } from '../../src/contract/action.js';
import type { ActionPreview, Engine } from '../../src/contract/engine.js';
import type { EngineEvent, EngineEventBody, RunStatus, StepStatus } from '../../src/contract/events.js';
import type { ActionBlock, Runbook, Safety, Step } from '../../src/contract/runbook.js';
import { createCommands, type TuiEngine } from '../../src/controller/commands.js';
import type { TuiState } from '../../src/controller/state.js';
import { createEventFeed, createTuiStore, type TuiStore } from '../../src/controller/store.js';
import { createEngine, type EngineOptions } from '../../src/engine/engine.js';
import { QuestionDesk } from '../../src/engine/questions.js';
import { App } from '../../src/ui/App.js';
import { TuiContext } from '../../src/ui/store-context.js';
import { type Theme, ThemeContext } from '../../src/ui/theme.js';
import { tempDir } from '../helpers/temp-dir.js';

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

/**
 * Implements the engine surface the TUI drives; each step does what its script says. Questions go through the
 * engine's own QuestionDesk, so dialogs answer them exactly as they answer the real engine. Run-on and preview
 * semantics are the real engine's: tests of those use renderTuiWith and createEngine.
 */
export class FakeEngine implements TuiEngine {
  readonly runId = 'run-test-1';
  readonly calls: string[] = [];
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly questions = new QuestionDesk((body) => this.emit(body));
  private seq = 0;
  private readonly epoch = performance.now();
  private controller: AbortController | undefined;

  constructor(
    private readonly runbook: Runbook,
    private readonly scripts: Record<string, StepScript> = {},
  ) {}

  get interaction(): Interaction {
    return this.questions.interaction;
  }

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
    // As the engine: a step that was not run (declined) says so and stays pending.
    if (status === 'pending') this.emit({ type: 'step.declined', step: stepId, reason: 'declined' });
    else this.emit({ type: 'step.finished', step: stepId, status, durationMs: 12 });
    return status;
  }

  async runAll(): Promise<RunStatus> {
    throw new Error('FakeEngine has no run-on: test it against the real engine (renderTuiWith)');
  }

  /** What preview() returns per step; by default each action's body. */
  previews: Record<string, ActionPreview[]> = {};

  preview(stepId: string): ActionPreview[] {
    const step = this.runbook.steps.find((s) => s.id === stepId);
    return (
      this.previews[stepId] ??
      (step?.actions ?? []).map((action, index) => ({
        index,
        kind: action.kind,
        ...(action.id ? { id: action.id } : {}),
        safety: action.safety,
        lines: action.body.split('\n'),
      }))
    );
  }

  skipStep(stepId: string): void {
    this.calls.push(`skip:${stepId}`);
    this.emit({ type: 'step.finished', step: stepId, status: 'skipped', durationMs: 0 });
  }

  approve(id: number): void {
    this.questions.approve(id);
  }

  decline(id: number): void {
    this.questions.decline(id);
  }

  answer(id: number, value: string): void {
    this.questions.answer(id, value);
  }

  abort(): void {
    this.calls.push('abort');
    this.controller?.abort();
  }

  async finish(): Promise<RunStatus> {
    return 'passed';
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
}

/** The TUI over a FakeEngine whose steps do what their scripts say. */
export function renderTui(options: RenderOptions) {
  const engine = new FakeEngine(options.runbook, options.scripts);
  return { ...renderTuiWith(engine, options), engine, start: () => engine.start() };
}

export interface RealEngineRenderOptions extends Omit<RenderOptions, 'scripts'> {
  kinds: EngineOptions['kinds'];
  target: TargetInfo;
  vars?: Record<string, string>;
}

/**
 * The TUI over a real Engine (journal in a temp folder, operator "tester"): registers the afterEach that
 * unmounts each and finishes its engine (finish is idempotent), and returns the function a test calls to start one.
 */
export function tuiOverRealEngine() {
  const started: Array<{ engine: Engine; ui: ReturnType<typeof renderTuiWith> }> = [];
  afterEach(async () => {
    for (const { engine, ui } of started.splice(0)) {
      ui.unmount();
      await engine.finish();
    }
  });
  return async ({ kinds, target, vars, ...render }: RealEngineRenderOptions) => {
    const engine = await createEngine({
      runbook: render.runbook,
      target: target.name,
      resolveTarget: async () => target,
      ...(vars ? { vars } : {}),
      journalPath: tempDir('drillbook-tui-engine-'),
      kinds,
      operator: 'tester',
    });
    const ui = renderTuiWith(engine, render);
    started.push({ engine, ui });
    await engine.start();
    return { engine, ui };
  };
}

/** The TUI over any engine (the real one in real-engine.test.tsx), wired as runTui wires it. */
export function renderTuiWith(engine: TuiEngine, options: Omit<RenderOptions, 'scripts'>) {
  const store: TuiStore = createTuiStore(options.runbook, { target: 'lab', dryRun: false });
  const feed = createEventFeed(store);
  engine.subscribe(feed.push);
  const commands = createCommands({ store, engine });
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
