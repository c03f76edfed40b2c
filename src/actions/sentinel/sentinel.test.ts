// The sentinel block's parse, safety and preview (no server needed; live behaviour is in test/redis/).
import { describe, expect, it } from 'vitest';
import { createTestContext, parseBlock, parsedAction } from '../test-context.js';
import { sentinelAction } from './index.js';

describe('sentinel block', () => {
  it('accepts Sentinel commands only, naming the line', () => {
    const { problems } = parseBlock(sentinelAction, {
      attrs: { node: 'all' },
      body: 'SENTINEL MASTERS\nGET k',
    });
    expect(problems).toEqual([
      expect.objectContaining({ line: 2, message: 'GET is not a command Sentinels accept' }),
    ]);
  });

  it('refuses a failover on every Sentinel at once', () => {
    const { problems } = parseBlock(sentinelAction, {
      attrs: { node: 'all' },
      body: 'SENTINEL FAILOVER mymaster',
    });
    expect(problems[0]).toMatchObject({ line: 1, hint: 'send it to one Sentinel: node=sentinel-1' });
    const shutdown = parseBlock(sentinelAction, { attrs: { node: 'all' }, body: 'SHUTDOWN' }).problems[0];
    expect(shutdown?.message).toBe(
      'SHUTDOWN on every Sentinel at once would leave no Sentinel to watch the master',
    );
  });

  it('takes answering= only on verify=agreement', () => {
    const problems = (attrs: Record<string, string>, body = '') =>
      parseBlock(sentinelAction, { attrs: { node: 'all', ...attrs }, body }).problems.map((p) => p.message);
    expect(problems({ verify: 'agreement', answering: 'majority' })).toEqual([]);
    expect(problems({ verify: 'health', answering: 'majority' })).toEqual([
      'answering= only goes with verify=agreement',
    ]);
    expect(problems({ answering: 'majority' }, 'SENTINEL MASTERS')).toEqual([
      'answering= only goes with verify=agreement',
    ]);
  });

  it('sets safety per command and verification', () => {
    const safety = (attrs: Record<string, string>, body = '') =>
      parsedAction(sentinelAction, { attrs, body }).action.safety;
    expect(safety({ node: 'all' }, 'SENTINEL MASTERS\nSENTINEL CKQUORUM mymaster\nINFO sentinel')).toBe(
      'safe',
    );
    expect(safety({ node: 's1' }, 'SENTINEL SET mymaster quorum 2')).toBe('mutating');
    expect(safety({ node: 's1' }, 'SENTINEL FAILOVER mymaster')).toBe('destructive');
    expect(safety({ node: 'all', verify: 'health' })).toBe('safe');
    expect(safety({ node: 'all', verify: 'discovery' })).toBe('safe');
  });

  it('op=switchover is destructive, takes no body and checks its durations', () => {
    const parsed = parsedAction(sentinelAction, { attrs: { node: 'sentinel-1', op: 'switchover' } });
    expect(parsed.spec.op).toBe('switchover');
    expect(parsed.action.safety).toBe('destructive');
    const problems = (attrs: Record<string, string>, body = '') =>
      parseBlock(sentinelAction, { attrs: { op: 'switchover', ...attrs }, body }).problems.map(
        (p) => p.message,
      );
    expect(problems({ node: 'all' })).toEqual([]);
    expect(problems({ node: 's1' }, 'SENTINEL MASTERS')).toEqual(['op=switchover takes no body']);
    expect(problems({ node: 's1', 'pause-timeout': 'soon' })).toEqual([
      'pause-timeout="soon" is not a duration',
    ]);
    expect(
      parseBlock(sentinelAction, { attrs: { node: 's1', 'catch-up': '1s' }, body: 'SENTINEL MASTERS' })
        .problems[0]?.message,
    ).toBe('pause-timeout= and catch-up= only go with op=switchover');
    const { spec, action } = parsed;
    expect(sentinelAction.preview(spec, createTestContext({ action }).ctx)[0]).toBe(
      'switchover of mymaster via sentinel-1:',
    );
  });

  it('previews with the master name from master=, the master_name var, or mymaster', () => {
    const preview = (attrs: Record<string, string>, vars: Record<string, string> = {}) => {
      const { spec, action } = parsedAction(sentinelAction, { attrs });
      return sentinelAction.preview(spec, createTestContext({ action, vars }).ctx);
    };
    expect(preview({ node: 'all', verify: 'agreement' })).toEqual([
      'verify agreement of mymaster on every Sentinel',
    ]);
    expect(preview({ node: 'all', verify: 'health' }, { master_name: 'cache' })).toEqual([
      'verify health of cache on every Sentinel',
    ]);
    expect(preview({ node: 's1', verify: 'health', master: 'other' })).toEqual([
      'verify health of other on s1',
    ]);
  });

  it('fails with the known names when node=all finds no Sentinels', async () => {
    const { spec, action } = parsedAction(sentinelAction, {
      attrs: { node: 'all' },
      body: 'SENTINEL MASTERS',
    });
    const t = createTestContext({ action });
    const outcome = await sentinelAction.run(spec, t.ctx);
    await t.close();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('node=all: no Sentinels in the inventory and no `sentinels` var');
  });
});
