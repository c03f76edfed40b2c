// The destructive gate is decided on what will be sent: a command name cannot come from a template, and a
// filled-in command more dangerous than its block was confirmed as is never sent (issue #15 item 5).
import { describe, expect, it } from 'vitest';
import { sentinelAction } from '../sentinel/index.js';
import { createTestContext, parseBlock, parsedAction } from '../test-context.js';
import type { CommandLine } from './execute.js';
import { runCommandLines } from './execute.js';
import { redisAction } from './index.js';

const KINDS = { redis: redisAction, sentinel: sentinelAction } as unknown as Record<
  string,
  typeof redisAction
>;

describe('templated command names', () => {
  it.each([
    ['redis', '{{ vars.cmd }}', 1],
    ['redis', 'CONFIG {{ vars.sub }} maxmemory 1', 8],
    ['redis', 'DEBUG {{ vars.sub }}', 7],
    ['redis', 'CLIENT {{ vars.sub }} ID 7', 8],
    ['sentinel', 'SENTINEL {{ vars.sub }} mymaster', 10],
    ['sentinel', 'SENTINEL CONFIG {{ vars.sub }} resolve-hostnames yes', 17],
    ['sentinel', '"{{ vars.cmd }}" mymaster', 2],
  ] as const)('refuses a %s block: %s', (kind, body, column) => {
    const { problems } = parseBlock(KINDS[kind] as typeof redisAction, {
      attrs: { node: 'sentinel-1' },
      body,
    });
    expect(problems).toEqual([
      expect.objectContaining({
        line: 1,
        column,
        message: expect.stringContaining('the command name comes from a template'),
      }),
    ]);
  });

  it.each([
    ['redis', 'GET {{ vars.key }}', 'safe'],
    ['redis', 'SET {{ vars.key }} {{ vars.value }}', 'mutating'],
    ['redis', 'CONFIG SET requirepass {{ vars.pw }}', 'mutating'],
    ['redis', 'REPLICAOF {{ vars.host }} 6379', 'mutating'],
    ['sentinel', 'SENTINEL FAILOVER {{ vars.master }}', 'destructive'],
    ['sentinel', 'SENTINEL SET {{ vars.master }} quorum {{ vars.q }}', 'mutating'],
  ] as const)('accepts values in argument positions of a %s block: %s', (kind, body, safety) => {
    const read = parsedAction(KINDS[kind] as typeof redisAction, { attrs: { node: 'sentinel-1' }, body });
    expect(read.action.safety).toBe(safety);
  });
});

describe('the rendered command at run time', () => {
  it('is never sent when it is more dangerous than the block was confirmed as', async () => {
    const { ctx, output, close } = createTestContext({ vars: { cmd: 'FLUSHALL' } });
    // A line the parser would refuse, built by hand: the run-time check must hold on its own.
    const line: CommandLine = { args: ['{{ vars.cmd }}'], line: 1, safety: 'safe', fault: false };
    const node = { name: 'redis-1', address: '127.0.0.1:1' };
    const result = await runCommandLines(node as never, {} as never, [line], ctx, 'redis');
    await close();
    expect(result.error).toMatch(
      /FLUSHALL is destructive once its values are filled in, but the block was confirmed as safe: not sent/,
    );
    expect(result.commands[0]?.reply).toBeUndefined();
    expect(output.map((o) => o.line)).toContain(`127.0.0.1:1> FLUSHALL`);
  });
});
