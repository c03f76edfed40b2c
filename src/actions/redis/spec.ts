// What a ```redis block says: the node, credentials, and either command lines or a verification.
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';
import { parseQueryExpectations, type QueryExpectations } from '../check/expect.js';
import { type CommandLine, parseCommandBody } from './execute.js';

export const REDIS_VERIFICATIONS = ['replication'] as const;

export const redisAttributes = z.strictObject({
  node: z.string().min(1, 'node= needs a name or host:port').optional(),
  nodes: z.string().min(1, 'nodes= needs a comma-separated list').optional(),
  password: z.string().min(1, 'password= names the var holding the password').optional(),
  username: z.string().min(1).optional(),
  tls: z.enum(['true', 'false']).optional(),
  'connect-timeout': z.string().optional(),
  'command-timeout': z.string().optional(),
  verify: z.enum(REDIS_VERIFICATIONS).optional(),
  tolerance: z
    .string()
    .regex(/^\d+(?:[kKmM][bB]?)?$/, 'tolerance= is a byte count such as 1024, 64kb or 1mb')
    .optional(),
  expect: z.string().min(1, 'expect= needs a comparison, e.g. last.role == master').optional(),
  'expect-error': z.string().min(1, 'expect-error= needs an error code, e.g. READONLY').optional(),
});

export type RedisAttributes = z.infer<typeof redisAttributes>;

export interface RedisSpec {
  attrs: RedisAttributes;
  commands: CommandLine[];
  verify?: 'replication';
  /** Bytes a replica's offset may trail the master's in verify=replication. */
  tolerance?: number;
  /** expect= / expect-error=: judged on fresh results each time the block runs (within= re-runs it). */
  expectations: QueryExpectations;
}

export function parseTolerance(text: string): number {
  const match = /^(\d+)([kKmM])?/.exec(text);
  const unit = match?.[2]?.toLowerCase();
  return Number(match?.[1] ?? 0) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
}

export function parseRedis(
  input: { attrs: Record<string, string>; body: string },
  report: (problem: BlockProblem) => void,
): RedisSpec | undefined {
  const attrs = redisAttributes.parse(input.attrs);
  const expectations = parseQueryExpectations(attrs, report);
  if (!expectations) return undefined;
  if (attrs.verify) {
    if (input.body.trim()) {
      report({
        line: 1,
        message: 'verify= runs a verification; the body must be empty',
        hint: 'put commands in a separate ```redis block',
      });
      return undefined;
    }
    return {
      attrs,
      commands: [],
      verify: attrs.verify,
      tolerance: attrs.tolerance ? parseTolerance(attrs.tolerance) : undefined,
      expectations,
    };
  }
  if (!attrs.node) {
    report({
      line: 0,
      message: 'a redis block needs node=NAME (or host:port)',
      hint: 'e.g. ```redis node=redis-1',
    });
    return undefined;
  }
  if (attrs.nodes || attrs.tolerance) {
    report({
      line: 0,
      message: 'nodes= and tolerance= only go with verify=replication',
      hint: 'use node= for commands',
    });
    return undefined;
  }
  const commands = parseCommandBody(input.body, report);
  if (!commands) return undefined;
  if (commands.length === 0) {
    report({
      line: 1,
      message: 'a redis block needs at least one command',
      hint: 'one command per line, e.g. INFO replication',
    });
    return undefined;
  }
  return { attrs, commands, expectations };
}
