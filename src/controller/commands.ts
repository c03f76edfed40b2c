// What the operator's keys ask of the engine: run, run on, skip, retry, preview, answer, abort, quit.
// The engine decides what happens and says so in events (the store reduces them); a command only checks
// whether the key makes sense now and says why when it does nothing.

import type { ActionPreview, Engine } from '../contract/engine.js';
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

/** The part of the engine the TUI drives. */
export type TuiEngine = Pick<
  Engine,
  | 'runId'
  | 'subscribe'
  | 'start'
  | 'runStep'
  | 'runAll'
  | 'preview'
  | 'skipStep'
  | 'approve'
  | 'decline'
  | 'answer'
  | 'abort'
  | 'finish'
>;

export interface CommandDeps {
  store: TuiStore;
  engine: TuiEngine;
  /** Settles once engine.start() has; a key pressed before that waits for it rather than failing. */
  ready?: () => Promise<void>;
}

export interface Commands {
  runSelected(): Promise<void>;
  runOn(): Promise<void>;
  skipSelected(): void;
  retrySelected(): Promise<void>;
  previewSelected(): void;
  /** What an action that has not started yet will run (engine.preview over the results so far). */
  actionPreview(stepId: string, actionIndex: number): string[];
  /** The operator's answer to the engine's pending confirmation. */
  answerConfirm(questionId: number, accepted: boolean): void;
  /** The operator's answer to the engine's pending prompt. */
  answerPrompt(questionId: number, value: string): void;
  interrupt(): void;
  quit(): void;
  answerQuit(yes: boolean): void;
}

/** engine.preview as the `d` pane shows it: each action's header, then its lines indented. */
export function previewLines(actions: readonly ActionPreview[]): string[] {
  return actions.flatMap((action) => [
    `[${action.index + 1}] ${action.id ? `${action.kind} ${action.id}` : action.kind} (${action.safety})`,
    ...action.lines.map((line) => `    ${line}`),
  ]);
}

export function createCommands(deps: CommandDeps): Commands {
  const { store, engine } = deps;

  // Previews are rendered over the results so far: recomputed only once results change.
  const previews = new Map<string, ActionPreview[]>();
  let previewsVersion = -1;
  const previewOf = (stepId: string): ActionPreview[] => {
    const version = store.getState().resultsVersion;
    if (version !== previewsVersion) {
      previews.clear();
      previewsVersion = version;
    }
    let actions = previews.get(stepId);
    if (!actions) {
      actions = engine.preview(stepId);
      previews.set(stepId, actions);
    }
    return actions;
  };

  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

  const busyGuard = (): string | undefined => {
    const state = store.getState();
    if (state.busy || selectIsStepRunning(state))
      return 'A step is running; wait for it or press Ctrl-C to abort it.';
    if (state.exit) return 'Quitting.';
    return undefined;
  };

  /** Drives the engine for one command; its events tell the store what happened. */
  const drive = async (what: string, work: () => Promise<unknown>) => {
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
    } catch (error) {
      setNotice(store, `${what}: ${describe(error)}`, 'error');
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

  const selectedOrSay = () => {
    const blocked = busyGuard();
    const step = selectSelectedStep(store.getState());
    if (blocked || !step) {
      setNotice(store, blocked ?? 'No step selected.', 'warn');
      return undefined;
    }
    return step;
  };

  return {
    async runSelected() {
      const step = selectedOrSay();
      if (!step) return;
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
      setNotice(store, `Running ${step.title}…`);
      await drive(step.id, () => engine.runStep(step.id));
    },

    async runOn() {
      const step = selectedOrSay();
      if (!step) return;
      await drive(step.id, () =>
        engine.runAll({ from: step.id, stopBefore: 'needs-operator', rerunDone: false }),
      );
    },

    skipSelected() {
      const step = selectedOrSay();
      if (!step) return;
      try {
        engine.skipStep(step.id);
        setNotice(store, `Skipped ${step.title}`);
        moveSelection(store, 1);
      } catch (error) {
        setNotice(store, `${step.id}: ${describe(error)}`, 'error');
      }
    },

    async retrySelected() {
      const step = selectedOrSay();
      if (!step) return;
      setNotice(store, `Retrying ${step.title}…`);
      await drive(step.id, () => engine.runStep(step.id));
    },

    previewSelected() {
      const step = selectSelectedStep(store.getState());
      if (!step) return;
      showPreview(store, step.id, previewLines(previewOf(step.id)));
      setNotice(store, `Dry-run preview of ${step.title}: nothing was run.`);
    },

    actionPreview(stepId, actionIndex) {
      return previewOf(stepId)[actionIndex]?.lines ?? [];
    },

    answerConfirm(questionId, accepted) {
      if (accepted) engine.approve(questionId);
      else engine.decline(questionId);
    },

    answerPrompt(questionId, value) {
      engine.answer(questionId, value);
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
      } else if (state.question) {
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
