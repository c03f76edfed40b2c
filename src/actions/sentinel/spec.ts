// What a ```sentinel block says: which Sentinel(s), credentials, the master name, and commands or a verification.
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';
import { type CommandLine, parseCommandBody } from '../../targets/redis/execute.js';

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
  'redis-password': z.string().min(1, 'redis-password= names the var holding the Redis password').optional(),
  'redis-username': z.string().min(1).optional(),
});

export type SentinelAttributes = z.infer<typeof sentinelAttributes>;

export interface SentinelSpec {
  attrs: SentinelAttributes;
  all: boolean;
  commands: CommandLine[];
  verify?: SentinelVerification;
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
  if (attrs.verify) {
    if (input.body.trim()) {
      report({
        line: 1,
        message: 'verify= runs a verification; the body must be empty',
        hint: 'put commands in a separate ```sentinel block',
      });
      return undefined;
    }
    return { attrs, all, commands: [], verify: attrs.verify };
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
  return { attrs, all, commands };
}
