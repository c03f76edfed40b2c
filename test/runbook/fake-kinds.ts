// Small action kinds for parser tests, so they do not depend on the real kinds being written in parallel.
import * as z from 'zod';
import type { ActionKind, BlockProblem } from '../../src/contract/action.js';

function notRunnable(): never {
  throw new Error('fake kinds are for parsing only');
}

function envPaths(env: string | undefined): string[] {
  if (!env) return [];
  return env.split(',').map((pair) => pair.slice(pair.indexOf('=') + 1));
}

const sh: ActionKind<{ script: string; env?: string }> = {
  kind: 'sh',
  safetyIsAGuess: true,
  description: 'fake shell',
  attributes: z.strictObject({ env: z.string().optional(), cwd: z.string().optional() }),
  defaultSafety: () => 'mutating',
  parse({ attrs, body }, report) {
    if (body.trim() === '') {
      report({ message: 'empty script', line: 1, column: 1 });
      return undefined;
    }
    return { script: body, env: attrs.env };
  },
  references: (spec) => envPaths(spec.env),
  preview: notRunnable,
  confirmation: notRunnable,
  run: notRunnable,
};

interface Comparison {
  path: string;
  op: string;
  expected: string;
}
const OPS = ['==', '!=', '<', '>'];
const check: ActionKind<Comparison[]> = {
  kind: 'check',
  description: 'fake check: one `path op value` per line',
  attributes: z.strictObject({ level: z.enum(['info', 'error']).optional() }),
  defaultSafety: () => 'safe',
  parse({ body }, report: (problem: BlockProblem) => void) {
    const comparisons: Comparison[] = [];
    for (const [i, line] of body.split('\n').entries()) {
      if (line.trim() === '') continue;
      const [path, op, ...rest] = line.trim().split(/\s+/);
      if (!op || !OPS.includes(op)) {
        report({
          message: `unknown comparison "${op ?? ''}"`,
          hint: `use ${OPS.join(' ')}`,
          line: i + 1,
          column: line.indexOf(op ?? '') + 1,
        });
        continue;
      }
      comparisons.push({ path: path as string, op, expected: rest.join(' ') });
    }
    return comparisons.length > 0 ? comparisons : undefined;
  },
  references: (spec) => spec.map((c) => c.path),
  preview: notRunnable,
  confirmation: notRunnable,
  run: notRunnable,
};

const prompt: ActionKind<{ variable?: string; question: string }> = {
  kind: 'prompt',
  description: 'fake prompt',
  attributes: z.strictObject({
    var: z
      .string()
      .regex(/^[a-z_]+$/)
      .optional(),
  }),
  defaultSafety: () => 'safe',
  parse: ({ attrs, body }) => ({ variable: attrs.var, question: body }),
  publishes: (spec) => (spec.variable ? [`vars.${spec.variable}`] : []),
  preview: notRunnable,
  confirmation: notRunnable,
  run: notRunnable,
};

const probe: ActionKind<{ name: string }> = {
  kind: 'probe',
  description: 'fake probe: publishes probe.<name>',
  attributes: z.strictObject({ name: z.string() }),
  defaultSafety: () => 'safe',
  parse: ({ attrs }) => ({ name: attrs.name as string }),
  publishes: (spec) => [`probe.${spec.name}`],
  preview: notRunnable,
  confirmation: notRunnable,
  run: notRunnable,
};

const render: ActionKind<{ template: string; params: string[] }> = {
  kind: 'render',
  description: 'fake kind that uses a named template, giving it the params named in params=a,b',
  attributes: z.strictObject({ template: z.string(), params: z.string().optional() }),
  defaultSafety: () => 'mutating',
  parse: ({ attrs }) => ({ template: attrs.template as string, params: attrs.params?.split(',') ?? [] }),
  templates: (spec) => [spec.template],
  templateParams: (spec) => spec.params,
  preview: notRunnable,
  confirmation: notRunnable,
  run: notRunnable,
};

const failover: ActionKind<{ command: string }> = {
  kind: 'failover',
  description: 'fake kind whose safety depends on the body',
  attributes: z.strictObject({}),
  defaultSafety: (spec) => (spec.command === 'FAILOVER' ? 'destructive' : 'safe'),
  parse: ({ body }) => ({ command: body.trim() }),
  preview: notRunnable,
  confirmation: notRunnable,
  run: notRunnable,
};

// biome-ignore lint/suspicious/noExplicitAny: a registry holds kinds of different spec types.
export const fakeKinds: ReadonlyMap<string, ActionKind<any>> = new Map(
  [sh, check, prompt, probe, render, failover].map((kind) => [kind.kind, kind]),
);
