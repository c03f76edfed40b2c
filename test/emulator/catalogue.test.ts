import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestEmulator();
});
afterAll(() => api.emulator.close());

describe('account and catalogue', () => {
  it('describes the lab account', async () => {
    const { status, body } = await api.call('GET', '/v2/account');
    expect(status).toBe(200);
    expect(body.account).toMatchObject({ status: 'active', email_verified: true, droplet_limit: 25 });
  });

  it('lists sizes with hourly and monthly prices', async () => {
    const { body } = await api.call('GET', '/v2/sizes?per_page=200');
    const bySlug = Object.fromEntries(body.sizes.map((size: { slug: string }) => [size.slug, size]));
    expect(bySlug['s-1vcpu-1gb']).toMatchObject({
      price_monthly: 6,
      price_hourly: 0.00893,
      memory: 1024,
      vcpus: 1,
    });
    expect(bySlug['s-1vcpu-2gb']).toMatchObject({ price_monthly: 12, memory: 2048 });
    expect(bySlug['s-2vcpu-4gb']).toMatchObject({ price_monthly: 24, vcpus: 2, memory: 4096 });
    expect(bySlug['s-2vcpu-4gb'].regions).toContain('fra1');
    expect(body.meta.total).toBe(body.sizes.length);
  });

  it('lists regions and the distribution images including the current Ubuntu LTS', async () => {
    const regions = await api.call('GET', '/v2/regions');
    expect(regions.body.regions.map((region: { slug: string }) => region.slug)).toContain('fra1');
    const images = await api.call('GET', '/v2/images?type=distribution');
    const slugs = images.body.images.map((image: { slug: string }) => image.slug);
    expect(slugs).toEqual(expect.arrayContaining(['ubuntu-24-04-x64', 'ubuntu-22-04-x64', 'debian-12-x64']));
    expect((await api.call('GET', '/v2/images?type=application')).body.meta.total).toBe(0);
    expect((await api.call('GET', '/v2/images?private=true')).body.images).toEqual([]);
  });

  it('gets an image by slug or id and answers 404 for an unknown one', async () => {
    const bySlug = await api.call('GET', '/v2/images/ubuntu-24-04-x64');
    expect(bySlug.body.image).toMatchObject({ distribution: 'Ubuntu', name: '24.04 (LTS) x64' });
    const byId = await api.call('GET', `/v2/images/${bySlug.body.image.id}`);
    expect(byId.body.image.slug).toBe('ubuntu-24-04-x64');
    const missing = await api.call('GET', '/v2/images/windows-95');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/Image windows-95 could not be found/);
  });

  it('paginates with links.pages, keeps filters in the links and caps per_page at 200', async () => {
    const first = await api.call('GET', '/v2/regions?per_page=3&page=1');
    expect(first.body.regions).toHaveLength(3);
    expect(first.body.links.pages.first).toBeUndefined();
    expect(first.body.links.pages.next).toMatch(/\/v2\/regions\?per_page=3&page=2$/);
    expect(first.body.links.pages.last).toMatch(/page=4/);
    const last = await api.call('GET', '/v2/regions?per_page=3&page=4');
    expect(last.body.regions).toHaveLength(1);
    expect(Object.keys(last.body.links.pages)).toEqual(['first', 'prev']);
    const images = await api.call('GET', '/v2/images?type=distribution&per_page=2');
    expect(images.body.links.pages.next).toContain('type=distribution');
    const capped = await api.call('GET', '/v2/regions?per_page=500');
    expect(capped.body.links).toEqual({});
    expect(capped.body.meta.total).toBe(capped.body.regions.length);
  });

  it('answers 422 naming page or per_page when they are not positive integers', async () => {
    const zero = await api.call('GET', '/v2/sizes?page=0');
    expect(zero).toMatchObject({
      status: 422,
      body: { id: 'unprocessable_entity', message: expect.stringMatching(/^page /) },
    });
    const text = await api.call('GET', '/v2/sizes?per_page=lots');
    expect(text.body.message).toMatch(/^per_page must be a positive integer, got "lots"/);
  });
});
