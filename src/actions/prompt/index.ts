// ```prompt — asks the operator for a value or to tick off a manual checklist item, and records the answer and
// when it was given. Headless behaviour (--var, or a clear failure) belongs to the engine's Interaction.

import type { ActionContext, ActionKind, ActionOutcome, PromptRequest } from '../../contract/action.js';
import { TemplateError } from '../../runbook/template.js';
import { type PromptSpec, parsePrompt, promptAttributes, promptReferences } from './spec.js';

/** What data and summaries show instead of a secret answer (the engine's prompt.answered event says the same). */
export const SECRET_ANSWER = '(secret)';

export interface PromptData {
  /** The answer; SECRET_ANSWER for secrets (the raw value goes to the variable only). */
  value: string;
  /** When it was answered, ISO 8601. */
  at: string;
}

function clock(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : `${date.toISOString().slice(11, 19)} UTC`;
}

function fail(ctx: ActionContext, summary: string, error: string): ActionOutcome {
  return { ok: false, summary, error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${error}` };
}

function render(text: string, ctx: ActionContext): string {
  try {
    return ctx.render(text);
  } catch (error) {
    if (error instanceof TemplateError) return text;
    throw error;
  }
}

function request(spec: PromptSpec, ctx: ActionContext): PromptRequest {
  return {
    step: ctx.step.id,
    kind: spec.kind,
    question: ctx.render(spec.question),
    ...(spec.variable ? { variable: spec.variable } : {}),
    ...(spec.secret ? { secret: true } : {}),
    ...(spec.choices ? { choices: spec.choices } : {}),
    ...(spec.default !== undefined ? { default: ctx.render(spec.default) } : {}),
  };
}

/** The answer as given, or why it cannot be used. */
function validate(
  spec: PromptSpec,
  asked: PromptRequest,
  given: string,
): { value: string } | { problem: string } {
  const value = given === '' && asked.default !== undefined ? asked.default : given;
  if (spec.kind === 'checklist') {
    return value === 'done' || value === 'skipped'
      ? { value }
      : { problem: `expected done or skipped, got "${value}"` };
  }
  if (spec.kind === 'choice' && !spec.choices?.includes(value)) {
    return { problem: `"${value}" is not one of ${spec.choices?.join(', ')}` };
  }
  if (value === '') return { problem: 'the answer is empty' };
  return { value };
}

async function run(spec: PromptSpec, ctx: ActionContext): Promise<ActionOutcome> {
  let asked: PromptRequest;
  try {
    asked = request(spec, ctx);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return fail(ctx, `missing ${error.path}`, `${error.message}; run the step that produces it first`);
  }
  let answer: Awaited<ReturnType<ActionContext['interaction']['ask']>>;
  try {
    answer = await ctx.interaction.ask(asked, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted)
      return fail(ctx, 'aborted', `aborted while waiting for an answer to "${asked.question}"`);
    // The Interaction says what would answer it (headless: which --var or flag), so its message is kept whole.
    return fail(ctx, 'no answer', `no answer: ${(error as Error).message}`);
  }
  const checked = validate(spec, asked, answer.value);
  if ('problem' in checked) {
    // Secrets can only be rejected for being empty, so the problem never quotes one.
    return fail(
      ctx,
      'unusable answer',
      `answer to "${asked.question}": ${checked.problem}; run the step again`,
    );
  }
  const { value } = checked;
  if (spec.variable) ctx.publish(`vars.${spec.variable}`, value, { secret: spec.secret });
  const data: PromptData = { value: spec.secret ? SECRET_ANSWER : value, at: answer.at };
  const when = clock(answer.at);
  if (spec.kind === 'checklist') return { ok: true, summary: `${value} at ${when}`, data };
  const shown = spec.secret ? SECRET_ANSWER : ctx.redact(value);
  return { ok: true, summary: `${spec.variable ?? 'answer'} = ${shown} at ${when}`, data };
}

function preview(spec: PromptSpec, ctx: ActionContext): string[] {
  const question = ctx.redact(render(spec.question, ctx));
  if (spec.kind === 'checklist') return [`[ ] ${question}`];
  const lines = [`ask: ${question}`];
  if (spec.variable) lines.push(`  → vars.${spec.variable}${spec.secret ? ' (secret, not shown)' : ''}`);
  if (spec.choices) lines.push(`  choices: ${spec.choices.join(' | ')}`);
  if (spec.default !== undefined) lines.push(`  default: ${ctx.redact(render(spec.default, ctx))}`);
  return lines;
}

export const promptAction: ActionKind<PromptSpec> = {
  kind: 'prompt',
  description:
    'Asks the operator for a value or to tick off a manual checklist item; records answer and time.',
  attributes: promptAttributes,
  defaultSafety: () => 'safe',
  parse: parsePrompt,
  references: promptReferences,
  publishes: (spec) => (spec.variable ? [`vars.${spec.variable}`] : []),
  preview,
  async confirmation(spec, ctx) {
    const question = ctx.redact(render(spec.question, ctx));
    return { does: spec.kind === 'checklist' ? `asks you to tick off: ${question}` : `asks: ${question}` };
  },
  run,
};
