import { afterEach, describe, expect, it } from 'vitest';
import { dropletBody, startTestEmulator, type TestApi, token } from './helpers.js';

let api: TestApi;
afterEach(() => api.emulator.close());

describe('fault injection', () => {
  it('answers 429 with retry-after the given number of times, then serves normally; nothing is created meanwhile', async () => {
    api = await startTestEmulator();
    api.emulator.faults.add({
      method: 'POST',
      path: '/droplets',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 3,
      times: 2,
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const limited = await api.call('POST', '/v2/droplets', dropletBody());
      expect(limited).toMatchObject({ status: 429, body: { id: 'too_many_requests' } });
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(limited.headers.get('ratelimit-limit')).toBe('5000');
    }
    expect((await api.call('GET', '/v2/droplets')).body.meta.total).toBe(0);
    expect((await api.call('POST', '/v2/droplets', dropletBody())).status).toBe(202);
  });

  it('answers 5xx for matching method and path (prefix with or without /v2, or RegExp) until cleared', async () => {
    api = await startTestEmulator();
    api.emulator.faults.add({ path: /^\/v2\/droplets\/\d+$/, kind: 'status', status: 503 });
    api.emulator.faults.add({ method: 'GET', path: '/v2/sizes', kind: 'status', status: 500, times: 1 });
    api.emulator.faults.add({ method: 'DELETE', path: '/tags', kind: 'status', status: 502, times: 1 });
    const droplet = (await api.call('POST', '/v2/droplets', dropletBody())).body.droplet;
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await api.call('GET', `/v2/droplets/${droplet.id}`)).body).toMatchObject({
        id: 'server_error',
      });
    }
    const sizes = await api.call('GET', '/v2/sizes');
    expect(sizes).toMatchObject({ status: 500, body: { message: expect.stringMatching(/injected fault/) } });
    expect(sizes.headers.get('retry-after')).toBeNull();
    expect((await api.call('GET', '/v2/sizes')).status).toBe(200);
    expect((await api.call('GET', '/v2/tags')).status).toBe(200);
    expect((await api.call('DELETE', '/v2/tags/ghost')).status).toBe(502);
    api.emulator.faults.clear();
    expect((await api.call('GET', `/v2/droplets/${droplet.id}`)).status).toBe(200);
    expect(() => api.emulator.faults.add({ path: '/x', kind: 'latency', ms: 1, times: 0 })).toThrow(
      /positive integer/,
    );
  });

  it('delays matching requests without holding others back', async () => {
    api = await startTestEmulator();
    api.emulator.faults.add({ path: '/account', kind: 'latency', ms: 1500, times: 1 });
    const finished: string[] = [];
    const slow = api.call('GET', '/v2/account').then((reply) => finished.push(`account ${reply.status}`));
    const fast = api.call('GET', '/v2/regions').then((reply) => finished.push(`regions ${reply.status}`));
    await Promise.all([slow, fast]);
    expect(finished).toEqual(['regions 200', 'account 200']);
  });

  it('performs a request and then never answers (timeout-after-create): the droplet exists, the client times out', async () => {
    api = await startTestEmulator();
    api.emulator.faults.add({ method: 'POST', path: '/v2/droplets', kind: 'timeout-after-create', times: 1 });
    const attempt = fetch(`${api.emulator.url}/droplets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(dropletBody()),
      signal: AbortSignal.timeout(300),
    });
    await expect(attempt).rejects.toThrow(/aborted|timeout/i);
    const listed = await api.call('GET', '/v2/droplets');
    expect(listed.body.droplets.map((droplet: { name: string }) => droplet.name)).toEqual(['redis-1']);
    expect(api.emulator.requests[0]).toMatchObject({ method: 'POST', path: '/v2/droplets', status: 202 });
  });

  it('holds an unanswered request until close, which does not hang', async () => {
    api = await startTestEmulator();
    api.emulator.faults.add({ path: '/v2/tags', kind: 'timeout-after-create' });
    const held = api.call('POST', '/v2/tags', { name: 'redis' }).catch((error: Error) => error);
    while (api.emulator.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await api.emulator.close();
    expect(await held).toBeInstanceOf(Error);
  });
});
