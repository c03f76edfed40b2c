import { describe, expect, it } from 'vitest';
import { expectConforms } from './openapi.js';

const headers = { 'ratelimit-limit': '5000', 'ratelimit-remaining': '4999', 'ratelimit-reset': '1900000000' };
const vpc = {
  id: '5a4981aa-9653-4bd1-bef5-d6bff52042e4',
  urn: 'do:vpc:5a4981aa-9653-4bd1-bef5-d6bff52042e4',
  name: 'redis-vpc',
  description: '',
  region: 'fra1',
  ip_range: '127.10.0.0/24',
  default: false,
  created_at: '2026-01-01T00:00:00Z',
};

describe('the spec validator itself', () => {
  it('accepts a body the spec allows', async () => {
    await expectConforms('get', '/v2/vpcs/{vpc_id}', { status: 200, data: { vpc }, headers });
  });

  it('names the violation when a body breaks the spec', async () => {
    const broken = { ...vpc, urn: 'vpc-without-prefix', default: 'no' };
    const failure = await expectConforms('get', '/v2/vpcs/{vpc_id}', {
      status: 200,
      data: { vpc: broken },
      headers,
    }).catch((error: Error) => error.message);
    expect(failure).toMatch(/\/vpc\/urn must match pattern/);
    expect(failure).toMatch(/\/vpc\/default must be boolean/);
    const nullStatus = { status: 404, data: { id: 'not_found', message: null }, headers };
    await expect(expectConforms('get', '/v2/vpcs/{vpc_id}', nullStatus)).rejects.toThrow(
      /\/message must be string/,
    );
  });

  it('insists on the rate-limit headers, no body for 204, and operations that exist', async () => {
    await expect(
      expectConforms('get', '/v2/vpcs/{vpc_id}', { status: 200, data: { vpc }, headers: {} }),
    ).rejects.toThrow(/header ratelimit-limit is missing/);
    await expect(
      expectConforms('delete', '/v2/vpcs/{vpc_id}', { status: 204, data: { vpc }, headers }),
    ).rejects.toThrow(/expected no body/);
    await expect(expectConforms('get', '/v2/teleport', { status: 200, data: {}, headers })).rejects.toThrow(
      /has no operation GET \/v2\/teleport/,
    );
  });

  it('accepts null where the spec says nullable', async () => {
    const action = {
      id: 1,
      status: 'in-progress',
      type: 'create',
      started_at: '2026-01-01T00:00:00Z',
      completed_at: null,
      resource_id: 2,
      resource_type: 'droplet',
      region_slug: 'fra1',
    };
    await expectConforms('get', '/v2/actions/{action_id}', { status: 200, data: { action }, headers });
    await expect(
      expectConforms('get', '/v2/actions/{action_id}', {
        status: 200,
        data: { action: { ...action, type: null } },
        headers,
      }),
    ).rejects.toThrow(/\/action\/type must be string/);
  });

  it('checks droplet bodies deeply: status enum, required networks, nested size', async () => {
    const validate = (droplet: Record<string, unknown>) =>
      expectConforms('get', '/v2/droplets/{droplet_id}', { status: 200, data: { droplet }, headers }).catch(
        (error: Error) => error.message,
      );
    const failure = await validate({ id: 1, name: 'x', status: 'running', size: { slug: 's-1vcpu-1gb' } });
    expect(failure).toMatch(/\/droplet must have required property 'networks'/);
    expect(failure).toMatch(/\/droplet\/status must be equal to one of the allowed values/);
    expect(failure).toMatch(/\/droplet\/size must have required property 'price_monthly'/);
  });
});
