// Variable resolution: --var wins, then the declared source (env, prompt, generate), then the default.
import { randomBytes } from 'node:crypto';
import type { Interaction, PromptAnswer } from '../contract/action.js';
import type { VarSpec } from '../contract/runbook.js';
import { Redactor } from './redact.js';

export class VariableError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'VariableError';
  }
}

export interface VarAnswer {
  name: string;
  question: string;
  answer: PromptAnswer;
  secret: boolean;
}

export interface ResolvedVariables {
  values: Record<string, string>;
  /** Names whose values must be masked everywhere: secret vars and generated ones. */
  secretNames: Set<string>;
  /** Values made by `generate`, to be kept for --resume. */
  generated: Record<string, string>;
  answers: VarAnswer[];
  /** --var names the runbook does not declare (still offered to headless prompts). */
  undeclared: string[];
}

export interface ResolveVariablesInput {
  specs: VarSpec[];
  given: Record<string, string>;
  interaction: Interaction;
  signal: AbortSignal;
  dryRun: boolean;
  /** From a resumed run: generated secrets and the non-secret values it used. */
  previous?: { generated: Record<string, string>; values: Record<string, string> };
}

export function generateSecret(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 3)
    .toString('base64url')
    .slice(0, length);
}

export async function resolveVariables(input: ResolveVariablesInput): Promise<ResolvedVariables> {
  const { specs, given, previous } = input;
  const values: Record<string, string> = {};
  const secretNames = new Set<string>();
  const generated: Record<string, string> = {};
  const answers: VarAnswer[] = [];
  const problems: string[] = [];

  for (const spec of specs) {
    const { name, source } = spec;
    if (spec.secret || source.kind === 'generate') secretNames.add(name);
    let value: string | undefined = given[name];
    if (value === undefined && previous) {
      value = previous.generated[name] ?? (spec.secret ? undefined : previous.values[name]);
      if (previous.generated[name] !== undefined) generated[name] = previous.generated[name];
    }
    if (value === undefined && source.kind === 'env') value = process.env[source.name] || undefined;
    if (value === undefined && source.kind === 'generate') {
      value = generateSecret(source.length);
      generated[name] = value;
    }
    if (value === undefined && source.kind === 'prompt') {
      if (input.dryRun) {
        value = spec.default ?? `<${name}: asked at run time>`;
      } else {
        const question = spec.description ? `${spec.description} (${name})` : name;
        const answer = await input.interaction.ask(
          { step: '', kind: 'value', question, variable: name, secret: spec.secret, default: spec.default },
          input.signal,
        );
        value = answer.value;
        answers.push({ name, question, answer, secret: spec.secret });
      }
    }
    value ??= spec.default;
    if (value === undefined) {
      problems.push(missingMessage(spec));
      continue;
    }
    // An empty secret (an optional password left unset) has nothing to mask.
    if (secretNames.has(name) && value !== '' && value.length < Redactor.MIN_LENGTH) {
      problems.push(
        `variable ${name} is secret but its value is shorter than ${Redactor.MIN_LENGTH} characters,` +
          ' too short to mask reliably in output: use a longer value',
      );
      continue;
    }
    values[name] = value;
  }
  if (problems.length > 0) throw new VariableError(problems);
  const declared = new Set(specs.map((s) => s.name));
  const undeclared = Object.keys(given).filter((name) => !declared.has(name));
  return { values, secretNames, generated, answers, undeclared };
}

function missingMessage(spec: VarSpec): string {
  const where = `${spec.loc.file}:${spec.loc.line}:${spec.loc.column}`;
  const fromEnv = spec.source.kind === 'env' ? `set the environment variable ${spec.source.name}, or ` : '';
  return `${where}: variable ${spec.name} has no value: ${fromEnv}pass --var ${spec.name}=VALUE`;
}
