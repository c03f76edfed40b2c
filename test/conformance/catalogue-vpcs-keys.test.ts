import { createApiClient } from 'dots-wrapper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, settle, startLab, token } from './client.js';
import { expectConforms } from './openapi.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(() => lab.emulator.close());

const publicKey =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKb2V5IGZvciB0aGUgY29uZm9ybWFuY2UgdGVzdHMgb25seQ conformance@lab';

describe('spec conformance through dots-wrapper: account, catalogue, VPCs, SSH keys', () => {
  it('account.getAccount', async () => {
    await expectConforms('get', '/v2/account', await lab.client.account.getAccount());
  });

  it('region.listRegions, size.listSizes, image.listImages, image.getImage', async () => {
    await expectConforms('get', '/v2/regions', await lab.client.region.listRegions({ per_page: 3 }));
    const sizes = await lab.client.size.listSizes({ per_page: 200 });
    await expectConforms('get', '/v2/sizes', sizes);
    expect(sizes.data.sizes.map((size) => size.slug)).toEqual(
      expect.arrayContaining(['s-1vcpu-1gb', 's-1vcpu-2gb', 's-2vcpu-4gb']),
    );
    const images = await lab.client.image.listImages({ type: 'distribution', per_page: 2, page: 2 });
    await expectConforms('get', '/v2/images', images);
    await expectConforms(
      'get',
      '/v2/images/{image_id}',
      await lab.client.image.getImage({ slug: 'ubuntu-24-04-x64' }),
    );
  });

  it('vpc.createVpc, listVpcs, getVpc, updateVpc, listVpcResources, deleteVpc', async () => {
    // The first VPC of fra1 becomes its default (never deletable); the one under test comes second.
    const first = await lab.client.vpc.createVpc({
      name: 'fra1-home',
      region: 'fra1',
      ip_range: '10.99.0.0/24',
    });
    expect(first.data.vpc.default).toBe(true);
    const created = await lab.client.vpc.createVpc({
      name: 'redis-vpc',
      region: 'fra1',
      ip_range: '10.10.0.0/24',
      description: 'DR drill',
    });
    await expectConforms('post', '/v2/vpcs', created);
    expect(created.data.vpc.ip_range).toBe('127.10.0.0/24');
    const id = created.data.vpc.id;
    await expectConforms('get', '/v2/vpcs', await lab.client.vpc.listVpcs({}));
    await expectConforms('get', '/v2/vpcs/{vpc_id}', await lab.client.vpc.getVpc({ vpc_id: id }));
    await expectConforms(
      'patch',
      '/v2/vpcs/{vpc_id}',
      await lab.client.vpc.updateVpc({ vpc_id: id, name: 'redis-vpc-2' }),
    );
    await expectConforms(
      'get',
      '/v2/vpcs/{vpc_id}/members',
      await lab.client.vpc.listVpcResources({ vpc_id: id }),
    );
    await expectConforms('delete', '/v2/vpcs/{vpc_id}', await lab.client.vpc.deleteVpc({ vpc_id: id }));
    const overlap = await settle(
      lab.client.vpc.createVpc({ name: 'clash', region: 'lon1', ip_range: '10.99.0.0/25' }),
    );
    expect(overlap.status).toBe(422);
    await expectConforms('post', '/v2/vpcs', overlap);
  });

  it('PUT /v2/vpcs/{vpc_id} (dots-wrapper only sends PATCH) and the 403 for deleting a default VPC', async () => {
    await lab.client.droplet.createDroplet({
      name: 'web',
      region: 'ams3',
      size: 's-1vcpu-1gb',
      image: 'ubuntu-22-04-x64',
    });
    const defaultVpc = (await lab.client.vpc.listVpcs({})).data.vpcs.find(
      (vpc) => vpc.default && vpc.region === 'ams3',
    );
    const url = `${lab.emulator.url}/vpcs/${defaultVpc?.id}`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const put = await fetch(url, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ name: 'default-ams3', description: 'web' }),
    });
    await expectConforms('put', '/v2/vpcs/{vpc_id}', {
      status: put.status,
      data: await put.json(),
      headers: put.headers,
    });
    const refused = await settle(lab.client.vpc.deleteVpc({ vpc_id: defaultVpc?.id ?? '' }));
    expect(refused.status).toBe(403);
    await expectConforms('delete', '/v2/vpcs/{vpc_id}', refused);
  });

  it('sshKey.createSshKey, listSshKeys, getSshKey, updateSshKey, destroySshKey', async () => {
    const created = await lab.client.sshKey.createSshKey({ name: 'trainee', public_key: publicKey });
    await expectConforms('post', '/v2/account/keys', created);
    const id = created.data.ssh_key.id;
    await expectConforms('get', '/v2/account/keys', await lab.client.sshKey.listSshKeys({}));
    await expectConforms(
      'get',
      '/v2/account/keys/{ssh_key_identifier}',
      await lab.client.sshKey.getSshKey({ ssh_key_id: id }),
    );
    const renamed = await lab.client.sshKey.updateSshKey({ ssh_key_id: id, name: 'on-call' });
    await expectConforms('put', '/v2/account/keys/{ssh_key_identifier}', renamed);
    await expectConforms(
      'delete',
      '/v2/account/keys/{ssh_key_identifier}',
      await lab.client.sshKey.destroySshKey({ ssh_key_id: id }),
    );
  });

  it('error bodies: 401, 404, 422 and 429 as the spec describes them', async () => {
    const stranger = createApiClient({
      token: 'wrong',
      endpoint: lab.emulator.url,
      requestTimeoutInMs: 5000,
    });
    const unauthorized = await settle(stranger.account.getAccount());
    expect(unauthorized.status).toBe(401);
    await expectConforms('get', '/v2/account', unauthorized);
    const missing = await settle(lab.client.vpc.getVpc({ vpc_id: 'missing' }));
    expect(missing.status).toBe(404);
    await expectConforms('get', '/v2/vpcs/{vpc_id}', missing);
    const invalid = await settle(
      lab.client.vpc.createVpc({ name: 'public', region: 'fra1', ip_range: '8.8.8.0/24' }),
    );
    expect(invalid.status).toBe(422);
    await expectConforms('post', '/v2/vpcs', invalid);
    lab.emulator.faults.add({ path: '/sizes', kind: 'status', status: 429, retryAfterSeconds: 2, times: 1 });
    const limited = await settle(lab.client.size.listSizes({}));
    expect(limited.status).toBe(429);
    await expectConforms('get', '/v2/sizes', limited);
  });
});
