// Pure pieces: block parsing with positions, safety and confirmation, cost text, inventory, rate limits.
import { describe, expect, it } from 'vitest';
import { doKind } from '../../src/actions/do/index.js';
import { renderUserData } from '../../src/actions/do/render.js';
import type { DoSpec } from '../../src/actions/do/schema.js';
import { createTestContext, parseBlock } from '../../src/actions/test-context.js';
import { inventoryFor } from '../../src/targets/digitalocean/inventory.js';
import { describeCost } from '../../src/targets/digitalocean/pricing.js';
import { RateLimiter } from '../../src/targets/digitalocean/rate-limit.js';

describe('do block parsing', () => {
  it('points at the offending field, line and column', () => {
    const { spec, problems } = parseBlock(doKind, {
      body: 'op: droplets.ensure\nnames: [redis-1]\nregion: nyc1\nsize: s-1vcpu-1gb\nimage: ubuntu\nsizes: oops\n',
    });
    expect(spec).toBeUndefined();
    expect(problems).toEqual([
      {
        message: 'sizes: not a field of droplets.ensure',
        hint: 'see docs/actions/do.md for the fields of each op',
        line: 6,
        column: 1,
      },
    ]);
  });

  it('names the ops when op is wrong, and requires names or tag for actions', () => {
    expect(parseBlock(doKind, { body: 'op: droplet.ensure' }).problems[0]?.hint).toMatch(
      /^op is one of account\.get, ssh_key\.ensure, vpc\.ensure, droplets\.ensure/,
    );
    expect(parseBlock(doKind, { body: 'op: droplets.action\ntype: reboot' }).problems[0]?.message).toBe(
      'names: give either names: or tag: (exactly one)',
    );
    expect(parseBlock(doKind, { body: 'not yaml: [' }).problems[0]?.message).toMatch(/^YAML: /);
    expect(parseBlock(doKind, { body: 'op: account.get', attrs: { bogus: 'x' } }).problems).toHaveLength(1);
  });

  it('sets safety per op and the names to type for destructive ones', async () => {
    const parse = (body: string) => parseBlock(doKind, { body }).spec as DoSpec;
    expect(doKind.defaultSafety(parse('op: account.get'))).toBe('safe');
    expect(doKind.defaultSafety(parse('op: droplets.action\ntype: power_off\nnames: [a]'))).toBe('mutating');
    const destroy = parse('op: droplets.delete\nnames: [redis-1, redis-2]');
    expect(doKind.defaultSafety(destroy)).toBe('destructive');
    const t = createTestContext();
    expect(await doKind.confirmation?.(destroy, t.ctx)).toEqual({
      does: 'deletes the droplets redis-1, redis-2',
      typeToConfirm: 'redis-1 redis-2',
    });
    expect(await doKind.confirmation?.(parse('op: vpc.delete\nname: drill-vpc'), t.ctx)).toMatchObject({
      does: expect.stringContaining('drill-vpc'),
      typeToConfirm: 'drill-vpc',
    });
    const powerOff = parse('op: droplets.action\ntype: power_off\nnames: [redis-1]');
    expect(await doKind.confirmation?.(powerOff, t.ctx)).toMatchObject({
      does: expect.stringContaining('redis-1'),
      typeToConfirm: 'redis-1',
    });
  });

  it('declares the template it renders and the inventory paths it publishes', () => {
    const spec = parseBlock(doKind, {
      body: 'op: droplets.ensure\nnames: [redis-1, "{{ vars.x }}"]\nregion: nyc1\nsize: s\nimage: i\nuser_data: { template: templates/redis-node.yaml }',
    }).spec;
    expect(spec && doKind.templates?.(spec)).toEqual(['templates/redis-node.yaml']);
    expect(spec && doKind.publishes?.(spec)).toEqual(['inventory.redis-1']);
  });

  it('lists the params it gives its template, and names a missing one when rendering', () => {
    const { spec } = parseBlock(doKind, {
      body: 'op: droplets.ensure\nnames: [r]\nregion: nyc1\nsize: s\nimage: i\nuser_data: { template: t.yaml, params: { replicaof: no one } }',
    });
    expect(spec && doKind.templateParams?.(spec)).toEqual(['replicaof']);
    const t = createTestContext({
      runbook: {
        templates: {
          't.yaml': {
            name: 't.yaml',
            content: 'sentinel monitor m {{ params.master_ip }}',
            loc: { file: 'x', line: 1, column: 1 },
          },
        },
      },
    });
    expect(() => renderUserData(t.ctx, { template: 't.yaml', params: { replicaof: 'no one' } })).toThrow(
      '{{ params.master_ip }} in template t.yaml: the block gives no such param (it gives params.replicaof); add it under user_data.params',
    );
  });
});

describe('describeCost', () => {
  it('shows count, size, region, hourly and monthly totals', () => {
    expect(
      describeCost({
        count: 5,
        size: 's-1vcpu-1gb',
        region: 'nyc1',
        price: { slug: 's-1vcpu-1gb', price_hourly: 0.00893, price_monthly: 6 },
        adopted: 1,
      }),
    ).toBe(
      'creates 5 droplets (s-1vcpu-1gb in nyc1) at $0.00893/hour each: $0.04465/hour, $30.00/month in total; adopts 1 existing',
    );
    expect(describeCost({ count: 0, size: 's', region: 'r', price: undefined, adopted: 5 })).toBe(
      'creates nothing; adopts 5 existing',
    );
    expect(describeCost({ count: 1, size: 's-x', region: 'r', price: undefined })).toContain(
      'price unknown: size s-x is not in the sizes catalogue',
    );
  });
});

describe('inventoryFor', () => {
  it('derives port and kind from tags, with overrides', () => {
    expect(inventoryFor({ private_ip: '127.10.0.10', tags: ['drill', 'redis'] })).toEqual({
      host: '127.10.0.10',
      port: 6379,
      kind: 'redis',
    });
    expect(inventoryFor({ private_ip: '127.10.0.20', tags: ['redis-sentinel'] })).toEqual({
      host: '127.10.0.20',
      port: 26379,
      kind: 'sentinel',
    });
    expect(inventoryFor({ private_ip: '127.10.0.20', tags: ['drill'] })).toBeUndefined();
    expect(
      inventoryFor({ private_ip: '127.10.0.20', tags: ['drill'] }, { kind: 'redis', port: 6380 }),
    ).toEqual({ host: '127.10.0.20', port: 6380, kind: 'redis' });
    expect(inventoryFor({ private_ip: null, tags: ['redis'] })).toBeUndefined();
  });
});

describe('RateLimiter', () => {
  it('spreads the remaining quota over the time to reset only when it runs low', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    expect(limiter.minimumPollIntervalMs(1)).toBe(0);
    limiter.observe({ 'ratelimit-remaining': '4000', 'ratelimit-reset': String((now + 60_000) / 1000) });
    expect(limiter.minimumPollIntervalMs(1)).toBe(0);
    limiter.observe({ 'ratelimit-remaining': '100', 'ratelimit-reset': String((now + 60_000) / 1000) });
    expect(limiter.minimumPollIntervalMs(2)).toBe(1200);
    now += 60_000;
    expect(limiter.minimumPollIntervalMs(2)).toBe(0);
  });

  it('waits for ratelimit-reset when the quota is spent, and tells why', async () => {
    const limiter = new RateLimiter();
    limiter.observe({
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(Math.ceil((Date.now() + 1500) / 1000)),
    });
    const told: string[] = [];
    const controller = new AbortController();
    const waiting = limiter.beforeRequest(controller.signal, (line) => told.push(line));
    controller.abort();
    await expect(waiting).rejects.toThrow();
    expect(told[0]).toMatch(/^API rate limit reached; waiting \d\.\d s for ratelimit-reset$/);
  });
});
