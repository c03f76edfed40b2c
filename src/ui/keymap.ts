// Every key the TUI answers to, declared once: the input handler, the footer bar and `?` help all read
// this list. Dialogs (confirm, prompt, quit) take their own typed input while open.
import type { Key } from 'ink';
import { selectIsStepRunning, selectSelectedStep } from '../controller/selectors.js';
import type { TuiState } from '../controller/state.js';

export type CommandName =
  | 'up'
  | 'down'
  | 'run'
  | 'runOn'
  | 'skip'
  | 'retry'
  | 'preview'
  | 'focus'
  | 'pageUp'
  | 'pageDown'
  | 'toggleOutput'
  | 'toggleCluster'
  | 'toggleFeed'
  | 'toggleDetails'
  | 'help'
  | 'quit'
  | 'interrupt';

export type KeySpec =
  | { char: string }
  | { special: 'up' | 'down' | 'return' | 'tab' | 'pageUp' | 'pageDown' | 'escape' }
  | { ctrl: string };

export interface KeyBinding {
  command: CommandName;
  keys: KeySpec[];
  /** A word or two for the footer bar. */
  label: string;
  /** A sentence for `?` help. */
  help: string;
  /** Changes something outside the TUI or loses work: shown marked in help. */
  dangerous: boolean;
  /** Shown in the footer bar (the rest only in `?` help). */
  footer: boolean;
  /** Why the command would do nothing right now, if it would. */
  disabledReason?: (state: TuiState) => string | undefined;
}

const whileRunning = (state: TuiState) =>
  state.busy || selectIsStepRunning(state) ? 'a step is running (Ctrl-C aborts it)' : undefined;

const nothingSelected = (state: TuiState) =>
  selectSelectedStep(state) ? undefined : 'the runbook has no steps';

const notFinished = (state: TuiState) => {
  const step = selectSelectedStep(state);
  if (!step) return 'the runbook has no steps';
  return step.status === 'failed' || step.status === 'passed' || step.status === 'skipped'
    ? undefined
    : 'only a step that has run (or was skipped) can be retried; Enter runs it';
};

const first =
  (...reasons: Array<(state: TuiState) => string | undefined>) =>
  (state: TuiState) => {
    for (const reason of reasons) {
      const text = reason(state);
      if (text) return text;
    }
    return undefined;
  };

export const KEYMAP: readonly KeyBinding[] = [
  {
    command: 'up',
    keys: [{ special: 'up' }, { char: 'k' }],
    label: 'select',
    help: 'Select the previous step (in the event feed: scroll back one line).',
    dangerous: false,
    footer: false,
  },
  {
    command: 'down',
    keys: [{ special: 'down' }, { char: 'j' }],
    label: 'select',
    help: 'Select the next step (in the event feed: scroll forward one line).',
    dangerous: false,
    footer: true,
  },
  {
    command: 'run',
    keys: [{ special: 'return' }],
    label: 'run',
    help: 'Run the selected step (mutating steps ask first); on a step already done, move to the next one.',
    dangerous: true,
    footer: true,
    disabledReason: first(nothingSelected, whileRunning),
  },
  {
    command: 'runOn',
    keys: [{ char: 'a' }],
    label: 'run on',
    help: 'Run from the selected step on, stopping before a step that needs you, at a prompt, or at a failure.',
    dangerous: true,
    footer: true,
    disabledReason: first(nothingSelected, whileRunning),
  },
  {
    command: 'skip',
    keys: [{ char: 's' }],
    label: 'skip',
    help: 'Skip the selected step.',
    dangerous: false,
    footer: true,
    disabledReason: first(nothingSelected, whileRunning),
  },
  {
    command: 'retry',
    keys: [{ char: 'r' }],
    label: 'retry',
    help: 'Run the selected step again after it failed, passed or was skipped.',
    dangerous: true,
    footer: true,
    disabledReason: first(whileRunning, notFinished),
  },
  {
    command: 'preview',
    keys: [{ char: 'd' }],
    label: 'dry run',
    help: 'Show what the selected step would run, variables resolved, without running anything.',
    dangerous: false,
    footer: true,
    disabledReason: nothingSelected,
  },
  {
    command: 'focus',
    keys: [{ special: 'tab' }],
    label: 'pane',
    help: 'Move focus to the next pane.',
    dangerous: false,
    footer: true,
  },
  {
    command: 'pageUp',
    keys: [{ special: 'pageUp' }],
    label: 'scroll',
    help: 'Scroll the focused pane up.',
    dangerous: false,
    footer: false,
  },
  {
    command: 'pageDown',
    keys: [{ special: 'pageDown' }],
    label: 'scroll',
    help: 'Scroll the focused pane down.',
    dangerous: false,
    footer: true,
  },
  {
    command: 'toggleOutput',
    keys: [{ char: 'o' }],
    label: 'output',
    help: 'Expand or collapse action output.',
    dangerous: false,
    footer: true,
  },
  {
    command: 'toggleCluster',
    keys: [{ char: 'c' }],
    label: 'cluster',
    help: 'Show or hide the live cluster view (shown by itself while a probe runs).',
    dangerous: false,
    footer: true,
    disabledReason: (state) =>
      state.cluster ? undefined : 'no cluster snapshot yet: the view starts with the first probe',
  },
  {
    command: 'toggleDetails',
    keys: [{ char: 'v' }],
    label: 'details',
    help: 'Show or fold away the details: API request listings, prices, raw replies a table already shows, long dumps.',
    dangerous: false,
    footer: false,
  },
  {
    command: 'toggleFeed',
    keys: [{ char: 'e' }],
    label: 'events',
    help: 'Show the Sentinel event log full screen, or go back (↑/↓ and PgUp/PgDn scroll it).',
    dangerous: false,
    footer: false,
    disabledReason: (state) => (state.showFeed ? undefined : 'this runbook has no Sentinel event feed'),
  },
  {
    command: 'help',
    keys: [{ char: '?' }],
    label: 'help',
    help: 'Show or hide this help.',
    dangerous: false,
    footer: true,
  },
  {
    command: 'quit',
    keys: [{ char: 'q' }],
    label: 'quit',
    help: 'Quit (asks first while a step is running).',
    dangerous: false,
    footer: true,
  },
  {
    command: 'interrupt',
    keys: [{ ctrl: 'c' }],
    label: 'abort',
    help: 'Abort the running step; press again to quit.',
    dangerous: false,
    footer: false,
  },
];

export function keyMatches(spec: KeySpec, input: string, key: Key): boolean {
  if ('ctrl' in spec) return key.ctrl && input === spec.ctrl;
  if ('char' in spec) return !key.ctrl && !key.meta && input === spec.char;
  switch (spec.special) {
    case 'up':
      return key.upArrow;
    case 'down':
      return key.downArrow;
    case 'return':
      return key.return;
    case 'tab':
      return key.tab && !key.shift;
    case 'pageUp':
      return key.pageUp;
    case 'pageDown':
      return key.pageDown;
    case 'escape':
      return key.escape;
  }
}

export function bindingFor(input: string, key: Key): KeyBinding | undefined {
  return KEYMAP.find((binding) => binding.keys.some((spec) => keyMatches(spec, input, key)));
}

const SPECIAL_NAMES: Record<string, string> = {
  up: '↑',
  down: '↓',
  return: 'Enter',
  tab: 'Tab',
  pageUp: 'PgUp',
  pageDown: 'PgDn',
  escape: 'Esc',
};

export function describeKey(spec: KeySpec): string {
  if ('ctrl' in spec) return `Ctrl-${spec.ctrl.toUpperCase()}`;
  if ('char' in spec) return spec.char;
  return SPECIAL_NAMES[spec.special] ?? spec.special;
}

export function describeKeys(binding: KeyBinding): string {
  return binding.keys.map(describeKey).join('/');
}

/** ↑ and ↓ read well side by side (↑↓); words get a slash (PgUp/PgDn). */
function joinKeys(first: string, second: string): string {
  return first.length === 1 && second.length === 1 ? `${first}${second}` : `${first}/${second}`;
}

/** The footer's entries, with up/down and PgUp/PgDn folded into one entry each. */
export function footerEntries(): Array<{ keys: string; label: string; binding: KeyBinding }> {
  const byCommand = new Map(KEYMAP.map((b) => [b.command, b]));
  const pair = (a: CommandName, b: CommandName, label: string) => {
    const x = byCommand.get(a) as KeyBinding;
    const y = byCommand.get(b) as KeyBinding;
    return {
      keys: joinKeys(describeKey(x.keys[0] as KeySpec), describeKey(y.keys[0] as KeySpec)),
      label,
      binding: y,
    };
  };
  return KEYMAP.filter((b) => b.footer).map((binding) => {
    if (binding.command === 'down') return pair('up', 'down', binding.label);
    if (binding.command === 'pageDown') return pair('pageUp', 'pageDown', binding.label);
    return { keys: describeKeys(binding), label: binding.label, binding };
  });
}
