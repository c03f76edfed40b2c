// Private address mode (the container lab): VPCs keep their real private range and droplets get addresses
// from it; loopback ranges are refused. Loopback mode (the default) is covered by vpcs/droplets tests.
import { afterEach, describe, expect, it } from 'vitest';
import { dropletBody, startTestEmulator, type TestApi } from './helpers.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.emulator.close();
  api = undefined;
});

describe('emulator in private address mode', () => {
  it('keeps a VPC private range and hands out its addresses, public addresses stay loopback', async () => {
    api = await startTestEmulator({ addressMode: 'private' });
    const vpc = await api.call('POST', '/v2/vpcs', { name: 'dr', region: 'fra1', ip_range: '10.10.0.0/24' });
    expect(vpc.status).toBe(201);
    expect(vpc.body.vpc.ip_range).toBe('10.10.0.0/24');
    const created = await api.call('POST', '/v2/droplets', dropletBody({ vpc_uuid: vpc.body.vpc.id }));
    expect(created.status).toBe(202);
    await api.emulator.idle();
    const booted = await api.call('GET', `/v2/droplets/${created.body.droplet.id}`);
    const networks = booted.body.droplet.networks.v4 as Array<{ type: string; ip_address: string }>;
    expect(networks.find((n) => n.type === 'private')?.ip_address).toBe('10.10.0.10');
    expect(networks.find((n) => n.type === 'public')?.ip_address).toMatch(/^127\.200\./);
  });

  it('describes its droplets as containers on a private network, not loopback processes', async () => {
    api = await startTestEmulator({ addressMode: 'private' });
    const account = await api.call('GET', '/v2/account');
    expect(account.body.account.status_message).toContain('containers on a private VPC network');
    expect(account.body.account.status_message).not.toContain('127.0.0.0/8');
  });

  it('refuses a loopback range and picks 10.N.0.0/24 when none is asked for', async () => {
    api = await startTestEmulator({ addressMode: 'private' });
    const loopback = await api.call('POST', '/v2/vpcs', {
      name: 'lo',
      region: 'fra1',
      ip_range: '127.10.0.0/24',
    });
    expect(loopback.status).toBe(422);
    expect(loopback.body.message).toContain('not a private range');
    const chosen = await api.call('POST', '/v2/vpcs', { name: 'auto', region: 'fra1' });
    expect(chosen.body.vpc.ip_range).toMatch(/^10\.\d+\.0\.0\/24$/);
  });

  it('refuses a loopback default range in private mode', async () => {
    await expect(
      startTestEmulator({ addressMode: 'private', defaultVpcRange: '127.10.0.0/24' }),
    ).rejects.toThrow(/must be a private CIDR range/);
  });
});
