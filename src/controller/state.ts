// The TUI's state: what the engine has told us (run, steps, actions, timeline) plus what the operator is
// doing (selection, focus, scroll, dialogs). Pure data and types; no React, no Ink.
import type { CheckResult } from '../contract/action.js';
import type { ClusterSnapshot } from '../contract/cluster.js';
import type { Question, RunStatus, StepStatus } from '../contract/events.js';
import type { Runbook, Safety, TargetName } from '../contract/runbook.js';
import type { ActionView } from '../contract/views.js';
import { RingBuffer } from './ring-buffer.js';

/** Lines kept per action; older ones are dropped (and counted). */
export const OUTPUT_LINES_PER_ACTION = 2_000;
/** Timeline entries kept for the event feed. */
export const TIMELINE_ENTRIES = 1_000;
/** Log entries kept (warnings, errors, notes). */
export const LOG_ENTRIES = 200;

export interface OutputLine {
  stream: 'stdout' | 'stderr' | 'info';
  text: string;
}

export type ActionStatus = 'pending' | 'running' | 'passed' | 'failed';

export interface ActionState {
  index: number;
  kind: string;
  id?: string;
  /** What it runs, as the engine rendered it (variables resolved, secrets masked). */
  preview: string[];
  status: ActionStatus;
  output: RingBuffer<OutputLine>;
  /** Bumped whenever output changes, so selectors notice a mutated buffer. */
  outputVersion: number;
  progress?: { message: string; done?: number; total?: number };
  summary?: string;
  error?: string;
  checks?: CheckResult[];
  data?: unknown;
  view?: ActionView;
  durationMs?: number;
}

export interface StepNote {
  /** Wall clock, ISO 8601. */
  at: string;
  text: string;
}

export interface StepState {
  id: string;
  index: number;
  title: string;
  safety: Safety;
  status: StepStatus;
  /** Monotonic run time (ms) the current attempt started at. */
  startedAt?: number;
  durationMs?: number;
  error?: string;
  attempts: number;
  actions: ActionState[];
  /** Confirmations and prompt answers, timestamped: the record of who did what when. */
  notes: StepNote[];
}

export interface TimelineEntry {
  seq: number;
  t: number;
  wall: string;
  source: string;
  name: string;
  detail: string;
  seenBy?: string[];
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  wall: string;
}

export type Pane = 'steps' | 'detail' | 'output' | 'feed';

export interface RunInfo {
  title: string;
  file: string;
  target: TargetName;
  /** The lab's mode, once the run resolved its target (lab runs only). */
  labMode?: 'loopback' | 'container';
  dryRun: boolean;
  runId?: string;
  operator?: string;
  resumedFrom?: string;
  /** Date.now() at run start (t = 0), for the elapsed clock and live step durations. */
  epochMs?: number;
  finished?: { status: RunStatus; durationMs: number };
}

export interface UiState {
  selected: number;
  focus: Pane;
  scroll: Record<Pane, number>;
  /** How far the detail pane's content can scroll (measured by the pane). */
  detailScrollMax: number;
  outputExpanded: boolean;
  helpOpen: boolean;
  /** Step whose dry-run preview (`d`) is showing in the detail pane. */
  previewStep?: string;
  previewLines?: string[];
  askingQuit: boolean;
  /** A Ctrl-C was pressed; the next one quits. */
  interruptArmed: boolean;
  /** One line under the panes: what just happened or why a key did nothing. */
  notice?: { text: string; level: 'info' | 'warn' | 'error' };
  /** The cluster pane: 'auto' shows it while a probe runs; the toggle key pins it shown or hidden. */
  clusterPane: 'auto' | 'shown' | 'hidden';
  /** Front matter details: fold starts folded: API request listings, prices and long replies out of sight. */
  detailsFolded: boolean;
  /** The event feed fills the screen (its full-screen log view). */
  feedExpanded: boolean;
}

export interface TuiState {
  run: RunInfo;
  stepOrder: string[];
  steps: Record<string, StepState>;
  /** Bumped when results may have changed (run start, each finished action): previews are recomputed. */
  resultsVersion: number;
  /** Bumped on every timeline push (the buffer is mutated in place). */
  timelineVersion: number;
  timeline: RingBuffer<TimelineEntry>;
  logs: LogEntry[];
  /** Whether the runbook talks to Sentinels (sentinel/probe/wait blocks): shows the event feed pane. */
  showFeed: boolean;
  /** The latest cluster snapshot from the drill's cluster watch, with the run time it arrived at. */
  cluster?: { snapshot: ClusterSnapshot; t: number };
  /** Every Sentinel that has reported an event, so the feed can say "2/3" of them saw one. */
  sentinelNames: string[];
  /** Probes started and not yet stopped (by name): the cluster pane shows itself while there are any. */
  probesRunning: string[];
  /** A command from the operator is driving the engine (run, run-on, retry). */
  busy: boolean;
  /** What the engine is waiting for the operator to answer (question.asked until question.closed). */
  question?: Question;
  /** Set when the operator asked to leave; runTui finishes the engine and unmounts. */
  exit?: { aborted: boolean };
  ui: UiState;
}

const FEED_KINDS = new Set(['sentinel', 'probe', 'wait']);

export function initialState(runbook: Runbook, options: { target: TargetName; dryRun: boolean }): TuiState {
  const steps: Record<string, StepState> = {};
  for (const step of runbook.steps) {
    steps[step.id] = {
      id: step.id,
      index: step.index,
      title: step.title,
      safety: step.safety,
      status: 'pending',
      attempts: 0,
      actions: [],
      notes: [],
    };
  }
  return {
    run: { title: runbook.title, file: runbook.file, target: options.target, dryRun: options.dryRun },
    stepOrder: runbook.steps.map((s) => s.id),
    steps,
    resultsVersion: 0,
    timelineVersion: 0,
    timeline: new RingBuffer<TimelineEntry>(TIMELINE_ENTRIES),
    logs: [],
    showFeed: runbook.steps.some((s) => s.actions.some((a) => FEED_KINDS.has(a.kind))),
    busy: false,
    ui: {
      selected: 0,
      focus: 'steps',
      scroll: { steps: 0, detail: 0, output: 0, feed: 0 },
      detailScrollMax: 0,
      outputExpanded: false,
      helpOpen: false,
      askingQuit: false,
      interruptArmed: false,
      clusterPane: 'auto',
      detailsFolded: runbook.foldDetails === true,
      feedExpanded: false,
    },
    sentinelNames: [],
    probesRunning: [],
  };
}

export function newActionState(index: number, kind: string): ActionState {
  return {
    index,
    kind,
    preview: [],
    status: 'pending',
    output: new RingBuffer<OutputLine>(OUTPUT_LINES_PER_ACTION),
    outputVersion: 0,
  };
}
