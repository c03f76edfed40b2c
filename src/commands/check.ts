// drillbook check FILE...: every problem of every file at once, as file:line:col: message.

import { actionKinds } from '../actions/registry.js';
import { formatDiagnostic } from '../contract/runbook.js';
import { loadRunbook } from '../runbook/parse.js';
import { EXIT, HELP, parseCommandArgs, UsageError } from './args.js';

export async function runCheckCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('check', argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(`${HELP.check}\n`);
    return EXIT.passed;
  }
  if (positionals.length === 0) throw new UsageError('name at least one runbook file to check', 'check');
  let invalid = 0;
  for (const file of positionals) {
    const { runbook, diagnostics } = await loadRunbook(file, { kinds: actionKinds });
    for (const diagnostic of diagnostics) process.stdout.write(`${formatDiagnostic(diagnostic)}\n`);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (runbook && errors === 0) {
      const warnings = diagnostics.length;
      const note = warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
      process.stdout.write(
        `${file}: ok (${runbook.steps.length} step${runbook.steps.length === 1 ? '' : 's'}${note})\n`,
      );
    } else {
      invalid++;
      process.stdout.write(`${file}: ${errors} error${errors === 1 ? '' : 's'}\n`);
    }
  }
  return invalid > 0 ? EXIT.usage : EXIT.passed;
}
