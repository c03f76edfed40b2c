// The whole screen: header, step list, step detail, event feed, dialogs, notice and help bar, sized to
// the terminal (at least 80×24) and recomputed on resize. Keys go through the keymap.
import { Box, type Key, useInput } from 'ink';
import type { Question } from '../contract/events.js';
import type { Commands } from '../controller/commands.js';
import {
  selectAskingQuit,
  selectClusterPaneRows,
  selectDetailsFolded,
  selectFeedExpanded,
  selectFocus,
  selectHelpOpen,
  selectQuestion,
  selectSelectedStepTitle,
  selectShowFeed,
} from '../controller/selectors.js';
import type { TuiStore } from '../controller/store.js';
import {
  cycleFocus,
  moveSelection,
  scrollFeedLines,
  scrollFocused,
  setHelpOpen,
  setNotice,
  toggleClusterPane,
  toggleDetailsFolded,
  toggleFeedExpanded,
  toggleOutputExpanded,
} from '../controller/ui-actions.js';
import { ClusterPane } from './ClusterView.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { EventFeed } from './EventFeed.js';
import { Footer, NoticeLine } from './Footer.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { useTerminalSize } from './hooks.js';
import { bindingFor, type CommandName } from './keymap.js';
import { stepListWidth } from './layout.js';
import { Pane, paneContentRows } from './Pane.js';
import { PromptDialog } from './PromptDialog.js';
import { QuitDialog } from './QuitDialog.js';
import { StepDetail } from './StepDetail.js';
import { StepList } from './StepList.js';
import { useTui, useTuiStore } from './store-context.js';

const FEED_HEIGHT = 8;
const MIN_DETAIL_ROWS = 6;
const ESC = '\u001B';

function dispatch(command: CommandName, store: TuiStore, commands: Commands, page: number): void {
  const actions: Record<CommandName, () => unknown> = {
    // In the event feed ↑/↓ scroll the log instead of changing the step (which could reveal a later one).
    up: () => (store.getState().ui.focus === 'feed' ? scrollFeedLines(store, 1) : moveSelection(store, -1)),
    down: () => (store.getState().ui.focus === 'feed' ? scrollFeedLines(store, -1) : moveSelection(store, 1)),
    run: () => commands.runSelected(),
    runOn: () => commands.runOn(),
    skip: () => commands.skipSelected(),
    retry: () => commands.retrySelected(),
    preview: () => commands.previewSelected(),
    focus: () => cycleFocus(store),
    pageUp: () => scrollFocused(store, -1, page),
    pageDown: () => scrollFocused(store, 1, page),
    toggleOutput: () => toggleOutputExpanded(store),
    toggleCluster: () => toggleClusterPane(store),
    toggleDetails: () => toggleDetailsFolded(store),
    toggleFeed: () => toggleFeedExpanded(store),
    help: () => setHelpOpen(store, true),
    quit: () => commands.quit(),
    interrupt: () => commands.interrupt(),
  };
  // Commands that drive the engine return promises; they report their own failures as notices.
  void actions[command]();
}

/** Rows a dialog takes (borders included), so the panes above can give them up exactly. */
/** Lines a dialog's first line takes once wrapped inside the border (2 columns) and padding (2 columns). */
function wrappedLines(text: string, columns: number): number {
  return Math.max(1, Math.ceil(text.length / Math.max(10, columns - 4)));
}

function rowsFor(asked: Question, columns: number): number {
  if (asked.type === 'confirm') {
    const message = wrappedLines(`Destructive: ${asked.request.message}`, columns);
    return (asked.request.typeToConfirm !== undefined ? 5 : 3) + message;
  }
  const { request } = asked;
  const question = wrappedLines(`? ${request.question}`, columns);
  if (request.kind === 'checklist') return 3 + question;
  if (request.kind === 'choice' && request.choices && request.choices.length > 0)
    return 2 + question + request.choices.length;
  // Question, input, a line for "an answer is needed", and the secret hint when masked.
  return 4 + question + (request.secret ? 1 : 0);
}

export function App() {
  const { store, commands } = useTui();
  const { columns, rows } = useTerminalSize();
  const focus = useTuiStore(selectFocus);
  const helpOpen = useTuiStore(selectHelpOpen);
  const question = useTuiStore(selectQuestion);
  const detailsFolded = useTuiStore(selectDetailsFolded);
  const askingQuit = useTuiStore(selectAskingQuit);
  const showFeed = useTuiStore(selectShowFeed);
  // Only the pane's height: the snapshots themselves (once a second) re-render the cluster pane alone.
  const clusterWanted = useTuiStore(selectClusterPaneRows);
  const feedExpanded = useTuiStore(selectFeedExpanded);
  // The title only: the step itself changes with every batch of output it prints.
  const selectedTitle = useTuiStore(selectSelectedStepTitle);

  // One row is left free so Ink never falls back to clearing the whole screen on each frame.
  const height = rows - 1;
  const dialogRows = question ? rowsFor(question, columns) : askingQuit ? 3 : 0;
  const mainRows = Math.max(6, height - 3 - dialogRows);
  // While the cluster shows, the feed gives up two rows; the detail pane keeps at least MIN_DETAIL_ROWS.
  const feedRows = showFeed ? (clusterWanted > 0 ? FEED_HEIGHT - 2 : FEED_HEIGHT) : 0;
  const clusterRowsShown = Math.min(clusterWanted, mainRows - feedRows - MIN_DETAIL_ROWS);
  const clusterPaneRows = clusterRowsShown >= 4 ? clusterRowsShown : 0;
  const detailRows = mainRows - feedRows - clusterPaneRows;
  const listWidth = stepListWidth(columns);
  const dialogOpen = question !== undefined || askingQuit;

  useInput(
    (input: string, key: Key) => {
      if (key.ctrl && input === 'c') commands.interrupt();
    },
    { isActive: true },
  );

  const onKey = (input: string, key: Key) => {
    if (helpOpen) {
      if (input === '?' || key.escape || input === 'q') setHelpOpen(store, false);
      return;
    }
    const binding = bindingFor(input, key);
    if (!binding || binding.command === 'interrupt') return;
    const reason = binding.disabledReason?.(store.getState());
    if (reason) {
      setNotice(store, `${binding.label}: ${reason}`, 'warn');
      return;
    }
    const pageRows = store.getState().ui.focus === 'feed' ? (feedExpanded ? mainRows : feedRows) : detailRows;
    dispatch(binding.command, store, commands, Math.max(1, paneContentRows(pageRows) - 1));
  };

  useInput(
    (input: string, key: Key) => {
      // Keys typed faster than they are read arrive as one string: handle them one by one.
      if (input.length > 1 && !input.startsWith(ESC)) {
        for (const char of input) onKey(char, { ...key, return: char === '\r', tab: char === '\t' });
        return;
      }
      onKey(input, key);
    },
    { isActive: !dialogOpen },
  );

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header />
      {helpOpen ? (
        <HelpOverlay height={mainRows} />
      ) : feedExpanded ? (
        <Pane title="Sentinel events — full log (e: back, ↑↓ PgUp/PgDn: scroll)" focused height={mainRows}>
          <EventFeed height={paneContentRows(mainRows)} full />
        </Pane>
      ) : (
        <Box flexDirection="column" height={mainRows}>
          <Box flexDirection="row" height={mainRows - feedRows}>
            <Pane title="Steps" focused={focus === 'steps'} height={mainRows - feedRows} width={listWidth}>
              <StepList height={paneContentRows(mainRows - feedRows)} />
            </Pane>
            <Box flexDirection="column" flexGrow={1}>
              <Pane
                title={selectedTitle ? `${selectedTitle}${focus === 'output' ? '  [output]' : ''}` : ' '}
                focused={focus === 'detail' || focus === 'output'}
                height={detailRows}
              >
                <StepDetail height={paneContentRows(detailRows)} />
              </Pane>
              {clusterPaneRows > 0 ? <ClusterPane height={clusterPaneRows} /> : null}
            </Box>
          </Box>
          {showFeed ? (
            // The whole width: an event line keeps the instance and the new address at 80 columns.
            <Pane title="Sentinel events (e: full log)" focused={focus === 'feed'} height={feedRows}>
              <EventFeed height={paneContentRows(feedRows)} />
            </Pane>
          ) : null}
        </Box>
      )}
      {question?.type === 'confirm' ? (
        <ConfirmDialog
          key={question.id}
          request={question.request}
          folded={detailsFolded}
          onAnswer={(accepted) => commands.answerConfirm(question.id, accepted)}
        />
      ) : null}
      {question?.type === 'prompt' ? (
        <PromptDialog
          key={question.id}
          request={question.request}
          onAnswer={(value) => commands.answerPrompt(question.id, value)}
        />
      ) : null}
      {askingQuit && !question ? <QuitDialog onAnswer={commands.answerQuit} /> : null}
      <NoticeLine />
      <Footer columns={columns} />
    </Box>
  );
}
