// Named selectors: components read the store only through these (derived arrays via useShallow).
import type { Pane, StepState, TuiState } from './state.js';

export const selectRun = (s: TuiState) => s.run;
export const selectStepOrder = (s: TuiState) => s.stepOrder;
export const selectSteps = (s: TuiState) => s.steps;
export const selectUi = (s: TuiState) => s.ui;
export const selectFocus = (s: TuiState) => s.ui.focus;
export const selectNotice = (s: TuiState) => s.ui.notice;
export const selectHelpOpen = (s: TuiState) => s.ui.helpOpen;
export const selectAskingQuit = (s: TuiState) => s.ui.askingQuit;
export const selectOutputExpanded = (s: TuiState) => s.ui.outputExpanded;
export const selectDetailsFolded = (s: TuiState) => s.ui.detailsFolded;
export const selectQuestion = (s: TuiState) => s.question;
export const selectShowFeed = (s: TuiState) => s.showFeed;
export const selectResultsVersion = (s: TuiState) => s.resultsVersion;
export const selectTimelineVersion = (s: TuiState) => s.timelineVersion;
export const selectCluster = (s: TuiState) => s.cluster;
/** A step is reached once it has run (or was skipped), or when it is the next one to do. */
export const selectStepReached =
  (index: number) =>
  (s: TuiState): boolean => {
    const id = s.stepOrder[index];
    if (id !== undefined && s.steps[id]?.status !== 'pending') return true;
    const next = s.stepOrder.findIndex((stepId) => s.steps[stepId]?.status === 'pending');
    return next < 0 || index <= next;
  };
/** Rows the cluster pane wants (borders and title included), 0 while hidden. */
export const selectClusterPaneRows = (s: TuiState): number =>
  selectShowCluster(s) && s.cluster
    ? 3 + Math.max(1, s.cluster.snapshot.nodes.length + s.cluster.snapshot.sentinels.length)
    : 0;
export const selectFeedExpanded = (s: TuiState) => s.ui.feedExpanded;
export const selectSentinelCount = (s: TuiState) =>
  Math.max(s.sentinelNames.length, s.cluster?.snapshot.sentinels.length ?? 0);
/** The cluster pane shows while a probe runs (and a snapshot has arrived), unless pinned by its key. */
export const selectShowCluster = (s: TuiState): boolean =>
  s.cluster !== undefined &&
  (s.ui.clusterPane === 'shown' || (s.ui.clusterPane === 'auto' && s.probesRunning.length > 0));
export const selectScroll = (pane: Pane) => (s: TuiState) => s.ui.scroll[pane];

export const selectSelectedStepId = (s: TuiState): string | undefined => s.stepOrder[s.ui.selected];
export const selectSelectedStep = (s: TuiState): StepState | undefined => {
  const id = selectSelectedStepId(s);
  return id === undefined ? undefined : s.steps[id];
};
/** The detail pane's title: a string, so output streaming into the selected step does not re-render the App. */
export const selectSelectedStepTitle = (s: TuiState): string | undefined => {
  const step = selectSelectedStep(s);
  return step === undefined ? undefined : `${step.index + 1}. ${step.title}`;
};
export const selectStep = (id: string) => (s: TuiState) => s.steps[id];

export const selectRunningStepId = (s: TuiState): string | undefined =>
  s.stepOrder.find((id) => s.steps[id]?.status === 'running');
export const selectIsStepRunning = (s: TuiState): boolean => selectRunningStepId(s) !== undefined;

/** Panes Tab cycles through, in order; the event feed only when the runbook has one. */
export const selectPanes = (s: TuiState): Pane[] =>
  s.showFeed ? ['steps', 'detail', 'output', 'feed'] : ['steps', 'detail', 'output'];

/** Counts for the header: how far the run has got. */
export const selectProgress = (s: TuiState) => {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const id of s.stepOrder) {
    const status = s.steps[id]?.status;
    if (status === 'passed') passed++;
    else if (status === 'failed') failed++;
    else if (status === 'skipped') skipped++;
  }
  return { total: s.stepOrder.length, passed, failed, skipped };
};

/** The action whose output PgUp/PgDn scroll: the running one, else the last with output. */
export const selectFocusedActionIndex = (s: TuiState): number | undefined => {
  const step = selectSelectedStep(s);
  if (!step || step.actions.length === 0) return undefined;
  const running = step.actions.findIndex((a) => a?.status === 'running');
  if (running >= 0) return running;
  for (let i = step.actions.length - 1; i >= 0; i--) if ((step.actions[i]?.output.size ?? 0) > 0) return i;
  return step.actions.length - 1;
};
