// What a ```sentinel block says: which Sentinel(s), credentials, the master name, and commands or a verification.
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';
import { DURATION_HINT, parseDuration } from '../../runbook/duration.js';
import { parseQueryExpectations, type QueryExpectations } from '../check/expect.js';
import { type CommandLine, parseCommandBody } from '../redis/execute.js';

export const SENTINEL_VERIFICATIONS = ['health', 'agreement', 'discovery'] as const;
export type SentinelVerification = (typeof SENTINEL_VERIFICATIONS)[number];

export const sentinelAttributes = z.strictObject({
  node: z.string().min(1, 'node= needs a Sentinel name, host:port or all'),
  password: z.string().min(1, 'password= names the var holding the Sentinel password').optional(),
  username: z.string().min(1).optional(),
  tls: z.enum(['true', 'false']).optional(),
  'connect-timeout': z.string().optional(),
  'command-timeout': z.string().optional(),
  master: z.string().min(1, 'master= needs the monitored master name').optional(),
  verify: z.enum(SENTINEL_VERIFICATIONS).optional(),
  replicas: z.string().regex(/^\d+$/, 'replicas= is a count').optional(),
  answering: z.enum(['all', 'majority']).optional(),
  'redis-password': z.string().min(1, 'redis-password= names the var holding the Redis password').optional(),
  'redis-username': z.string().min(1).optional(),
  op: z.enum(['switchover']).optional(),
  expect: z.string().min(1, 'expect= needs a comparison, e.g. agreement.sameMaster == true').optional(),
  'expect-error': z.string().min(1, 'expect-error= needs an error code, e.g. NOQUORUM').optional(),
  'pause-timeout': z.string().optional(),
  'catch-up': z.string().optional(),
});

export type SentinelAttributes = z.infer<typeof sentinelAttributes>;

export interface SentinelSpec {
  attrs: SentinelAttributes;
  all: boolean;
  commands: CommandLine[];
  verify?: SentinelVerification;
  /** op=switchover: the coordinated, zero-loss switchover (src/targets/redis/sentinel-switchover.ts). */
  op?: 'switchover';
  /** expect= / expect-error=: judged on fresh results each time the block runs (within= re-runs it). */
  expectations: QueryExpectations;
}

const SENTINEL_COMMANDS = new Set([
  'SENTINEL',
  'INFO',
  'PING',
  'ROLE',
  'CLIENT',
  'ACL',
  'AUTH',
  'HELLO',
  'COMMAND',
  'SHUTDOWN',
]);

export function parseSentinel(
  input: { attrs: Record<string, string>; body: string },
  report: (problem: BlockProblem) => void,
): SentinelSpec | undefined {
  const attrs = sentinelAttributes.parse(input.attrs);
  const all = attrs.node === 'all';
  const expectations = parseQueryExpectations(attrs, report);
  if (!expectations) return undefined;
  if (attrs.answering && attrs.verify !== 'agreement') {
    report({
      line: 0,
      message: 'answering= only goes with verify=agreement',
      hint: 'remove it, or use it on a ```sentinel node=all verify=agreement block',
    });
    return undefined;
  }
  if (attrs.op) return parseSwitchover(attrs, all, input.body, report, expectations);
  if (attrs['pause-timeout'] || attrs['catch-up']) {
    report({
      line: 0,
      message: 'pause-timeout= and catch-up= only go with op=switchover',
      hint: 'remove them or add op=switchover',
    });
    return undefined;
  }
  if (attrs.verify) {
    if (input.body.trim()) {
      report({
        line: 1,
        message: 'verify= runs a verification; the body must be empty',
        hint: 'put commands in a separate ```sentinel block',
      });
      return undefined;
    }
    return { attrs, all, commands: [], verify: attrs.verify, expectations };
  }
  if (attrs.replicas) {
    report({
      line: 0,
      message: 'replicas= only goes with verify=health',
      hint: 'remove it or add verify=health',
    });
    return undefined;
  }
  const commands = parseCommandBody(input.body, report, {
    commands: SENTINEL_COMMANDS,
    hint: `Sentinels accept ${[...SENTINEL_COMMANDS].join(', ')}; Redis commands go in a \`\`\`redis block`,
  });
  if (!commands) return undefined;
  if (commands.length === 0) {
    report({
      line: 1,
      message: 'a sentinel block needs at least one command or verify=',
      hint: 'e.g. SENTINEL MASTERS',
    });
    return undefined;
  }
  if (all) {
    const fault = commands.find((c) => c.fault);
    if (fault) {
      report({
        line: fault.line,
        column: 1,
        message:
          (fault.args[0] ?? '').toUpperCase() === 'SENTINEL'
            ? `${fault.args.slice(0, 2).join(' ')} on every Sentinel would start competing failovers`
            : `${fault.args[0]} on every Sentinel at once would leave no Sentinel to watch the master`,
        hint: 'send it to one Sentinel: node=sentinel-1',
      });
      return undefined;
    }
  }
  return { attrs, all, commands, expectations };
}

function parseSwitchover(
  attrs: SentinelAttributes,
  all: boolean,
  body: string,
  report: (problem: BlockProblem) => void,
  expectations: QueryExpectations,
): SentinelSpec | undefined {
  const problems: BlockProblem[] = [];
  if (attrs.verify) problems.push({ line: 0, message: 'op=switchover and verify= do not go together' });
  if (body.trim()) {
    problems.push({
      line: 1,
      message: 'op=switchover takes no body',
      hint: 'put commands in a separate ```sentinel block',
    });
  }
  for (const name of ['pause-timeout', 'catch-up'] as const) {
    const text = attrs[name];
    // A {{ path }} is filled at run time and checked then.
    const ms = text === undefined || text.includes('{{') ? 1 : parseDuration(text.trim());
    if (ms === undefined || ms <= 0)
      problems.push({ line: 0, message: `${name}="${text}" is not a duration`, hint: DURATION_HINT });
  }
  for (const problem of problems) report(problem);
  return problems.length ? undefined : { attrs, all, commands: [], op: 'switchover', expectations };
}
