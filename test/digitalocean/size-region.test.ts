// A region that does not offer the chosen size: DigitalOcean (and the emulator) refuse the create with 422
// "Size is not available in this region."; the step's error names the region, the size and what to choose
// instead, from the API's own sizes catalogue, and nothing is created. Real emulator, real dots-wrapper.
import { describe, expect, it } from 'vitest';
import { REDIS_PASSWORD, runDo, withEmulator } from './helpers.js';

const api = withEmulator();

/** As many sizes, and regions, as the error names. */
const ALTERNATIVES = 4;

async function catalogueRegions(slug: string): Promise<string[]> {
  const response = await fetch(`${api.emulator.url}/sizes`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  const { sizes } = (await response.json()) as { sizes: Array<{ slug: string; regions: string[] }> };
  return sizes.find((size) => size.slug === slug)?.regions ?? [];
}

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
    const general = await catalogueRegions('g-2vcpu-8gb');
    expect(general).not.toContain('blr1');
    expect(general).toHaveLength(ALTERNATIVES + 1);

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
    expect(error).toMatch(/blr1 offers (s-2vcpu-4gb|s-4vcpu-8gb) \(\$\d+\.\d\d\/month\), /);
    expect(error).toMatch(/\(--var size=s-\dvcpu-\dgb\)/);
    // Four regions at most, as four sizes at most: the rest only counted.
    expect(error).toContain(
      `keep g-2vcpu-8gb in a region that offers it: ${general.slice(0, ALTERNATIVES).join(', ')} and 1 more (--var region=${general[0]})`,
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

  it('a size offered in many regions: the first four named, the rest counted', async () => {
    const cpu = await catalogueRegions('c-2');
    expect(cpu).not.toContain('syd1');
    expect(cpu.length).toBeGreaterThan(ALTERNATIVES + 1);

    // Other names: the first test's suggestion created redis-1 and redis-2, which would be adopted.
    const run = await runDo(BODY.replace('[redis-1, redis-2]', '[cpu-1]'), api.target, {
      vars: { redis_password: REDIS_PASSWORD, region: 'syd1', size: 'c-2' },
    });
    expect(run.outcome.ok).toBe(false);
    const error = run.outcome.error ?? '';
    expect(error).toContain(
      `keep c-2 in a region that offers it: ${cpu.slice(0, ALTERNATIVES).join(', ')} and ${cpu.length - ALTERNATIVES} more (--var region=${cpu[0]})`,
    );
    expect(error).not.toContain(cpu.at(-1) ?? '');
  });
});
