// The wait block's attributes and preview (the live event stream is tested in test/redis/failover.test.ts).
import { describe, expect, it } from 'vitest';
import type { SentinelEvent } from '../../targets/redis/sentinel-merge.js';
import { createTestContext, parseBlock, parsedAction } from '../test-context.js';
import { eventMatcher } from './event.js';
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
      'a wait block needs event=, until= or for=',
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

  it('for= is a plain pause, absent= needs an event, both need a duration', () => {
    const problems = (attrs: Record<string, string>) =>
      parseBlock(waitAction, { attrs }).problems.map((p) => p.message);
    expect(problems({ for: '2s' })).toEqual([]);
    expect(problems({ event: '+odown', absent: '10s' })).toEqual([]);
    expect(problems({ for: 'soon' })).toEqual(['for="soon" is not a duration']);
    expect(problems({ for: '2s', event: '+odown' })).toEqual([
      'for= is a plain pause; it takes no event=, until= or absent=',
    ]);
    expect(problems({ absent: '10s' })).toEqual(['absent= needs the event that must not happen']);
    const preview = (attrs: Record<string, string>) => {
      const { spec, action } = parsedAction(waitAction, { attrs });
      return waitAction.preview(spec, createTestContext({ action }).ctx);
    };
    expect(preview({ for: '2s' })).toEqual(['pause 2s']);
    expect(preview({ event: '+switch-master', absent: '10s', node: 'sentinel-2' })).toEqual([
      'watch 10s: +switch-master must not happen on sentinel-2',
    ]);
  });

  it('node= counts only events that Sentinel itself reported, by name or address', () => {
    const event = (seenBy: string[]): SentinelEvent =>
      ({
        name: '+sdown',
        seenBy,
        seenAt: {},
        t: 1,
        sentinel: seenBy[0],
        detail: '',
      }) as unknown as SentinelEvent;
    const s1 = { name: 'sentinel-1', host: '127.0.0.21', port: 26379, address: '127.0.0.21:26379' };
    const s2 = { name: 'sentinel-2', host: '127.0.0.22', port: 26379, address: '127.0.0.22:26379' };
    const only = eventMatcher('+sdown', 'mymaster', s1, [s1, s2]);
    expect(only(event(['sentinel-2']))).toBe(false);
    expect(only(event(['sentinel-2', 'sentinel-1']))).toBe(true);
    const byAddress = eventMatcher('+sdown', 'mymaster', { ...s1, name: s1.address }, [s1, s2]);
    expect(byAddress(event(['sentinel-1']))).toBe(true);
    expect(byAddress(event(['sentinel-2']))).toBe(false);
    expect(eventMatcher('+sdown', 'mymaster')(event(['sentinel-2']))).toBe(true);
  });
});
