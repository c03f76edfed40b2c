// What a ```prompt block asks: a value (optionally secret, or one of some choices) or a manual checklist item.
// Settings come from the info string or, when the body starts with one of them, from the body as YAML.
import { parseDocument } from 'yaml';
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';
import { findReferences } from '../../runbook/template.js';

export interface PromptSpec {
  kind: 'value' | 'checklist' | 'choice';
  /** The question, or the checklist item's text; may hold {{ path }} references. */
  question: string;
  /** Published as vars.<variable> when set. */
  variable?: string;
  secret: boolean;
  choices?: string[];
  default?: string;
}

const flag = z.enum(['true', 'false'], { error: 'expected true or false' });

export const promptAttributes = z.strictObject({
  var: z.string().optional(),
  secret: flag.optional(),
  choices: z.string().optional(),
  default: z.string().optional(),
  checklist: flag.optional(),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const bodySchema = z.strictObject({
  question: z.string().optional(),
  item: z.string().optional(),
  var: z.string().optional(),
  secret: z.boolean().optional(),
  choices: z.union([z.array(scalar), z.string()]).optional(),
  default: scalar.optional(),
  checklist: z.boolean().optional(),
});
type BodySettings = z.infer<typeof bodySchema>;

/** The body is YAML only when its first line sets one of these; otherwise it is the question as plain text. */
const YAML_START = /^\s*(question|item|var|secret|choices|default|checklist)\s*:/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function lineOfKey(body: string, key: string): number {
  const index = body.split('\n').findIndex((line) => line.trimStart().startsWith(`${key}:`));
  return index < 0 ? 1 : index + 1;
}

function parseBody(body: string, report: (problem: BlockProblem) => void): BodySettings | undefined {
  const trimmed = body.trim();
  if (!YAML_START.test(body.split('\n').find((line) => line.trim()) ?? '')) return { question: trimmed };
  const document = parseDocument(body);
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const at = error.linePos?.[0];
      report({
        message: `prompt body is not valid YAML: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
        hint: 'write key: value lines (question:, var:, secret:, choices:, default:, checklist:) or plain text',
        ...(at ? { line: at.line, column: at.col } : { line: 1 }),
      });
    }
    return undefined;
  }
  const parsed = bodySchema.safeParse(document.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const key = String(issue.path[0] ?? unknownKey ?? '');
      report({
        line: lineOfKey(body, key),
        message: unknownKey
          ? `prompt body: unknown key "${unknownKey}"`
          : `prompt body: ${key}: ${issue.message}`,
        hint: 'known keys: question, item, var, secret (true/false), choices (a list), default, checklist (true/false)',
      });
    }
    return undefined;
  }
  return parsed.data;
}

/** A setting from the info string or the body; both at once is a mistake worth naming. */
function pick<T>(
  name: string,
  fromAttrs: T | undefined,
  fromBody: T | undefined,
  report: (p: BlockProblem) => void,
) {
  if (fromAttrs !== undefined && fromBody !== undefined) {
    report({
      line: 0,
      message: `${name} is set both in the info string and in the body`,
      hint: 'keep one of them',
    });
  }
  return fromAttrs ?? fromBody;
}

export function parsePrompt(
  input: { attrs: Record<string, string>; body: string },
  report: (problem: BlockProblem) => void,
): PromptSpec | undefined {
  const { attrs } = input;
  const body = parseBody(input.body, report);
  if (!body) return undefined;
  const problems: BlockProblem[] = [];
  const note = (problem: BlockProblem) => problems.push(problem);

  const question = (body.question ?? body.item ?? '').trim();
  const variable = pick('var', attrs.var, body.var, note);
  const secret = pick(
    'secret',
    attrs.secret === undefined ? undefined : attrs.secret === 'true',
    body.secret,
    note,
  );
  const checklist = pick(
    'checklist',
    attrs.checklist === undefined ? undefined : attrs.checklist === 'true',
    body.checklist,
    note,
  );
  const rawChoices = pick('choices', attrs.choices, body.choices, note);
  const defaultValue = pick('default', attrs.default, body.default, note);
  const choices = typeof rawChoices === 'string' ? rawChoices.split(',').map((c) => c.trim()) : rawChoices;

  if (!question)
    note({
      line: 1,
      message: 'prompt has no question',
      hint: 'write the question (or the checklist item) as the body',
    });
  if (variable !== undefined && !VARIABLE.test(variable)) {
    note({
      line: 0,
      message: `var="${variable}" is not a variable name`,
      hint: 'use letters, digits and _ (e.g. var=incident_id)',
    });
  }
  if (checklist && (secret || choices || defaultValue !== undefined)) {
    note({
      line: 0,
      message: 'a checklist item takes no secret, choices or default',
      hint: 'its answer is always done or skipped',
    });
  }
  if (secret && defaultValue !== undefined) {
    note({
      line: 0,
      message: 'a secret prompt cannot have a default',
      hint: 'the default would be readable in the runbook; drop it',
    });
  }
  if (secret && choices)
    note({ line: 0, message: 'a choice cannot be secret', hint: 'drop secret=true or choices=' });
  if (choices) {
    const duplicate = choices.find((choice, i) => choices.indexOf(choice) !== i);
    if (choices.some((choice) => !choice))
      note({ line: 0, message: 'choices has an empty entry', hint: 'write choices=a,b' });
    else if (duplicate)
      note({ line: 0, message: `choices lists "${duplicate}" twice`, hint: 'list each choice once' });
    else if (defaultValue !== undefined && !choices.includes(defaultValue)) {
      note({
        line: 0,
        message: `default "${defaultValue}" is not one of the choices (${choices.join(', ')})`,
        hint: 'make the default one of the choices',
      });
    }
  }
  for (const problem of problems) report(problem);
  if (problems.length > 0) return undefined;
  return {
    kind: checklist ? 'checklist' : choices ? 'choice' : 'value',
    question,
    ...(variable ? { variable } : {}),
    secret: secret ?? false,
    ...(choices ? { choices } : {}),
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
  };
}

export function promptReferences(spec: PromptSpec): string[] {
  return [...findReferences(spec.question), ...findReferences(spec.default ?? '')].map((r) => r.path);
}
