// What a ```wait block says: a Sentinel event to wait for, or a verification that must come to hold.
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';
import { DURATION_HINT, parseDuration } from '../../runbook/duration.js';
import { SENTINEL_VERIFICATIONS } from '../sentinel/spec.js';

export const DEFAULT_WAIT_MS = 60_000;
export const WAIT_CONDITIONS = ['replication', ...SENTINEL_VERIFICATIONS] as const;
export type WaitCondition = (typeof WAIT_CONDITIONS)[number];

export const waitAttributes = z.strictObject({
  event: z
    .string()
    .regex(/^[+-][a-z*-]+$/, 'event= is a Sentinel event such as +switch-master or +failover-state-*')
    .optional(),
  until: z.enum(WAIT_CONDITIONS).optional(),
  node: z.string().min(1).optional(),
  nodes: z.string().min(1).optional(),
  master: z.string().min(1).optional(),
  replicas: z.string().regex(/^\d+$/, 'replicas= is a count').optional(),
  since: z.enum(['fault', 'step', 'run']).optional(),
  interval: z.string().optional(),
  password: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  'redis-password': z.string().min(1).optional(),
  tls: z.enum(['true', 'false']).optional(),
  for: z.string().optional(),
  absent: z.string().optional(),
});

export type WaitSpec = z.infer<typeof waitAttributes>;

export interface WaitData {
  event: string;
  /** stream: a Sentinel's pub/sub message; poll: GET-MASTER-ADDR-BY-NAME changed. */
  via: 'stream' | 'poll';
  /** Monotonic ms (run axis) of the first report. */
  t: number;
  /** ms from the reference point (last fault, step start or run start) to the event. */
  afterMs: number;
  seenBy: string[];
  seenAt: Record<string, number>;
  detail: string;
  from?: string;
  to?: string;
  master?: string;
}

export function parseWait(
  input: { attrs: Record<string, string> },
  report: (problem: BlockProblem) => void,
): WaitSpec | undefined {
  const spec = waitAttributes.parse(input.attrs);
  for (const name of ['for', 'absent'] as const) {
    const text = spec[name];
    if (text !== undefined && !((parseDuration(text.trim()) ?? 0) > 0)) {
      report({ line: 0, message: `${name}="${text}" is not a duration`, hint: DURATION_HINT });
      return undefined;
    }
  }
  if (spec.for !== undefined) {
    if (spec.event || spec.until || spec.absent) {
      report({
        line: 0,
        message: 'for= is a plain pause; it takes no event=, until= or absent=',
        hint: 'to assert that an event does not happen, write ```wait event=+odown absent=10s',
      });
      return undefined;
    }
    return spec;
  }
  if (spec.absent !== undefined && !spec.event) {
    report({
      line: 0,
      message: 'absent= needs the event that must not happen',
      hint: 'e.g. ```wait event=+switch-master absent=10s',
    });
    return undefined;
  }
  if ((spec.event === undefined) === (spec.until === undefined)) {
    report({
      line: 0,
      message: spec.event ? 'give event= or until=, not both' : 'a wait block needs event=, until= or for=',
      hint: 'e.g. ```wait event=+switch-master timeout=60s, ```wait until=agreement timeout=30s or ```wait for=5s',
    });
    return undefined;
  }
  return spec;
}
