// The redis block's parse, safety and preview (no server needed; live behaviour is in test/redis/).
import { describe, expect, it } from 'vitest';
import { createTestContext, parseBlock, parsedAction } from '../test-context.js';
import { redisAction } from './index.js';

describe('redis block', () => {
  it('reports quoting problems at their line and column', () => {
    const { problems } = parseBlock(redisAction, { attrs: { node: 'redis-1' }, body: 'PING\nSET k "open' });
    expect(problems).toEqual([
      expect.objectContaining({ line: 2, column: 7, message: 'unbalanced double quote' }),
    ]);
  });

  it('needs node= for commands and an empty body for verify=', () => {
    expect(parseBlock(redisAction, { attrs: {}, body: 'PING' }).problems[0]?.message).toBe(
      'a redis block needs node=NAME (or host:port)',
    );
    expect(
      parseBlock(redisAction, { attrs: { verify: 'replication' }, body: 'PING' }).problems[0]?.message,
    ).toContain('body must be empty');
    expect(
      parseBlock(redisAction, { attrs: { node: 'a', tolerance: 'lots' } }).problems[0]?.message,
    ).toContain('tolerance=');
    expect(
      parsedAction(redisAction, { attrs: { verify: 'replication', tolerance: '64kb' } }).spec.tolerance,
    ).toBe(65536);
  });

  it('takes the safety of its most dangerous line', () => {
    const safety = (body: string) => parsedAction(redisAction, { attrs: { node: 'a' }, body }).action.safety;
    expect(safety('INFO\nROLE\nCONFIG GET *')).toBe('safe');
    expect(safety('INFO\nCONFIG SET maxmemory 1mb')).toBe('mutating');
    expect(safety('INFO\nSHUTDOWN NOSAVE')).toBe('destructive');
    expect(parsedAction(redisAction, { attrs: { verify: 'replication' } }).action.safety).toBe('safe');
  });

  it('previews commands with values filled and secrets masked', () => {
    const { spec, action } = parsedAction(redisAction, {
      attrs: { node: 'redis-1' },
      body: '# comment\nCONFIG SET masterauth {{ vars.redis_password }}\nSET greeting {{ vars.greeting }}',
    });
    const t = createTestContext({
      action,
      vars: { redis_password: 'hunter22', greeting: 'hello world' },
      secretVars: ['redis_password'],
    });
    expect(redisAction.preview(spec, t.ctx)).toEqual([
      'on redis-1:',
      '  CONFIG SET masterauth ••••••',
      '  SET greeting "hello world"',
    ]);
  });

  it('reads expect= as one check line and expect-error= as a reply error code', () => {
    const { spec } = parsedAction(redisAction, {
      attrs: { node: 'redis-1', expect: 'last.role == master', 'expect-error': 'readonly' },
      body: 'ROLE',
    });
    expect(spec.expectations.line?.subject).toBe('last.role');
    expect(spec.expectations.error).toBe('READONLY');
    const problems = (attrs: Record<string, string>) =>
      parseBlock(redisAction, { attrs: { node: 'a', ...attrs }, body: 'PING' }).problems.map(
        (p) => p.message,
      );
    expect(problems({ expect: 'last.role = master' })[0]).toContain('unknown operator');
    expect(problems({ 'expect-error': 'NO QUORUM' })).toEqual([
      'expect-error="NO QUORUM" is not an error code',
    ]);
  });
});
