// What the operator's keys do to the engine: run, run on, skip, retry, preview, abort, quit.
// Every command checks its own preconditions and says why when it does nothing.

import type { EngineState } from '../contract/engine.js';
import type { EngineEvent, RunStatus, StepStatus } from '../contract/events.js';
import type { Step } from '../contract/runbook.js';
import { type PreviewSources, previewAction, previewStep } from './preview.js';
import { selectIsStepRunning, selectSelectedStep } from './selectors.js';
import type { TuiStore } from './store.js';
import {
  moveSelection,
  requestExit,
  setAskingQuit,
  setBusy,
  setInterruptArmed,
  setNotice,
  showPreview,
} from './ui-actions.js';

/** The part of the engine (src/engine/engine.ts) the TUI drives; the real Engine satisfies it. */
export interface TuiEngine {
  readonly runId: string;
  subscribe(listener: (event: EngineEvent) => void): () => void;
  start(): Promise<void>;
  runStep(stepId: string): Promise<StepStatus>;
  skipStep(stepId: string): void;
  abort(): void;
  finish(): Promise<RunStatus>;
  state(): EngineState;
  results(): Record<string, unknown>;
}

export interface CommandDeps {
  store: TuiStore;
  engine: TuiEngine;
  steps: readonly Step[];
  /** engine's stepNeedsOperator: `a` stops before such a step. */
  needsOperator: (step: Step) => boolean;
  previewSources: Omit<PreviewSources, 'results' | 'runId'>;
  /** Settles once engine.start() has; a key pressed before that waits for it rather than failing. */
  ready?: () => Promise<void>;
}

export interface Commands {
  runSelected(): Promise<void>;
  runOn(): Promise<void>;
  skipSelected(): void;
  retrySelected(): Promise<void>;
  previewSelected(): void;
  /** What an action that has not started yet will run (kind.preview over the results so far). */
  actionPreview(stepId: string, actionIndex: number): string[];
  interrupt(): void;
  quit(): void;
  answerQuit(yes: boolean): void;
}

export function createCommands(deps: CommandDeps): Commands {
  const { store, engine } = deps;
  const stepById = new Map(deps.steps.map((s) => [s.id, s]));

  const previews = new Map<string, string[]>();
  let previewsVersion = -1;

  const currentResults = (): Record<string, unknown> => {
    try {
      return engine.results();
    } catch {
      // Before start() nothing is addressable yet; previews then show unresolved references.
      return {};
    }
  };

  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

  /** Brings the store in line with the engine for a step (in case an event has not arrived yet). */
  const syncStatus = (id: string) => {
    const status = engine.state().steps[id] ?? 'pending';
    const step = store.getState().steps[id];
    if (step && step.status !== status) {
      store.setState((s) => ({ steps: { ...s.steps, [id]: { ...step, status } } }));
    }
  };

  const run = async (id: string): Promise<StepStatus> => {
    try {
      return await engine.runStep(id);
    } catch (error) {
      setNotice(store, `${id}: ${describe(error)}`, 'error');
      return 'failed';
    } finally {
      syncStatus(id);
    }
  };

  const busyGuard = (): string | undefined => {
    const state = store.getState();
    if (state.busy || selectIsStepRunning(state))
      return 'A step is running; wait for it or press Ctrl-C to abort it.';
    if (state.exit) return 'Quitting.';
    return undefined;
  };

  const drive = async (work: () => Promise<void>) => {
    setBusy(store, true);
    setInterruptArmed(store, false);
    try {
      try {
        await deps.ready?.();
      } catch (error) {
        setNotice(store, `Nothing can run: the run did not start (${describe(error)}). q quits.`, 'error');
        return;
      }
      await work();
    } finally {
      setBusy(store, false);
    }
  };

  /** The next step after `index` that has not passed or been skipped, if any. */
  const nextOpenStep = (index: number): number | undefined => {
    const state = store.getState();
    for (let i = index + 1; i < state.stepOrder.length; i++) {
      const status = state.steps[state.stepOrder[i] as string]?.status;
      if (status !== 'passed' && status !== 'skipped') return i;
    }
    return undefined;
  };

  const reportResult = (id: string, status: StepStatus) => {
    const title = store.getState().steps[id]?.title ?? id;
    if (status === 'passed') setNotice(store, `✓ ${title} passed — Enter moves to the next step`);
    else if (status === 'failed' && store.getState().ui.interruptArmed)
      setNotice(store, `✗ ${title} aborted — Ctrl-C again quits, r retries`, 'warn');
    else if (status === 'failed') setNotice(store, `✗ ${title} failed — r retries, s skips`, 'error');
    else if (status === 'pending') setNotice(store, `${title} was not run.`, 'warn');
  };

  return {
    async runSelected() {
      const blocked = busyGuard();
      const step = selectSelectedStep(store.getState());
      if (blocked || !step) {
        setNotice(store, blocked ?? 'No step selected.', 'warn');
        return;
      }
      // A step that is done stays selected with its results on screen; Enter then moves on (r re-runs it).
      if (step.status === 'passed' || step.status === 'skipped') {
        const next = nextOpenStep(step.index);
        if (next === undefined) {
          setNotice(store, 'Every step after this one is done. q quits; r runs this step again.');
          return;
        }
        moveSelection(store, next - step.index);
        setNotice(
          store,
          `Next: ${store.getState().steps[store.getState().stepOrder[next] as string]?.title} — Enter runs it`,
        );
        return;
      }
      await drive(async () => {
        setNotice(store, `Running ${step.title}…`);
        const status = await run(step.id);
        reportResult(step.id, status);
      });
    },

    async runOn() {
      const blocked = busyGuard();
      const first = selectSelectedStep(store.getState());
      if (blocked || !first) {
        setNotice(store, blocked ?? 'No step selected.', 'warn');
        return;
      }
      await drive(async () => {
        const order = store.getState().stepOrder;
        for (let i = first.index; i < order.length; i++) {
          const id = order[i] as string;
          const current = store.getState();
          if (current.exit) return;
          if (current.steps[id]?.status === 'passed' || current.steps[id]?.status === 'skipped') continue;
          const step = stepById.get(id);
          if (i > first.index && step && deps.needsOperator(step)) {
            moveSelection(store, i - store.getState().ui.selected);
            setNotice(store, `Stopped before "${step.title}": it needs you. Enter runs it.`);
            return;
          }
          moveSelection(store, i - store.getState().ui.selected);
          const status = await run(id);
          if (status !== 'passed') {
            reportResult(id, status);
            return;
          }
        }
        setNotice(store, 'Ran to the end of the runbook.');
      });
    },

    skipSelected() {
      const blocked = busyGuard();
      const step = selectSelectedStep(store.getState());
      if (blocked || !step) {
        setNotice(store, blocked ?? 'No step selected.', 'warn');
        return;
      }
      try {
        engine.skipStep(step.id);
        syncStatus(step.id);
        setNotice(store, `Skipped ${step.title}`);
        moveSelection(store, 1);
      } catch (error) {
        setNotice(store, `${step.id}: ${describe(error)}`, 'error');
      }
    },

    async retrySelected() {
      const blocked = busyGuard();
      const step = selectSelectedStep(store.getState());
      if (blocked || !step) {
        setNotice(store, blocked ?? 'No step selected.', 'warn');
        return;
      }
      await drive(async () => {
        setNotice(store, `Retrying ${step.title}…`);
        const status = await run(step.id);
        reportResult(step.id, status);
      });
    },

    previewSelected() {
      const selected = selectSelectedStep(store.getState());
      const step = selected && stepById.get(selected.id);
      if (!step) return;
      const lines = previewStep(step, {
        ...deps.previewSources,
        results: currentResults(),
        runId: engine.runId,
      });
      showPreview(store, step.id, lines);
      setNotice(store, `Dry-run preview of ${step.title}: nothing was run.`);
    },

    actionPreview(stepId, actionIndex) {
      const step = stepById.get(stepId);
      const action = step?.actions[actionIndex];
      if (!step || !action) return [];
      const version = store.getState().resultsVersion;
      if (version !== previewsVersion) {
        previews.clear();
        previewsVersion = version;
      }
      const key = `${stepId}\u0000${actionIndex}`;
      let lines = previews.get(key);
      if (!lines) {
        const sources = { ...deps.previewSources, results: currentResults(), runId: engine.runId };
        lines = previewAction(step, action, actionIndex, sources);
        previews.set(key, lines);
      }
      return lines;
    },

    interrupt() {
      const state = store.getState();
      if (state.ui.interruptArmed || state.exit) {
        engine.abort();
        requestExit(store, true);
        return;
      }
      setInterruptArmed(store, true);
      if (selectIsStepRunning(state) || state.busy) {
        engine.abort();
        setNotice(store, 'Aborting the running step… press Ctrl-C again to quit.', 'warn');
      } else if (state.pending) {
        // A question outside any step (a variable asked for at start): withdraw it.
        engine.abort();
        setNotice(store, 'Question withdrawn; nothing can run without it. Ctrl-C again quits.', 'warn');
      } else {
        setNotice(store, 'Press Ctrl-C again to quit.', 'warn');
      }
    },

    quit() {
      const state = store.getState();
      if (selectIsStepRunning(state) || state.busy) {
        setAskingQuit(store, true);
        return;
      }
      requestExit(store, false);
    },

    answerQuit(yes) {
      setAskingQuit(store, false);
      if (!yes) return;
      engine.abort();
      requestExit(store, true);
    },
  };
}
