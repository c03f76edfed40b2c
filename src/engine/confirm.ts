// Whether a step may run: safe steps run; mutating ones ask unless --yes; destructive ones make the
// operator type the resource name (the kind's confirmation() names it) unless --yes --allow-destroy. A step an
// interrupted run, or an abort earlier in this one, left half-done is never re-run silently.
import type { ActionKind, Interaction } from '../contract/action.js';
import type { EngineEventBody } from '../contract/events.js';
import type { ActionBlock, Step } from '../contract/runbook.js';
import { TemplateError } from '../runbook/template.js';
import type { Interruption } from './step-ledger.js';

export type ActionConfirmation = Awaited<ReturnType<NonNullable<ActionKind['confirmation']>>>;

/** Not run: declined or withdrawn (reason, step stays pending), or refused with an error (the step fails). */
export type ConfirmDecision =
  | { run: true }
  | { run: false; reason: string; error?: undefined }
  | { run: false; error: string };

export interface ConfirmInput {
  step: Step;
  yes: boolean;
  allowDestroy: boolean;
  interaction: Interaction;
  signal: AbortSignal;
  /** Set when the step's last attempt started and never finished: in the resumed run, or aborted in this one. */
  interrupted?: Interruption;
  /** Renders {{ }} in confirm texts; leaves unknown references visible. */
  render(text: string): string;
  /** The kind's part of the confirmation; lookUp false: its sentence only (no API calls for prices). */
  confirmationFor(actionIndex: number, lookUp: boolean): Promise<ActionConfirmation | undefined>;
  emit(body: EngineEventBody): void;
}

/** What the engine knows of a block's confirmation: the kind's, or why the kind could not say. */
type KindDetails = Partial<ActionConfirmation>;

/**
 * The runbook's own words, else the kind's sentence of what the block does; then what the kind looked up.
 * Only when the kind itself failed does the block's place stand in for what it does.
 */
function describeAction(
  action: ActionBlock,
  render: (text: string) => string,
  details?: KindDetails,
  brief = false,
): string {
  const words = action.confirm
    ? render(action.confirm)
    : (details?.does ?? `runs the ${action.kind} block at ${action.loc.file}:${action.loc.line}`);
  return details?.message && !brief ? `${words} — ${details.message}` : words;
}

/**
 * Why a kind could not complete its confirmation, in words: a result that does not exist yet is the usual
 * reason (an action of this very step, or a later one, produces it), not a fault.
 */
function notWorkedOut(error: unknown, step: Step, index: number): string {
  if (error instanceof TemplateError) {
    const root = error.missingAt.split('.')[0] ?? error.missingAt;
    const producer = step.actions.findIndex((action) => action.id === root);
    if (producer >= 0 && producer < index) {
      return `details follow once "${root}" above has run: they need its result`;
    }
    return `details are known only once {{ ${error.path} }} exists: no step before this one produced it`;
  }
  return `could not work out the details: ${error instanceof Error ? error.message : String(error)}`;
}

/** What the confirmation says first, and the warning when a flag answers it, for a step left half-done. */
function partlyDone(step: Step, interrupted: Interruption): { notice: string; warning: string } {
  if (interrupted.inThisSession) {
    return {
      notice: `Its previous attempt in this run (started ${interrupted.startedAt}) was aborted before it finished: some of its blocks may have run; check what they changed (its output shows how far it got) before running it again. `,
      warning: `step "${step.id}" was aborted part-way earlier in this run and may have partly completed; running it again because of --yes`,
    };
  }
  return {
    notice: `It started at ${interrupted.startedAt} in the interrupted run and did not finish: it may have partly completed. `,
    warning: `step "${step.id}" may have partly completed in the interrupted run; running it again because of --yes`,
  };
}

export async function confirmStep(input: ConfirmInput): Promise<ConfirmDecision> {
  const { step } = input;
  if (step.safety === 'safe') return { run: true };
  const byFlag = step.safety === 'mutating' ? input.yes : input.yes && input.allowDestroy;
  // Kinds look things up for the operator (prices); not worth API calls when a flag answers, but the record
  // still says in words what each block did.
  const details = await kindConfirmations(input, !byFlag);
  const describe = (brief: boolean) =>
    step.actions.flatMap((action, index) =>
      action.safety === 'safe' ? [] : [describeAction(action, input.render, details[index], brief)],
    );
  const partial = input.interrupted && partlyDone(step, input.interrupted);
  const message = `${partial?.notice ?? ''}${step.title}: ${describe(false).join('; ')}`;
  const brief = `${partial?.notice ?? ''}${step.title}: ${describe(true).join('; ')}`;
  if (byFlag) {
    if (partial) input.emit({ type: 'log', level: 'warn', message: partial.warning });
    input.emit({ type: 'confirm.answered', step: step.id, message, accepted: true, how: 'flag' });
    return { run: true };
  }
  const destructiveIndex = step.actions.findIndex((action) => action.safety === 'destructive');
  const typeToConfirm =
    step.safety === 'destructive'
      ? // The kind knows which resource its block acts on (confirmation()); otherwise the step's id.
        (details[destructiveIndex]?.typeToConfirm ?? step.id)
      : undefined;
  let accepted: boolean;
  try {
    accepted = await input.interaction.confirm(
      { step: step.id, safety: step.safety, message, ...(brief !== message ? { brief } : {}), typeToConfirm },
      input.signal,
    );
  } catch (error) {
    if (input.signal.aborted) return { run: false, reason: 'aborted while waiting for confirmation' };
    return { run: false, error: error instanceof Error ? error.message : String(error) };
  }
  input.emit({ type: 'confirm.answered', step: step.id, message, accepted, how: 'operator' });
  return accepted ? { run: true } : { run: false, reason: 'declined by the operator' };
}

async function kindConfirmations(
  input: ConfirmInput,
  lookUp: boolean,
): Promise<Array<KindDetails | undefined>> {
  return Promise.all(
    input.step.actions.map(async (action, index) => {
      if (action.safety === 'safe') return undefined;
      try {
        return await input.confirmationFor(index, lookUp);
      } catch (error) {
        return { message: `(${notWorkedOut(error, input.step, index)})` };
      }
    }),
  );
}
