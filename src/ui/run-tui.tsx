// Entry point of the interactive TUI. The CLI imports this module dynamically, only when stdout is a TTY.
//
//   const engine = await createEngine({ ...options });   // no interaction: questions wait for the operator
//   const status = await runTui({ engine, runbook, dryRun, targetName });
//
// runTui subscribes the store to the engine's events, calls engine.start() (a variable prompt appears as the
// engine's pending question), lets the operator drive, and when they quit calls engine.finish() and resolves
// with its RunStatus ('aborted' when they quit with Ctrl-C Ctrl-C or by aborting a running step). The store
// only reduces events; dialogs answer through engine.approve/decline/answer. The terminal (raw mode, cursor,
// alternate screen) is restored on every way out: normal quit, SIGTERM/SIGHUP, and uncaught errors.
import './interactive-terminal.js';
import { render } from 'ink';
import type { RunStatus } from '../contract/events.js';
import type { Runbook, TargetName } from '../contract/runbook.js';
import { createCommands, type TuiEngine } from '../controller/commands.js';
import { createEventFeed, createTuiStore, type TuiStore } from '../controller/store.js';
import { requestExit, setNotice } from '../controller/ui-actions.js';
import { App } from './App.js';
import { TuiContext } from './store-context.js';
import { type Theme, ThemeContext, themeFromEnv } from './theme.js';

export interface RunTuiOptions {
  engine: TuiEngine;
  runbook: Runbook;
  dryRun: boolean;
  targetName: TargetName;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  theme?: Theme;
}

const ENTER_ALT_SCREEN = '\u001B[?1049h';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

export async function runTui(options: RunTuiOptions): Promise<RunStatus> {
  const { engine, runbook } = options;
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const store = createTuiStore(runbook, { target: options.targetName, dryRun: options.dryRun });
  let started: Promise<void> = Promise.resolve();
  const commands = createCommands({ store, engine, ready: () => started });

  const feed = createEventFeed(store);
  const unsubscribe = engine.subscribe(feed.push);
  const terminal = takeTerminal(stdout, stdin);

  // SIGTERM/SIGHUP stop the running step's process group now (not after it finishes), naming the signal.
  const onSignal = (signal: NodeJS.Signals) => {
    engine.abort(`terminated by ${signal}`);
    requestExit(store, true);
  };
  const onInterrupt = () => commands.interrupt();
  const onFatal = (error: unknown) => {
    terminal.restore();
    process.stderr.write(
      `drillbook: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(70);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onInterrupt);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);

  const instance = render(
    <ThemeContext.Provider value={options.theme ?? themeFromEnv()}>
      <TuiContext.Provider value={{ store, commands, runbook }}>
        <App />
      </TuiContext.Provider>
    </ThemeContext.Provider>,
    // Frames are drawn only when something changed (about 20 a second while output streams); the cap only
    // bounds how long a keystroke waits behind the previous frame: at most 8 ms at 120 (16 ms at 60 put the
    // median keystroke→frame at 13–21 ms, 9–10 ms at 120, same CPU). Incremental rendering (Ink 8) rewrites
    // only the lines that changed, so a streaming pane does not resend the whole screen each frame.
    // interactive: the TUI is only opened on a terminal, so Ink's CI detection must not turn it into
    // "final frame only". console.* is routed around the frame only when it is on the process's stdout.
    {
      stdout,
      stdin,
      exitOnCtrlC: false,
      patchConsole: stdout === process.stdout,
      maxFps: 120,
      incrementalRendering: true,
      interactive: true,
    },
  );

  try {
    const exited = waitForExit(store);
    try {
      started = engine.start();
      await Promise.race([started, exited]);
    } catch (error) {
      if (!store.getState().exit) {
        setNotice(
          store,
          `Could not start: ${error instanceof Error ? error.message : String(error)} — q quits.`,
          'error',
        );
      }
    }
    const { aborted } = await exited;
    await waitWhileBusy(store);
    const status = await engine.finish();
    feed.close();
    return aborted ? 'aborted' : status;
  } finally {
    unsubscribe();
    instance.unmount();
    await instance.waitUntilExit().catch(() => {});
    terminal.restore();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGINT', onInterrupt);
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
  }
}

function waitForExit(store: TuiStore): Promise<{ aborted: boolean }> {
  return new Promise((resolve) => {
    const current = store.getState().exit;
    if (current) {
      resolve(current);
      return;
    }
    const unsubscribe = store.subscribe((state) => {
      if (!state.exit) return;
      unsubscribe();
      resolve(state.exit);
    });
  });
}

/** After abort, a running step winds down (closing connections, killing processes) before finish(). */
function waitWhileBusy(store: TuiStore): Promise<void> {
  if (!store.getState().busy) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = store.subscribe((state) => {
      if (state.busy) return;
      unsubscribe();
      resolve();
    });
  });
}

/** Switches to the alternate screen; restore() puts everything back and is safe to call more than once. */
function takeTerminal(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): { restore: () => void } {
  const tty = stdout.isTTY === true;
  if (tty) stdout.write(ENTER_ALT_SCREEN);
  // Raw at once, not when Ink mounts its input hook: an Enter typed during start-up would otherwise reach
  // us as a cooked line feed, which Ink does not report as Enter.
  if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(true);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(false);
    if (tty) stdout.write(SHOW_CURSOR + LEAVE_ALT_SCREEN);
  };
  process.on('exit', restore);
  return { restore };
}
