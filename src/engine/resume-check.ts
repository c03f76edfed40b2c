// --resume against a runbook edited since the run was recorded: a renamed, added, removed, reordered or
// changed step could make a passed mutating step run again, or skip one that never ran. Say what changed
// and go on only when the operator agrees (headless: --accept-changed-runbook).
import type { Interaction } from '../contract/action.js';
import type { Runbook } from '../contract/runbook.js';
import type { ReplayedRun } from './resume.js';
import { runbookChanges } from './runbook-identity.js';

export class ChangedRunbookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChangedRunbookError';
  }
}

/** The changes the operator accepted (empty when the runbook is the recorded one); throws when refused. */
export async function checkResumedRunbook(input: {
  replay: ReplayedRun;
  runbook: Runbook;
  accept: boolean;
  interaction: Interaction;
  signal: AbortSignal;
}): Promise<string[]> {
  const { replay, runbook } = input;
  const changes = runbookChanges(replay.steps, runbook);
  if (changes.length === 0 || input.accept) return changes;
  const summary = `${runbook.file} changed since run ${replay.runId} was recorded: ${changes.join('; ')}`;
  const refusal = `${summary}. Steps that passed are matched by id, so a renamed or edited step may run again or be skipped; resume only if that is what you want: pass --accept-changed-runbook (or start a new run)`;
  let accepted = false;
  try {
    accepted = await input.interaction.confirm(
      {
        step: runbook.steps[0]?.id ?? '',
        safety: 'mutating',
        message: `${summary}. Steps that passed are matched by id: a renamed or edited step may run again. Resume anyway?`,
      },
      input.signal,
    );
  } catch {
    // Nobody can answer (headless): the flag is the answer.
    throw new ChangedRunbookError(refusal);
  }
  if (!accepted) throw new ChangedRunbookError(refusal);
  return changes;
}
