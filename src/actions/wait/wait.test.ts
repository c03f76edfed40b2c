// The wait block's attributes and preview (the live event stream is tested in test/redis/failover.test.ts).
import { describe, expect, it } from 'vitest';
import { createTestContext, parseBlock, parsedAction } from '../test-context.js';
import { waitAction } from './index.js';

describe('wait block', () => {
  it('needs a Sentinel event name', () => {
    expect(parseBlock(waitAction, { attrs: { event: 'switch master' } }).problems[0]?.message).toContain(
      '+switch-master',
    );
    expect(parseBlock(waitAction, { attrs: { event: '+failover-state-*' } }).problems).toEqual([]);
  });

  it('needs exactly one of event= and until=', () => {
    expect(
      parseBlock(waitAction, { attrs: { until: 'agreement', event: '+odown' } }).problems[0]?.message,
    ).toBe('give event= or until=, not both');
    expect(parseBlock(waitAction, { attrs: {} }).problems[0]?.message).toBe(
      'a wait block needs event= or until=',
    );
    expect(parseBlock(waitAction, { attrs: { until: 'quorum' } }).problems[0]?.message).toMatch(
      /^attribute until:/,
    );
  });

  it('previews the timeout and the reference point', () => {
    const { spec, action } = parsedAction(waitAction, { attrs: { event: '+switch-master', since: 'step' } });
    const t = createTestContext({ action: { ...action, timeoutMs: 30_000 } });
    expect(waitAction.preview(spec, t.ctx)).toEqual([
      'wait up to 30 s for +switch-master on every Sentinel (since the step)',
    ]);
    expect(waitAction.defaultSafety(spec)).toBe('safe');
  });
});
