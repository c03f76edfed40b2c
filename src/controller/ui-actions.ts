// Operator-side state changes that do not involve the engine: selection, focus, scroll, panels, notices.
import { selectFocusedActionIndex, selectPanes, selectSelectedStep, selectShowCluster } from './selectors.js';
import type { Pane, UiState } from './state.js';
import type { TuiStore } from './store.js';

function patchUi(store: TuiStore, patch: Partial<UiState>): void {
  store.setState((s) => ({ ui: { ...s.ui, ...patch } }));
}

export function moveSelection(store: TuiStore, delta: number): void {
  const { stepOrder, ui } = store.getState();
  if (stepOrder.length === 0) return;
  const selected = Math.max(0, Math.min(stepOrder.length - 1, ui.selected + delta));
  if (selected === ui.selected) return;
  patchUi(store, {
    selected,
    scroll: { ...ui.scroll, detail: 0, output: 0 },
    previewStep: undefined,
    previewLines: undefined,
  });
}

export function cycleFocus(store: TuiStore): void {
  const state = store.getState();
  const panes = selectPanes(state);
  const next = panes[(panes.indexOf(state.ui.focus) + 1) % panes.length] as Pane;
  patchUi(store, { focus: next });
}

/**
 * PgUp (direction -1) / PgDn (+1) on the focused pane. The step list moves the selection a page; the
 * detail pane scrolls down from the top; output and feed scroll back from the newest line.
 */
export function scrollFocused(store: TuiStore, direction: -1 | 1, page: number): void {
  const state = store.getState();
  const { ui } = state;
  const pane = ui.focus;
  if (pane === 'steps') {
    moveSelection(store, direction * page);
    return;
  }
  let limit: number;
  let delta = direction * page;
  if (pane === 'detail') {
    limit = ui.detailScrollMax;
  } else if (pane === 'feed') {
    limit = Math.max(0, state.timeline.size - 1);
    delta = -delta;
  } else {
    const index = selectFocusedActionIndex(state);
    const step = selectSelectedStep(state);
    limit = Math.max(0, (index === undefined ? 0 : (step?.actions[index]?.output.size ?? 0)) - 1);
    delta = -delta;
  }
  const value = Math.max(0, Math.min(limit, ui.scroll[pane] + delta));
  if (value !== ui.scroll[pane]) patchUi(store, { scroll: { ...ui.scroll, [pane]: value } });
}

/** ↑/↓ in the event feed: one line back (1) or forward (-1); at 0 it follows new events again. */
export function scrollFeedLines(store: TuiStore, back: number): void {
  const { ui, timeline } = store.getState();
  const value = Math.max(0, Math.min(Math.max(0, timeline.size - 1), ui.scroll.feed + back));
  if (value !== ui.scroll.feed) patchUi(store, { scroll: { ...ui.scroll, feed: value } });
}

/** The feed's full-screen view; opening it gives the feed the focus, so ↑/↓ scroll it. */
export function toggleFeedExpanded(store: TuiStore): void {
  const { ui } = store.getState();
  patchUi(store, ui.feedExpanded ? { feedExpanded: false } : { feedExpanded: true, focus: 'feed' });
}

/** The detail pane reports how far its content can scroll once it has measured it. */
export function setDetailScrollMax(store: TuiStore, max: number): void {
  if (store.getState().ui.detailScrollMax !== max) patchUi(store, { detailScrollMax: max });
}

export function toggleOutputExpanded(store: TuiStore): void {
  patchUi(store, { outputExpanded: !store.getState().ui.outputExpanded });
}

export function toggleDetailsFolded(store: TuiStore): void {
  patchUi(store, { detailsFolded: !store.getState().ui.detailsFolded });
}

/** Pins the cluster pane to the opposite of what shows now (it no longer follows the probes). */
export function toggleClusterPane(store: TuiStore): void {
  patchUi(store, { clusterPane: selectShowCluster(store.getState()) ? 'hidden' : 'shown' });
}

export function setHelpOpen(store: TuiStore, open: boolean): void {
  patchUi(store, { helpOpen: open });
}

export function setAskingQuit(store: TuiStore, asking: boolean): void {
  patchUi(store, { askingQuit: asking });
}

export function setInterruptArmed(store: TuiStore, armed: boolean): void {
  patchUi(store, { interruptArmed: armed });
}

export function showPreview(store: TuiStore, stepId: string, lines: string[]): void {
  patchUi(store, {
    previewStep: stepId,
    previewLines: lines,
    scroll: { ...store.getState().ui.scroll, detail: 0 },
  });
}

export function setNotice(
  store: TuiStore,
  text: string | undefined,
  level: 'info' | 'warn' | 'error' = 'info',
): void {
  patchUi(store, { notice: text === undefined ? undefined : { text, level } });
}

export function setBusy(store: TuiStore, busy: boolean): void {
  store.setState({ busy });
}

export function requestExit(store: TuiStore, aborted: boolean): void {
  store.setState({ exit: { aborted } });
}
