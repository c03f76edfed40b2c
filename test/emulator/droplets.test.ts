import { afterEach, describe, expect, it } from 'vitest';
import { dropletBody, RecordingRuntime, startTestEmulator, type TestApi } from './helpers.js';

let api: TestApi;
afterEach(() => api.emulator.close());

const create = (extra: Record<string, unknown> = {}) => api.call('POST', '/v2/droplets', dropletBody(extra));
const createMany = (names: string[], extra: Record<string, unknown> = {}) =>
  api.call('POST', '/v2/droplets', dropletBody({ name: undefined, names, ...extra }));

describe('droplet create', () => {
  it('answers 202 with status new, links.actions, and no addresses until the boot completes', async () => {
    const runtime = new RecordingRuntime();
    api = await startTestEmulator({ runtime });
    const reply = await create({ tags: ['redis'], user_data: '#cloud-config\n', monitoring: true });
    expect(reply.status).toBe(202);
    const { droplet, links } = reply.body;
    expect(droplet).toMatchObject({
      name: 'redis-1',
      status: 'new',
      locked: true,
      tags: ['redis'],
      networks: { v4: [] },
    });
    expect(droplet.features).toContain('monitoring');
    expect(links.actions).toEqual([
      { id: expect.any(Number), rel: 'create', href: `${api.emulator.url}/actions/${links.actions[0].id}` },
    ]);
    await api.emulator.idle();
    const booted = (await api.call('GET', `/v2/droplets/${droplet.id}`)).body.droplet;
    expect(booted).toMatchObject({ status: 'active', locked: false });
    expect(booted.networks.v4).toEqual([
      { ip_address: '127.10.0.10', netmask: '255.255.255.0', gateway: '127.10.0.1', type: 'private' },
      { ip_address: '127.200.0.10', netmask: '255.255.0.0', gateway: '127.200.0.1', type: 'public' },
    ]);
    expect(runtime.calls).toEqual([['boot', 'redis-1', '127.10.0.10']]);
    expect(api.emulator.droplets()).toEqual([
      {
        id: droplet.id,
        name: 'redis-1',
        privateIp: '127.10.0.10',
        publicIp: '127.200.0.10',
        userData: '#cloud-config\n',
        tags: ['redis'],
        vpcUuid: expect.any(String),
        vpcRange: '127.10.0.0/24',
        region: droplet.region.slug,
        sshPublicKeys: [],
      },
    ]);
    const action = (await api.call('GET', `/v2/actions/${links.actions[0].id}`)).body.action;
    expect(action).toMatchObject({
      type: 'create',
      status: 'completed',
      resource_id: droplet.id,
      resource_type: 'droplet',
    });
  });

  it('creates up to ten droplets from names, in order, and refuses eleven', async () => {
    api = await startTestEmulator();
    const names = Array.from({ length: 10 }, (_, index) => `node-${index}`);
    const reply = await createMany(names);
    expect(reply.status).toBe(202);
    expect(reply.body.droplets.map((droplet: { name: string }) => droplet.name)).toEqual(names);
    expect(reply.body.links.actions).toHaveLength(10);
    const tooMany = await createMany([...names, 'node-10']);
    expect(tooMany).toMatchObject({
      status: 422,
      body: { message: 'names may hold at most 10 names per request, got 11' },
    });
    expect((await createMany([])).body.message).toMatch(/^names must hold at least one name/);
  });

  it('answers 422 naming the field for every invalid create', async () => {
    api = await startTestEmulator();
    const vpc = (
      await api.call('POST', '/v2/vpcs', { name: 'nyc', region: 'nyc1', ip_range: '10.20.0.0/24' })
    ).body.vpc;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: undefined }, /^name is required/],
      [{ names: ['a'] }, /^name and names cannot both be given/],
      [{ name: 'bad_name!' }, /^name "bad_name!" is not a valid hostname/],
      [{ name: undefined, names: ['ok', '-bad'] }, /^names\[1\] "-bad" is not a valid hostname/],
      [{ size: 's-64vcpu-1tb' }, /^size "s-64vcpu-1tb" is not a size/],
      [{ size: undefined }, /^size "" is not a size/],
      [{ image: 'windows-95' }, /^image "windows-95" is not an image/],
      [{ image: undefined }, /^image null is not an image/],
      [{ region: 'mars1' }, /^region "mars1" is not a region/],
      [{ vpc_uuid: 'nope' }, /^vpc_uuid "nope" is not a VPC/],
      [{ vpc_uuid: vpc.id }, /^vpc_uuid VPC nyc is in nyc1, not in fra1/],
      [{ tags: ['ok', 'bad tag'] }, /^tags\[1\] "bad tag" is not a valid tag name/],
      [{ tags: 'redis' }, /^tags must be an array of strings/],
      [{ ssh_keys: [123] }, /^ssh_keys\[0\] 123 is not an SSH key/],
      [{ ssh_keys: 'abc' }, /^ssh_keys must be an array/],
      [{ monitoring: 'yes' }, /^monitoring must be true or false/],
      [{ user_data: 'x'.repeat(64 * 1024 + 1) }, /^user_data must be at most 64 KiB/],
    ];
    for (const [extra, message] of cases) {
      const reply = await create(extra);
      expect(reply.status, JSON.stringify(extra).slice(0, 80)).toBe(422);
      expect(reply.body.message).toMatch(message);
    }
    expect((await api.call('GET', '/v2/droplets')).body.meta.total).toBe(0);
  });

  it('enforces the account droplet limit of 25', async () => {
    api = await startTestEmulator();
    for (let batch = 0; batch < 2; batch++) {
      await createMany(Array.from({ length: 10 }, (_, index) => `n-${batch}-${index}`));
    }
    expect((await createMany(['a', 'b', 'c', 'd', 'e'])).status).toBe(202);
    const over = await create();
    expect(over).toMatchObject({
      status: 422,
      body: { message: expect.stringMatching(/droplet limit of 25 \(25 exist\)/) },
    });
  });

  it('honours the lab-host:N tag when that address is free and reuses freed addresses', async () => {
    api = await startTestEmulator();
    await createMany(['redis-1', 'redis-2']);
    const sentinel = await create({ name: 'sentinel-1', tags: ['lab-host:20'] });
    const taken = await create({ name: 'sentinel-2', tags: ['lab-host:20'] });
    await api.emulator.idle();
    const address = (id: number) => api.emulator.droplets().find((droplet) => droplet.id === id)?.privateIp;
    expect(address(sentinel.body.droplet.id)).toBe('127.10.0.20');
    expect(address(taken.body.droplet.id)).toBe('127.10.0.12');
    const first = api.emulator.droplets()[0];
    await api.call('DELETE', `/v2/droplets/${first?.id}`);
    const reused = await create({ name: 'redis-3' });
    expect(address(reused.body.droplet.id)).toBe('127.10.0.10');
  });

  it('refuses a create when the VPC has no free address left', async () => {
    api = await startTestEmulator();
    const vpc = (
      await api.call('POST', '/v2/vpcs', { name: 'tiny', region: 'fra1', ip_range: '10.9.0.0/28' })
    ).body.vpc;
    expect((await createMany(['a', 'b', 'c', 'd', 'e'], { vpc_uuid: vpc.id })).status).toBe(202);
    const full = await create({ vpc_uuid: vpc.id, name: 'f' });
    expect(full.body.message).toBe('vpc_uuid VPC tiny (127.9.0.0/28) has no free address left for f');
  });
});

describe('droplet public addresses', () => {
  it('answers 503 when the public loopback range is exhausted', async () => {
    api = await startTestEmulator({ publicRange: '127.201.0.0/28' });
    expect((await createMany(['a', 'b', 'c', 'd', 'e'])).status).toBe(202);
    const full = await create({ name: 'f' });
    expect(full).toMatchObject({
      status: 503,
      body: { message: 'The lab has no free public loopback address left.' },
    });
  });
});

describe('droplet list, get and delete', () => {
  it('filters by tag_name and name and paginates with meta.total', async () => {
    api = await startTestEmulator();
    await createMany(['redis-1', 'redis-2', 'redis-3'], { tags: ['redis'] });
    await createMany(['sentinel-1'], { tags: ['sentinel'] });
    const page = await api.call('GET', '/v2/droplets?tag_name=redis&per_page=2&page=2');
    expect(page.body.droplets.map((droplet: { name: string }) => droplet.name)).toEqual(['redis-3']);
    expect(page.body.meta).toEqual({ total: 3 });
    expect(page.body.links.pages.prev).toMatch(/tag_name=redis/);
    expect((await api.call('GET', '/v2/droplets?name=sentinel-1')).body.droplets).toHaveLength(1);
    expect((await api.call('GET', '/v2/droplets?tag_name=nothing')).body).toMatchObject({
      droplets: [],
      meta: { total: 0 },
    });
  });

  it('answers 404 for unknown or malformed ids', async () => {
    api = await startTestEmulator();
    for (const id of ['999', 'abc']) {
      const reply = await api.call('GET', `/v2/droplets/${id}`);
      expect(reply).toMatchObject({
        status: 404,
        body: { id: 'not_found', message: `Droplet ${id} could not be found.` },
      });
      expect((await api.call('DELETE', `/v2/droplets/${id}`)).status).toBe(404);
    }
  });

  it('deletes by id and by tag through the runtime, after the boot it may be waiting for', async () => {
    const runtime = new RecordingRuntime();
    api = await startTestEmulator({ runtime });
    const [one, two] = (await createMany(['redis-1', 'redis-2'], { tags: ['redis'] })).body.droplets;
    const other = (await create({ name: 'keep' })).body.droplet;
    expect((await api.call('DELETE', `/v2/droplets/${one.id}`)).status).toBe(204);
    expect(runtime.calls.filter(([, name]) => name === 'redis-1').map(([operation]) => operation)).toEqual([
      'boot',
      'destroy',
    ]);
    expect((await api.call('DELETE', '/v2/droplets?tag_name=redis')).status).toBe(204);
    expect(runtime.calls).toContainEqual(['destroy', two.name]);
    const left = (await api.call('GET', '/v2/droplets')).body.droplets;
    expect(left.map((droplet: { id: number }) => droplet.id)).toEqual([other.id]);
    expect((await api.call('DELETE', '/v2/droplets?tag_name=redis')).status).toBe(204);
  });

  it('answers 422 without tag_name, 404 for an unknown tag, 500 naming the droplet when destroy fails', async () => {
    const runtime = new RecordingRuntime();
    api = await startTestEmulator({ runtime });
    expect((await api.call('DELETE', '/v2/droplets')).body.message).toMatch(/^tag_name is required/);
    expect((await api.call('DELETE', '/v2/droplets?tag_name=ghost')).body.message).toBe(
      'Tag ghost could not be found.',
    );
    const droplet = (await create()).body.droplet;
    runtime.failing.set('destroy:redis-1', 'pid 4242 did not exit');
    const failed = await api.call('DELETE', `/v2/droplets/${droplet.id}`);
    expect(failed).toMatchObject({ status: 500, body: { id: 'server_error' } });
    expect(failed.body.message).toMatch(
      /^Deleting droplet redis-1 \(\d+\) failed on the lab: pid 4242 did not exit\. Retry/,
    );
    runtime.failing.clear();
    expect((await api.call('DELETE', `/v2/droplets/${droplet.id}`)).status).toBe(204);
  });
});
