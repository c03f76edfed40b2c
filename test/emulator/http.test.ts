import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/lab/emulator/index.js';
import { emptyState } from '../../src/lab/emulator/store.js';
import { startTestEmulator, type TestApi, token, withTempDir } from './helpers.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.emulator.close();
  api = undefined;
});

const expectError = (
  reply: { status: number; body: unknown },
  status: number,
  id: string,
  message: RegExp,
) => {
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({ id, message: expect.stringMatching(message), request_id: expect.any(String) });
};

describe('emulator HTTP layer', () => {
  it('answers 401 for a missing or wrong token', async () => {
    api = await startTestEmulator();
    expectError(
      await api.call('GET', '/v2/account', undefined, { token: null }),
      401,
      'unauthorized',
      /authenticate/,
    );
    expectError(
      await api.call('GET', '/v2/account', undefined, { token: 'nope' }),
      401,
      'unauthorized',
      /authenticate/,
    );
    expectError(
      await api.call('GET', '/v2/account', undefined, { token: `${token}x` }),
      401,
      'unauthorized',
      /authenticate/,
    );
    expect((await api.call('GET', '/v2/account')).status).toBe(200);
  });

  it('sends rate-limit headers on every response and spends one request each time', async () => {
    api = await startTestEmulator();
    const first = await api.call('GET', '/v2/account');
    const second = await api.call('GET', '/v2/droplets/12345');
    expect(first.headers.get('ratelimit-limit')).toBe('5000');
    expect(Number(first.headers.get('ratelimit-remaining'))).toBe(4999);
    expect(Number(second.headers.get('ratelimit-remaining'))).toBe(4998);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(second.headers.get('x-request-id')).toBe(second.body.request_id);
  });

  it('answers 429 with retry-after once the hourly budget is spent', async () => {
    api = await startTestEmulator({ rateLimitPerHour: 2 });
    expect((await api.call('GET', '/v2/account')).status).toBe(200);
    expect((await api.call('GET', '/v2/account')).status).toBe(200);
    const limited = await api.call('GET', '/v2/account');
    expectError(limited, 429, 'too_many_requests', /rate limit/);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3000);
  });

  it('answers 404 for unknown endpoints, 405 for wrong methods and 400 for malformed JSON', async () => {
    api = await startTestEmulator();
    expectError(await api.call('GET', '/v2/volumes'), 404, 'not_found', /no endpoint GET \/v2\/volumes/);
    expectError(await api.call('PATCH', '/v2/droplets'), 405, 'method_not_allowed', /accepts .*POST/);
    expectError(
      await api.call('POST', '/v2/tags', undefined, { rawBody: '{"name":' }),
      400,
      'bad_request',
      /not valid JSON/,
    );
    expectError(
      await api.call('POST', '/v2/tags', [1, 2]),
      422,
      'unprocessable_entity',
      /^body must be a JSON object/,
    );
  });

  it('answers the lab health probe without a token', async () => {
    api = await startTestEmulator();
    const health = await api.call('GET', '/v2/_lab/health', undefined, { token: null });
    expect(health).toMatchObject({
      status: 200,
      body: { status: 'ok', droplets: 0, actions_in_progress: 0 },
    });
  });

  it('records every request with its status', async () => {
    api = await startTestEmulator();
    await api.call('POST', '/v2/tags', { name: 'redis' });
    await api.call('GET', '/v2/droplets?tag_name=redis');
    expect(
      api.emulator.requests.map(({ method, path, query, status }) => [method, path, query, status]),
    ).toEqual([
      ['POST', '/v2/tags', '', 201],
      ['GET', '/v2/droplets', 'tag_name=redis', 200],
    ]);
    expect(api.emulator.requests[0]?.body).toEqual({ name: 'redis' });
  });

  it('refuses to start on a non-loopback host or with ranges outside 127.0.0.0/8', async () => {
    await expect(startEmulator({ token, host: '0.0.0.0' })).rejects.toThrow(/not a loopback address/);
    await expect(startEmulator({ token, defaultVpcRange: '10.10.0.0/24' })).rejects.toThrow(
      /defaultVpcRange .* inside 127/,
    );
    await expect(startEmulator({ token, publicRange: '203.0.113.0/24' })).rejects.toThrow(
      /publicRange .* inside 127/,
    );
    await expect(startEmulator({ token: '' })).rejects.toThrow(/token is empty/);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    api = await startTestEmulator();
    const reply = await api.call('POST', '/v2/tags', undefined, {
      rawBody: JSON.stringify({ name: 'x'.repeat(1_100_000) }),
    });
    expectError(reply, 413, 'request_too_large', /exceeds 1 MiB/);
  });

  it('names the address when the port is taken', async () => {
    api = await startTestEmulator();
    const port = Number(new URL(api.emulator.url).port);
    await expect(startEmulator({ token, port })).rejects.toThrow(
      new RegExp(`could not listen on 127\\.0\\.0\\.1:${port}: the address is already in use`),
    );
  });

  it('answers 500 naming the emulator failure when its own state is inconsistent', async () => {
    await withTempDir(async (directory) => {
      const stateFile = path.join(directory, 'emulator.json');
      const droplet = {
        id: 7,
        name: 'odd',
        region: 'fra1',
        sizeSlug: 's-999vcpu',
        imageId: 1,
        vpcUuid: 'none',
        tags: [],
        sshKeyIds: [],
        monitoring: false,
        createdAt: '2026-01-01T00:00:00Z',
        status: 'active',
        locked: false,
        privateIp: '127.10.0.10',
        publicIp: '127.200.0.10',
        frozen: false,
      };
      await writeFile(stateFile, JSON.stringify({ ...emptyState(), droplets: [droplet] }));
      api = await startTestEmulator({ stateFile });
      expectError(
        await api.call('GET', '/v2/droplets/7'),
        500,
        'server_error',
        /lab emulator failed: size s-999vcpu is missing/,
      );
    });
  });
});
