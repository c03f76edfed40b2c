import { afterEach, describe, expect, it } from 'vitest';
import { dropletBody, startTestEmulator, type TestApi } from './helpers.js';

let api: TestApi;
afterEach(() => api.emulator.close());

const createVpc = (body: Record<string, unknown>) =>
  api.call('POST', '/v2/vpcs', { name: 'redis-vpc', region: 'fra1', ...body });

describe('VPCs on loopback', () => {
  it('maps private ranges onto 127.0.0.0/8 and says so in the description', async () => {
    api = await startTestEmulator();
    const ten = await createVpc({ ip_range: '10.10.0.0/24', description: 'article VPC' });
    expect(ten.status).toBe(201);
    expect(ten.body.vpc).toMatchObject({
      ip_range: '127.10.0.0/24',
      description: 'article VPC (ip_range 10.10.0.0/24 mapped to 127.10.0.0/24 on the lab)',
      // The first VPC of a region becomes its default, as on DigitalOcean.
      default: true,
      urn: `do:vpc:${ten.body.vpc.id}`,
    });
    const home = await createVpc({ name: 'home', ip_range: '192.168.4.0/24' });
    expect(home.body.vpc).toMatchObject({
      ip_range: '127.168.4.0/24',
      description: 'ip_range 192.168.4.0/24 mapped to 127.168.4.0/24 on the lab',
      default: false,
    });
    const office = await createVpc({ name: 'office', ip_range: '172.20.0.0/20' });
    expect(office.body.vpc.ip_range).toBe('127.20.0.0/20');
    const loop = await createVpc({ name: 'loop', ip_range: '127.30.0.0/24' });
    expect(loop.body.vpc).toMatchObject({
      ip_range: '127.30.0.0/24',
      description: 'ip_range 127.30.0.0/24 on the lab',
    });
    const chosen = await createVpc({ name: 'chosen' });
    expect(chosen.body.vpc.ip_range).toBe('127.11.0.0/24');
  });

  it('gives droplets in a mapped VPC loopback addresses only', async () => {
    api = await startTestEmulator();
    const vpcs = await Promise.all([
      createVpc({ name: 'ten', ip_range: '10.10.0.0/24' }),
      createVpc({ name: 'home', ip_range: '192.168.9.0/24' }),
    ]);
    for (const vpc of vpcs) {
      await api.call(
        'POST',
        '/v2/droplets',
        dropletBody({ names: ['a', 'b'], name: undefined, vpc_uuid: vpc.body.vpc.id }),
      );
    }
    await api.emulator.idle();
    const { body } = await api.call('GET', '/v2/droplets?per_page=200');
    const addresses = body.droplets.flatMap((droplet: { networks: { v4: { ip_address: string }[] } }) =>
      droplet.networks.v4.map((network) => network.ip_address),
    );
    expect(addresses).toEqual([
      '127.10.0.10',
      '127.200.0.10',
      '127.10.0.11',
      '127.200.0.11',
      '127.168.9.10',
      '127.200.0.12',
      '127.168.9.11',
      '127.200.0.13',
    ]);
    for (const droplet of api.emulator.droplets()) {
      expect(droplet.privateIp).toMatch(/^127\./);
      expect(droplet.publicIp).toMatch(/^127\./);
    }
  });

  it('rejects public and malformed ranges with a 422 naming ip_range', async () => {
    api = await startTestEmulator();
    const cases: Array<[string, RegExp]> = [
      ['8.8.8.0/24', /^ip_range 8\.8\.8\.0\/24 is not a private range/],
      ['203.0.113.0/24', /^ip_range 203\.0\.113\.0\/24 is not a private range/],
      ['10.10.0.0', /^ip_range "10\.10\.0\.0" is not a CIDR range/],
      ['10.10.0.0/8', /^ip_range 10\.10\.0\.0\/8 must be between \/16 and \/28/],
      ['10.10.0.5/24', /^ip_range 10\.10\.0\.5\/24 is not a network address/],
    ];
    for (const [range, message] of cases) {
      const reply = await createVpc({ ip_range: range });
      expect(reply.status).toBe(422);
      expect(reply.body).toMatchObject({
        id: 'unprocessable_entity',
        message: expect.stringMatching(message),
      });
    }
    expect((await api.call('GET', '/v2/vpcs')).body.meta.total).toBe(0);
  });

  it('checks name, region and description', async () => {
    api = await startTestEmulator();
    const messageOf = async (body: Record<string, unknown>) =>
      (await api.call('POST', '/v2/vpcs', body)).body.message;
    expect(await messageOf({ region: 'fra1' })).toMatch(/^name is required/);
    expect(await messageOf({ name: 'x' })).toMatch(/^region is required/);
    expect(await messageOf({ name: 'bad name', region: 'fra1' })).toMatch(
      /^name "bad name" may only contain/,
    );
    expect(await messageOf({ name: 'x', region: 'mars1' })).toMatch(/^region "mars1" is not a region/);
    expect(await messageOf({ name: 'x', region: 'fra1', description: 5 })).toMatch(
      /^description must be a string/,
    );
    expect(await messageOf({ name: 'x', region: 'fra1', description: 'd'.repeat(256) })).toMatch(
      /^description must be at most 255/,
    );
    await createVpc({});
    expect(await messageOf({ name: 'redis-vpc', region: 'fra1' })).toMatch(
      /^name "redis-vpc" is already used/,
    );
  });

  it('creates the default VPC of a region with the default range on first use, and never deletes it', async () => {
    api = await startTestEmulator();
    expect((await api.call('GET', '/v2/vpcs')).body.vpcs).toEqual([]);
    const created = await api.call('POST', '/v2/droplets', dropletBody());
    const { body } = await api.call('GET', '/v2/vpcs');
    expect(body.vpcs).toEqual([
      expect.objectContaining({
        name: 'default-fra1',
        region: 'fra1',
        ip_range: '127.10.0.0/24',
        default: true,
      }),
    ]);
    expect(created.body.droplet.vpc_uuid).toBe(body.vpcs[0].id);
    const refused = await api.call('DELETE', `/v2/vpcs/${body.vpcs[0].id}`);
    expect(refused).toMatchObject({
      status: 403,
      body: { id: 'forbidden', message: expect.stringMatching(/default VPC of fra1/) },
    });
  });

  it('makes the first VPC of each region its default, and refuses ranges that overlap any VPC of the account', async () => {
    api = await startTestEmulator();
    const first = (await createVpc({ name: 'first', ip_range: '10.20.0.0/24' })).body.vpc;
    const second = (await createVpc({ name: 'second', ip_range: '10.21.0.0/24' })).body.vpc;
    const elsewhere = (await createVpc({ name: 'other', region: 'nyc1', ip_range: '10.22.0.0/24' })).body.vpc;
    expect([first.default, second.default, elsewhere.default]).toEqual([true, false, true]);
    expect((await api.call('DELETE', `/v2/vpcs/${first.id}`)).status).toBe(403);
    for (const range of ['10.20.0.0/24', '10.20.0.128/25', '10.20.0.0/16']) {
      const overlap = await createVpc({ name: 'clash', region: 'sfo3', ip_range: range });
      expect(overlap).toMatchObject({
        status: 422,
        body: {
          id: 'unprocessable_entity',
          message: expect.stringMatching(
            /^ip_range .* overlaps the range 10\.2\d\.0\.0\/24 of VPC (first|second|other) \(/,
          ),
        },
      });
    }
    // Judged on the ranges asked for: 172.20.0.0/24 maps onto the same loopback block as 10.20.0.0/24 but
    // does not overlap it on DigitalOcean.
    expect((await createVpc({ name: 'office', ip_range: '172.20.0.0/24' })).status).toBe(201);
  });

  it('refuses to delete a VPC with members (403) and for vpcReleaseMs after, then deletes it (204) and answers 404', async () => {
    api = await startTestEmulator({ vpcReleaseMs: 400 });
    // The region's default VPC exists first, so the runbook-style VPC below is not the default.
    await createVpc({ name: 'home', ip_range: '10.99.0.0/24' });
    const vpc = (await createVpc({ ip_range: '10.10.0.0/24' })).body.vpc;
    expect(vpc.default).toBe(false);
    const droplet = (await api.call('POST', '/v2/droplets', dropletBody({ vpc_uuid: vpc.id }))).body.droplet;
    const members = await api.call('GET', `/v2/vpcs/${vpc.id}/members`);
    expect(members.body.members).toEqual([
      expect.objectContaining({ urn: `do:droplet:${droplet.id}`, name: 'redis-1' }),
    ]);
    const balancers = await api.call('GET', `/v2/vpcs/${vpc.id}/members?resource_type=load_balancer`);
    expect(balancers.body.meta.total).toBe(0);
    const refused = await api.call('DELETE', `/v2/vpcs/${vpc.id}`);
    expect(refused).toMatchObject({
      status: 403,
      body: { message: expect.stringMatching(/still has 1 member\(s\) \(redis-1\)/) },
    });
    await api.emulator.idle();
    expect((await api.call('DELETE', `/v2/droplets/${droplet.id}`)).status).toBe(204);
    const releasing = await api.call('DELETE', `/v2/vpcs/${vpc.id}`);
    expect(releasing).toMatchObject({
      status: 403,
      body: {
        message: expect.stringMatching(/^Can not delete VPC with members: VPC redis-vpc is still releasing/),
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await api.call('DELETE', `/v2/vpcs/${vpc.id}`)).status).toBe(204);
    expect((await api.call('GET', `/v2/vpcs/${vpc.id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/v2/vpcs/${vpc.id}`)).status).toBe(404);
  });

  it('updates with PUT (name required) and PATCH (partial), and moves the default flag', async () => {
    api = await startTestEmulator();
    const vpc = (await createVpc({ ip_range: '10.10.0.0/24' })).body.vpc;
    expect((await api.call('PUT', `/v2/vpcs/${vpc.id}`, { description: 'x' })).body.message).toMatch(
      /^name is required/,
    );
    const put = await api.call('PUT', `/v2/vpcs/${vpc.id}`, {
      name: 'renamed',
      description: 'the article VPC',
    });
    expect(put.body.vpc).toMatchObject({
      name: 'renamed',
      description: 'the article VPC',
      ip_range: '127.10.0.0/24',
    });
    const patched = await api.call('PATCH', `/v2/vpcs/${vpc.id}`, { default: true });
    expect(patched.body.vpc).toMatchObject({ name: 'renamed', default: true });
    expect((await api.call('PATCH', `/v2/vpcs/${vpc.id}`, { default: false })).status).toBe(422);
    expect((await api.call('PATCH', `/v2/vpcs/${vpc.id}`, { default: 'yes' })).body.message).toMatch(
      /^default must be true or false/,
    );
    expect((await api.call('PATCH', '/v2/vpcs/not-a-vpc', { name: 'x' })).status).toBe(404);
  });

  it('picks a free 127.N.0.0/24 when no ip_range is given, and says so when none is left', async () => {
    api = await startTestEmulator();
    for (let second = 11; second < 256; second++) {
      const reply = await createVpc({ name: `auto-${second}` });
      expect(reply.body.vpc.ip_range).toBe(`127.${second}.0.0/24`);
    }
    const exhausted = await createVpc({ name: 'one-too-many' });
    expect(exhausted.body.message).toMatch(/^ip_range could not be chosen: every 127\.N\.0\.0\/24 is taken/);
  });
});
