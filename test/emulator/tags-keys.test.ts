import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropletBody, startTestEmulator, type TestApi } from './helpers.js';

let api: TestApi;
beforeEach(async () => {
  api = await startTestEmulator();
});
afterEach(() => api.emulator.close());

const publicKey =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbmVvcGxlIGxpa2UgdGhpcyBrZXkgYXJlIG9uIGR1dHk trainee@lab';

describe('tags', () => {
  it('creates tags idempotently, counts tagged droplets and lists them', async () => {
    const created = await api.call('POST', '/v2/tags', { name: 'env:lab' });
    expect(created).toMatchObject({
      status: 201,
      body: { tag: { name: 'env:lab', resources: { count: 0 } } },
    });
    expect((await api.call('POST', '/v2/tags', { name: 'env:lab' })).status).toBe(201);
    const droplet = (await api.call('POST', '/v2/droplets', dropletBody({ tags: ['redis'] }))).body.droplet;
    const tag = (await api.call('GET', '/v2/tags/redis')).body.tag;
    expect(tag.resources).toMatchObject({
      count: 1,
      last_tagged_uri: `${api.emulator.url}/droplets/${droplet.id}`,
      droplets: { count: 1 },
    });
    const names = (await api.call('GET', '/v2/tags')).body.tags.map((entry: { name: string }) => entry.name);
    expect(names).toEqual(['env:lab', 'redis']);
  });

  it('tags and untags droplets, and deleting a tag removes it everywhere', async () => {
    const droplet = (await api.call('POST', '/v2/droplets', dropletBody())).body.droplet;
    await api.call('POST', '/v2/tags', { name: 'primary' });
    const resources = [{ resource_id: String(droplet.id), resource_type: 'droplet' }];
    expect((await api.call('POST', '/v2/tags/primary/resources', { resources })).status).toBe(204);
    expect((await api.call('GET', '/v2/droplets?tag_name=primary')).body.meta.total).toBe(1);
    expect((await api.call('DELETE', '/v2/tags/primary/resources', { resources })).status).toBe(204);
    expect((await api.call('GET', '/v2/droplets?tag_name=primary')).body.meta.total).toBe(0);
    await api.call('POST', '/v2/tags/primary/resources', { resources });
    await api.call('POST', '/v2/firewalls', {
      name: 'fw',
      inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['127.0.0.1'] } }],
      tags: ['primary'],
    });
    expect((await api.call('DELETE', '/v2/tags/primary')).status).toBe(204);
    expect((await api.call('GET', `/v2/droplets/${droplet.id}`)).body.droplet.tags).toEqual([]);
    expect((await api.call('GET', '/v2/firewalls')).body.firewalls[0].tags).toEqual([]);
    expect((await api.call('GET', '/v2/tags/primary')).status).toBe(404);
  });

  it('answers 404 and 422 naming the field for bad tag requests', async () => {
    await api.call('POST', '/v2/tags', { name: 'redis' });
    expect((await api.call('POST', '/v2/tags', { name: 'has space' })).body.message).toMatch(
      /^name "has space" is not a valid tag/,
    );
    expect((await api.call('POST', '/v2/tags', {})).body.message).toMatch(/^name is required/);
    expect((await api.call('DELETE', '/v2/tags/ghost')).status).toBe(404);
    const bad = (resources: unknown) => api.call('POST', '/v2/tags/redis/resources', { resources });
    expect((await bad([])).body.message).toMatch(/^resources must be a non-empty array/);
    expect((await bad([{ resource_id: '1', resource_type: 'volume' }])).body.message).toMatch(
      /^resources\[0\]\.resource_type "volume" is not supported/,
    );
    expect((await bad([{ resource_id: '1', resource_type: 'droplet' }])).body.message).toMatch(
      /^resources\[0\]\.resource_id "1" is not a droplet/,
    );
    expect((await api.call('POST', '/v2/tags/ghost/resources', { resources: [] })).status).toBe(404);
  });
});

describe('SSH keys', () => {
  it('creates a key with its MD5 fingerprint, gets it by id or fingerprint, renames and deletes it', async () => {
    const created = await api.call('POST', '/v2/account/keys', { name: 'trainee', public_key: publicKey });
    expect(created.status).toBe(201);
    const key = created.body.ssh_key;
    expect(key).toMatchObject({ name: 'trainee', public_key: publicKey });
    expect(key.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect((await api.call('GET', `/v2/account/keys/${key.fingerprint}`)).body.ssh_key).toEqual(key);
    const renamed = await api.call('PUT', `/v2/account/keys/${key.id}`, { name: 'on-call' });
    expect(renamed.body.ssh_key.name).toBe('on-call');
    expect((await api.call('GET', '/v2/account/keys')).body).toMatchObject({
      ssh_keys: [{ id: key.id }],
      meta: { total: 1 },
    });
    const droplet = await api.call(
      'POST',
      '/v2/droplets',
      dropletBody({ ssh_keys: [key.id, key.fingerprint] }),
    );
    expect(droplet.status).toBe(202);
    expect((await api.call('DELETE', `/v2/account/keys/${key.id}`)).status).toBe(204);
    expect((await api.call('GET', `/v2/account/keys/${key.id}`)).status).toBe(404);
  });

  it('answers 422 naming the field for a malformed or duplicate key', async () => {
    const create = (body: unknown) => api.call('POST', '/v2/account/keys', body);
    expect((await create({ name: 'x', public_key: 'not a key' })).body.message).toMatch(
      /^public_key is not an OpenSSH public key/,
    );
    expect((await create({ public_key: publicKey })).body.message).toMatch(/^name is required/);
    await create({ name: 'first', public_key: publicKey });
    expect((await create({ name: 'again', public_key: publicKey })).body.message).toMatch(
      /^public_key is already in use/,
    );
    expect((await api.call('PUT', '/v2/account/keys/1', { name: 'x' })).status).toBe(404);
    const key = (await api.call('GET', '/v2/account/keys')).body.ssh_keys[0];
    expect((await api.call('PUT', `/v2/account/keys/${key.id}`, { name: ' ' })).body.message).toMatch(
      /^name must not be empty/,
    );
  });
});
