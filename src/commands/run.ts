// drillbook run FILE: loads the runbook, builds the engine, and drives it through the TUI or headless.
import type { Interaction } from '../contract/action.js';
import type { EngineEvent, RunStatus } from '../contract/events.js';
import type { TargetName } from '../contract/runbook.js';
import type { Engine } from '../engine/engine.js';
import { EXIT, HELP, parseCommandArgs, parseVarFlags, UsageError } from './args.js';
import {
  abortReason,
  exitCodeFor,
  TERMINATING_SIGNALS,
  type TerminatingSignal,
  watchSignals,
} from './signals.js';
import { isTargetName, TARGETS } from './targets.js';
import { readVarFile } from './var-file.js';

const RUN_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  target: { type: 'string' },
  'lab-mode': { type: 'string' },
  'ip-range': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  'allow-destroy': { type: 'boolean' },
  plain: { type: 'boolean' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  var: { type: 'string', multiple: true },
  'var-file': { type: 'string', multiple: true },
  'allow-unknown-vars': { type: 'boolean' },
  from: { type: 'string' },
  only: { type: 'string', multiple: true },
  resume: { type: 'string' },
  'accept-changed-runbook': { type: 'boolean' },
  journal: { type: 'string' },
  via: { type: 'string' },
  'install-deps': { type: 'boolean' },
  monitoring: { type: 'boolean' },
  'monitoring-host': { type: 'string' },
} as const;

export type OutputMode = 'tui' | 'plain' | 'json';

const EXIT_FOR: Record<RunStatus, number> = {
  passed: EXIT.passed,
  failed: EXIT.failed,
  aborted: EXIT.aborted,
};

export async function runRunCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('run', argv, RUN_OPTIONS);
  if (values.help) {
    process.stdout.write(`${HELP.run}\n`);
    return EXIT.passed;
  }
  if (positionals.length !== 1) throw new UsageError('name exactly one runbook file to run', 'run');
  if (values.json && values.plain) throw new UsageError('choose one of --json and --plain', 'run');
  if (values.target !== undefined && !isTargetName(values.target)) {
    throw new UsageError(`--target ${values.target}: choose one of ${TARGETS.join(', ')}`, 'run');
  }
  const labMode = values['lab-mode'];
  if (labMode !== undefined && labMode !== 'loopback' && labMode !== 'container') {
    throw new UsageError(`--lab-mode ${labMode}: choose loopback or container`, 'run');
  }
  if (values.from !== undefined && values.only)
    throw new UsageError('choose one of --from and --only', 'run');
  const vars: Record<string, string> = {};
  for (const path of values['var-file'] ?? []) Object.assign(vars, readVarFile('run', path));
  Object.assign(vars, parseVarFlags('run', values.var));
  if (values.via !== undefined) {
    if (!/^ssh:\/\/[^\s@/]+@[^\s/]+$/.test(values.via)) {
      throw new UsageError(
        `--via ${values.via}: write the jump host as ssh://user@host or ssh://user@host:port`,
        'run',
      );
    }
    vars.via = values.via;
  }
  const mode: OutputMode = values.json ? 'json' : values.plain || !process.stdout.isTTY ? 'plain' : 'tui';

  // The registered kinds go down from here to the parser, the engine and (through the engine) the TUI.
  const [{ actionKinds: kinds }, { loadRunbook }, { formatDiagnostic }, engineModule, { selectSteps }] =
    await Promise.all([
      import('../actions/registry.js'),
      import('../runbook/parse.js'),
      import('../contract/runbook.js'),
      import('../engine/engine.js'),
      import('../engine/steps.js'),
    ]);
  const file = positionals[0] as string;
  const { runbook, diagnostics } = await loadRunbook(file, { kinds });
  for (const diagnostic of diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
  if (!runbook) {
    process.stderr.write(`${file}: not run; fix the errors above (drillbook check ${file} lists them)\n`);
    return EXIT.usage;
  }
  if (values.via !== undefined && !runbook.vars.some((spec) => spec.name === 'via')) {
    // Not an error: the runbook may reach its nodes directly; but the operator must know the jump host is not used.
    process.stderr.write(
      `drillbook: warning: --via is ignored: ${file} declares no via variable, so its redis and sentinel blocks connect directly (add via to its vars to use a jump host)\n`,
    );
    delete vars.via;
  }
  const selection = { from: values.from, only: values.only };
  selectSteps(runbook, selection);
  const target =
    values.target ?? (await resumedTarget(values.resume, values.journal)) ?? runbook.target ?? 'lab';

  if (mode === 'tui' && (selection.from !== undefined || selection.only)) {
    throw new UsageError(
      '--from and --only drive headless runs: add --plain or --json, or pick the step in the TUI',
      'run',
    );
  }
  if (values['install-deps'] && target === 'lab' && !values['dry-run']) {
    const { ensureLabBinaries } = await import('../lab/binaries.js');
    await ensureLabBinaries({ installDeps: 'yes' }, (line) => process.stderr.write(`${line}\n`));
  }
  const ipRange = values['ip-range'];
  if (ipRange !== undefined) {
    if (target !== 'lab')
      throw new UsageError(`--ip-range chooses the lab's range; this run targets ${target}`, 'run');
    // Before anything starts (monitoring included): a range that is not a lab range, or the lab here on
    // another range, is a usage error.
    const { requireLabRange, LabSettingsError } = await import('../lab/index.js');
    await requireLabRange(ipRange, labMode ? { mode: labMode } : {}).catch((error: unknown) => {
      throw error instanceof LabSettingsError ? new UsageError(error.message, 'run') : error;
    });
  }
  // Container mode: monitoring that follows the runbook's VPC lives as long as this run.
  let monitoring: { stop(): Promise<void> } | undefined;
  if (values.monitoring || values['monitoring-host'] !== undefined) {
    const { startRunMonitoring } = await import('./run-monitoring.js');
    monitoring = await startRunMonitoring({
      target,
      host: values['monitoring-host'],
      dryRun: values['dry-run'] ?? false,
      ...(labMode ? { labMode } : {}),
    });
  }
  try {
    const { resolveTarget, knownTargetSecrets } = await import('./targets.js');
    const targetName = target as TargetName;
    const dryRun = values['dry-run'] ?? false;
    const createEngine = (interaction?: Interaction) =>
      engineModule.createEngine({
        runbook,
        kinds,
        target: targetName,
        resolveTarget: () =>
          resolveTarget(targetName, { ...(labMode ? { labMode } : {}), ...(ipRange ? { ipRange } : {}) }),
        knownSecrets: () => knownTargetSecrets(targetName),
        vars,
        yes: values.yes,
        allowDestroy: values['allow-destroy'],
        dryRun,
        interaction,
        journalPath: values.journal,
        resume: values.resume,
        acceptChangedRunbook: values['accept-changed-runbook'] ?? false,
        allowUnknownVars: values['allow-unknown-vars'] ?? false,
      });

    if (mode === 'tui') {
      // No interaction: the engine holds each question as its state and the TUI's dialogs answer it.
      const ui = await import('../ui/run-tui.js');
      const engine = await createEngine();
      const signals = watchSignals();
      try {
        const status = await ui.runTui({ engine, runbook, dryRun, targetName });
        process.stderr.write(await afterRunNote(engine));
        const { startedLabEmulator } = await import('./targets.js');
        if (startedLabEmulator()) {
          process.stderr.write(
            'the lab emulator this run started is still running, with its droplets; stop it with: drillbook lab down\n',
          );
        }
        const signal = signals.received();
        // Ctrl-C in the TUI is a key, not a signal; SIGTERM/SIGHUP end it with their own codes.
        return signal && status !== 'passed' ? exitCodeFor(signal) : EXIT_FOR[status];
      } finally {
        signals.stop();
      }
    }
    const { headlessInteraction } = await import('./headless.js');
    const engine = await createEngine(headlessInteraction({ yes: values.yes ?? false }));
    // Awaited here: the finally below stops monitoring, which must outlive the whole run.
    return await drive(engine, mode, selection);
  } finally {
    await monitoring?.stop();
  }
}

/** Writes the run's report beside its journal and says where both are. */
async function afterRunNote(engine: Engine): Promise<string> {
  const { reportHint } = await import('./report-hint.js');
  const again = reportHint(engine.runId, engine.journalPath);
  const { writeReportFiles } = await import('./report.js');
  const { runEndSummary } = await import('../drill/run-end.js');
  try {
    const written = writeReportFiles(engine.journalPath);
    const summary = runEndSummary(written.report, { report: written.markdown, charts: written.charts });
    return `${summary.join('\n')}\njournal: ${engine.journalPath}  (report again any time: ${again})\n`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `journal: ${engine.journalPath}\nreport not written (${reason}); try: ${again}\n`;
  }
}

/** When resuming without --target, the run's own target (so a lab run is never resumed against the cloud). */
async function resumedTarget(
  resume: string | undefined,
  journal: string | undefined,
): Promise<string | undefined> {
  if (!resume) return undefined;
  const { locateJournal, readJournal } = await import('../engine/journal.js');
  const first = readJournal(locateJournal(resume, journal))[0];
  return first?.type === 'run.started' ? first.target : undefined;
}

async function drive(
  engine: Engine,
  mode: OutputMode,
  selection: { from?: string; only?: string[] },
): Promise<number> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const reporters = await import(mode === 'json' ? '../reporters/json.js' : '../reporters/plain.js');
  const listener: (event: EngineEvent) => void =
    'createJsonReporter' in reporters
      ? reporters.createJsonReporter(write)
      : reporters.createPlainReporter(write);
  engine.subscribe(listener);
  let findings = 0;
  engine.subscribe((event) => {
    if (event.type === 'action.finished' && event.finding) findings++;
  });
  const interrupts = handleInterrupts(engine, mode);
  try {
    try {
      await engine.start();
    } catch (error) {
      // Variables that cannot be resolved (missing, unanswerable prompt): nothing ran.
      process.stderr.write(`drillbook: ${error instanceof Error ? error.message : String(error)}\n`);
      await engine.finish();
      return interrupts.code() ?? EXIT.usage;
    }
    await engine.runAll(selection);
    const status = await engine.finish();
    const note = await afterRunNote(engine);
    if (mode === 'json') process.stderr.write(note);
    else process.stdout.write(note);
    if (status === 'aborted') return interrupts.code() ?? EXIT_FOR[status];
    // A checklist that kept going and found something: not a failure of the run, but not all clear either.
    return status === 'passed' && findings > 0 ? EXIT.findings : EXIT_FOR[status];
  } finally {
    interrupts.stop();
  }
}

/**
 * First Ctrl-C aborts the running step; the second closes everything and quits. SIGTERM and SIGHUP abort
 * the step the same way, naming the signal, and the run then ends (report written) with 128+n.
 */
function handleInterrupts(
  engine: Engine,
  mode: OutputMode,
): { stop(): void; pressed(): boolean; code(): number | undefined } {
  let presses = 0;
  const signals = watchSignals();
  const onInterrupt = (signal: TerminatingSignal) => {
    presses++;
    if (presses === 1) {
      if (mode !== 'json' && signal === 'SIGINT')
        process.stderr.write(
          '\naborting the running step; cleanup (always=true blocks) still runs (Ctrl-C again to skip it and quit)\n',
        );
      engine.abort(abortReason(signal));
      return;
    }
    // The second signal stops the cleanup too (the engine says which blocks did not run), then quits.
    if (mode !== 'json') process.stderr.write('skipping the cleanup and quitting\n');
    engine.abort(abortReason(signal));
    void engine.finish().finally(() => process.exit(exitCodeFor(signals.received() ?? signal)));
  };
  const listeners = TERMINATING_SIGNALS.map((signal) => [signal, () => onInterrupt(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return {
    stop() {
      for (const [signal, listener] of listeners) process.off(signal, listener);
      signals.stop();
    },
    pressed: () => presses > 0,
    code: () => {
      const signal = signals.received();
      return signal && exitCodeFor(signal);
    },
  };
}
