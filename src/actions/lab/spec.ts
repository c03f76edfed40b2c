// What a ```lab block says. One kind, several lab-only faults the DigitalOcean API has no words for:
//   op=freeze|thaw node=N                      SIGSTOP/SIGCONT every process of a droplet (a hung machine)
//   op=partition from=A[,B] to=C[,D]|operator [direction=both|one-way] [name=split]
//   op=heal [name=split]                       heals one partition, or every one
//   op=delay node=N delay=200ms / op=loss node=N loss=10%   (needs sch_netem in the kernel)
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';
import { DURATION_HINT, parseDuration } from '../../runbook/duration.js';

export const LAB_OPS = ['freeze', 'thaw', 'partition', 'heal', 'delay', 'loss'] as const;
export type LabOp = (typeof LAB_OPS)[number];

export const labAttributes = z.strictObject({
  op: z.enum(LAB_OPS, { error: `op= is ${LAB_OPS.join(', ')}` }),
  /** The droplet's name; {{ references }} are rendered at run time. */
  node: z.string().min(1, 'node= names a droplet, e.g. node=redis-1').optional(),
  from: z.string().min(1, 'from= names droplets, e.g. from=redis-1').optional(),
  to: z.string().min(1, 'to= names droplets, or operator').optional(),
  direction: z.enum(['both', 'one-way'], { error: 'direction= is both or one-way' }).optional(),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'name= is letters, digits, "_", "." or "-"')
    .optional(),
  delay: z.string().optional(),
  loss: z.string().optional(),
});

export type LabAttributes = z.infer<typeof labAttributes>;

export type LabSpec =
  | { op: 'freeze'; node: string }
  | { op: 'thaw'; node: string }
  | { op: 'partition'; name: string; from: string; to: string; direction: 'both' | 'one-way' }
  | { op: 'heal'; name?: string }
  | { op: 'delay'; node: string; delayMs: number }
  | { op: 'loss'; node: string; lossPercent: number };

/** The name a partition gets when the block gives none (heal without name= heals every partition). */
export const DEFAULT_PARTITION = 'partition';

const USES: Record<LabOp, readonly (keyof LabAttributes)[]> = {
  freeze: ['node'],
  thaw: ['node'],
  partition: ['from', 'to', 'direction', 'name'],
  heal: ['name'],
  delay: ['node', 'delay'],
  loss: ['node', 'loss'],
};

const EXAMPLE: Record<LabOp, string> = {
  freeze: '```lab op=freeze node=redis-1',
  thaw: '```lab op=thaw node=redis-1',
  partition: '```lab op=partition from=redis-1 to=redis-2,redis-3',
  heal: '```lab op=heal',
  delay: '```lab op=delay node=redis-1 delay=200ms',
  loss: '```lab op=loss node=redis-1 loss=10%',
};

export function parseLab(
  input: { attrs: Record<string, string>; body: string },
  report: (problem: BlockProblem) => void,
): LabSpec | undefined {
  if (input.body.trim() !== '') {
    report({
      message: 'a lab block takes no body',
      hint: 'write e.g. ```lab op=freeze node=redis-1 with nothing inside',
      line: 1,
    });
    return undefined;
  }
  const attrs = labAttributes.parse(input.attrs);
  const fail = (message: string) => {
    report({ message, hint: `e.g. ${EXAMPLE[attrs.op]}`, line: 1 });
    return undefined;
  };
  const stray = (Object.keys(attrs) as (keyof LabAttributes)[]).filter(
    (key) => key !== 'op' && !USES[attrs.op].includes(key),
  );
  if (stray.length > 0)
    return fail(`op=${attrs.op} does not take ${stray.map((key) => `${key}=`).join(', ')}`);
  for (const key of USES[attrs.op]) {
    if (['direction', 'name'].includes(key)) continue;
    if (attrs[key] === undefined) return fail(`op=${attrs.op} needs ${key}=`);
  }
  switch (attrs.op) {
    case 'freeze':
    case 'thaw':
      return { op: attrs.op, node: attrs.node as string };
    case 'partition':
      return {
        op: 'partition',
        name: attrs.name ?? DEFAULT_PARTITION,
        from: attrs.from as string,
        to: attrs.to as string,
        direction: attrs.direction ?? 'both',
      };
    case 'heal':
      return { op: 'heal', ...(attrs.name ? { name: attrs.name } : {}) };
    case 'delay': {
      const delayMs = parseDuration((attrs.delay as string).trim());
      if (delayMs === undefined) return fail(`delay="${attrs.delay}" is not a duration; ${DURATION_HINT}`);
      return { op: 'delay', node: attrs.node as string, delayMs };
    }
    case 'loss': {
      const match = /^(\d+(?:\.\d+)?)%$/.exec((attrs.loss as string).trim());
      const lossPercent = Number(match?.[1]);
      if (!match || lossPercent > 100)
        return fail(`loss="${attrs.loss}" is not a percentage from 0% to 100%`);
      return { op: 'loss', node: attrs.node as string, lossPercent };
    }
  }
}

/** "a, b" or "{{ x }}, c" → the names, rendered. */
export const nameList = (text: string, render: (text: string) => string): string[] =>
  render(text)
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
