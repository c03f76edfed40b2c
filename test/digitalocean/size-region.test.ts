// A region that does not offer the chosen size: DigitalOcean (and the emulator) refuse the create with 422
// "Size is not available in this region."; the step's error names the region, the size and what to choose
// instead, from the API's own sizes catalogue, and nothing is created. Real emulator, real dots-wrapper.
import { describe, expect, it } from 'vitest';
import { REDIS_PASSWORD, runDo, withEmulator } from './helpers.js';

const api = withEmulator();

// As the DR runbook writes it: size and region from variables.
const BODY = `op: droplets.ensure
names: [redis-1, redis-2]
region: "{{ vars.region }}"
size: "{{ vars.size }}"
image: ubuntu-24-04-x64
tags: [drill, redis]
wait: none`;

describe('a region without the chosen size', () => {
  it('names the region, the size, the closest sizes the region offers and the regions that offer it; creates nothing', async () => {
    // The API's own catalogue: g-2vcpu-8gb is a General Purpose size that blr1 does not offer.
    const sizes = (await (
      await fetch(`${api.emulator.url}/sizes`, { headers: { authorization: `Bearer ${api.token}` } })
    ).json()) as { sizes: Array<{ slug: string; regions: string[] }> };
    const general = sizes.sizes.find((size) => size.slug === 'g-2vcpu-8gb');
    expect(general?.regions).not.toContain('blr1');

    const run = await runDo(BODY, api.target, {
      vars: { redis_password: REDIS_PASSWORD, region: 'blr1', size: 'g-2vcpu-8gb' },
    });
    expect(run.outcome.ok).toBe(false);
    const error = run.outcome.error ?? '';
    // What the API said, where, and what to do.
    expect(error).toContain('POST /v2/droplets → 422');
    expect(error).toContain('Size is not available in this region.');
    expect(error).toContain('Size g-2vcpu-8gb is not offered in region blr1 for redis-1, redis-2');
    // The closest sizes blr1 offers: 2 vCPUs and 8 GB first.
    expect(error).toMatch(/blr1 offers (s-2vcpu-4gb|s-4vcpu-8gb) \(\$\d+\/month\), /);
    expect(error).toMatch(/\(--var size=s-\dvcpu-\dgb\)/);
    expect(error).toContain(
      `keep g-2vcpu-8gb in a region that offers it: ${general?.regions.join(', ')} (--var region=${general?.regions[0]})`,
    );
    expect(error).toContain('Nothing was created');

    const droplets = (await (
      await fetch(`${api.emulator.url}/droplets`, { headers: { authorization: `Bearer ${api.token}` } })
    ).json()) as { droplets: unknown[] };
    expect(droplets.droplets).toEqual([]);

    // The suggestion works: the size the error names first is accepted in that region.
    const suggested = /\(--var size=([^)]+)\)/.exec(error)?.[1] ?? '';
    const again = await runDo(BODY, api.target, {
      vars: { redis_password: REDIS_PASSWORD, region: 'blr1', size: suggested },
    });
    expect(again.outcome.ok, again.outcome.error).toBe(true);
  });
});
