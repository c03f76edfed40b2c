// What a ```probe block says: start or stop a named background writer, and how it connects.
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';
import { parseDuration } from '../../runbook/duration.js';

export interface ProbeSpec {
  verb: 'start' | 'stop';
  name: string;
  ratePerSecond: number;
  /** master= as written; empty when absent (then the master_name var, else "mymaster": withMasterName). */
  masterName: string;
  /** Var holding the Redis password. */
  passwordVar: string;
  /** Var holding the Sentinel password, when Sentinels require one. */
  sentinelPasswordVar: string;
  /** Comma-separated Sentinel names or host:port; all Sentinels when absent. */
  sentinels?: string;
  writeTimeoutMs: number;
  /** How long `stop` waits for one master with every replica linked before reading keys back. */
  settleMs: number;
}

const NAME = /^[A-Za-z0-9_-]+$/;

export const probeAttributes = z.strictObject({
  name: z.string().regex(NAME, 'name= takes letters, digits, - and _ (it becomes probe.<name>)'),
  rate: z
    .string()
    .regex(/^\d+(\.\d+)?\/s$/, 'rate= is writes per second, e.g. rate=200/s')
    .optional(),
  master: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  'sentinel-password': z.string().min(1).optional(),
  sentinels: z.string().min(1).optional(),
  'write-timeout': z.string().optional(),
  settle: z.string().optional(),
});

function durationMs(text: string | undefined, fallback: number): number | undefined {
  return text === undefined ? fallback : parseDuration(text.trim());
}

export function parseProbe(
  input: { attrs: Record<string, string>; body: string },
  report: (problem: BlockProblem) => void,
): ProbeSpec | undefined {
  const verb = input.body.trim();
  if (verb !== 'start' && verb !== 'stop') {
    report({
      line: 1,
      message: `a probe block says start or stop, not "${verb || '(empty)'}"`,
      hint: 'write `start` in the block that begins the workload and `stop` in the one that ends it',
    });
    return undefined;
  }
  const rate = Number((input.attrs.rate ?? '100/s').replace('/s', ''));
  if (!(rate > 0 && rate <= 5000)) {
    report({ line: 0, message: `rate=${input.attrs.rate} is out of range`, hint: 'use 1/s to 5000/s' });
    return undefined;
  }
  const writeTimeoutMs = durationMs(input.attrs['write-timeout'], 500);
  const settleMs = durationMs(input.attrs.settle, 60_000);
  if (writeTimeoutMs === undefined || settleMs === undefined) {
    report({
      line: 0,
      message: 'write-timeout= and settle= take a duration',
      hint: 'e.g. write-timeout=500ms settle=60s',
    });
    return undefined;
  }
  return {
    verb,
    name: input.attrs.name ?? '',
    ratePerSecond: rate,
    masterName: input.attrs.master ?? '',
    passwordVar: input.attrs.password ?? 'redis_password',
    sentinelPasswordVar: input.attrs['sentinel-password'] ?? 'sentinel_password',
    sentinels: input.attrs.sentinels,
    writeTimeoutMs,
    settleMs,
  };
}

/** The spec with the master name in force: master=, else the runbook's master_name var, else "mymaster". */
export function withMasterName(spec: ProbeSpec, vars: Readonly<Record<string, string>>): ProbeSpec {
  return { ...spec, masterName: spec.masterName || vars.master_name || 'mymaster' };
}
