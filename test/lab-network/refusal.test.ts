// On the lab target nothing connects from this machine to a non-loopback address: every path that opens a
// socket to a runbook-provided address refuses first. Each test watches every TCP connect the process
// makes (net.Socket.prototype.connect, which ioredis, ssh2 and fetch all end in) and asserts that none
// went anywhere but loopback.
import { createServer as createHttpServer } from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { sendRequest } from '../../src/actions/http/request.js';
import { redisAction } from '../../src/actions/redis/index.js';
import { verifyDiscovery } from '../../src/actions/sentinel/verify-discovery.js';
import { createTestContext, parsedAction } from '../../src/actions/test-context.js';
import { Probe } from '../../src/drill/probe.js';
import { OffHostConnectionRefused } from '../../src/targets/host-guard.js';
import { connectClient } from '../../src/targets/redis/connection.js';
import { openSshTunnel } from '../../src/targets/redis/ssh-tunnel.js';

let connects: MockInstance;
const destinations = () =>
  connects.mock.calls.map(([given, second]) => {
    // Node passes its own normalized [options, callback] pair when net.connect() calls it.
    const first = Array.isArray(given) ? given[0] : given;
    const options = typeof first === 'object' && first !== null ? first : {};
    return String((options as { host?: string }).host ?? (typeof second === 'string' ? second : 'localhost'));
  });

beforeEach(() => {
  connects = vi.spyOn(net.Socket.prototype, 'connect');
});
afterEach(() => {
  connects.mockRestore();
});

const settings = { connectTimeoutMs: 500, commandTimeoutMs: 500, reach: 'loopback-only' as const };

describe('the lab target refuses non-loopback destinations before any socket', () => {
  it('a redis block aimed at a private address fails, naming the jump host, without connecting', async () => {
    const { spec, action } = parsedAction(redisAction, { attrs: { node: '10.10.0.11:6379' }, body: 'PING' });
    const t = createTestContext({ action });
    const outcome = await redisAction.run(spec, t.ctx);
    await t.close();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/10\.10\.0\.11:6379: the lab target never connects .*--via ssh:\/\//);
    expect(connects).not.toHaveBeenCalled();
  });

  it('the connection layer refuses IPv6 and mapped private forms too', async () => {
    for (const host of ['fd00::11', '::ffff:10.10.0.11', '::ffff:a0a:b', 'redis-1.internal']) {
      await expect(
        connectClient({ name: 'redis-1', host, port: 6379, address: `${host}:6379` }, settings),
      ).rejects.toBeInstanceOf(OffHostConnectionRefused);
    }
    expect(connects).not.toHaveBeenCalled();
  });

  it('the jump host itself must be loopback on the lab', async () => {
    await expect(
      openSshTunnel({
        jump: { user: 'root', host: '10.10.0.2', port: 22 },
        keyFile: '/nonexistent',
        knownHostsFile: '/nonexistent',
        confirmHostKey: async () => false,
        readyTimeoutMs: 500,
        reach: 'loopback-only',
      }),
    ).rejects.toThrow(/jump host 10\.10\.0\.2:22: the lab target never connects/);
    expect(connects).not.toHaveBeenCalled();
  });

  it('a Sentinel-mode client refuses private Sentinels, and a private master a Sentinel names', async () => {
    const sentinel = { name: 's', host: '10.10.0.20', port: 26379, address: '10.10.0.20:26379' };
    const options = { masterName: 'mymaster', redis: settings, sentinel: settings, runId: 'r' };
    await expect(verifyDiscovery({ ...options, sentinels: [sentinel] })).rejects.toThrow(
      /Sentinel 10\.10\.0\.20:26379/,
    );
    expect(connects).not.toHaveBeenCalled();

    // A loopback "Sentinel" that names a private master, as a container lab's Sentinels would.
    const server = net.createServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        // One reply per command in the chunk: the master's address to SENTINEL, +OK to anything else.
        for (const command of chunk.toString().split(/(?=\*\d+\r\n\$)/)) {
          socket.write(
            /get-master-addr-by-name/i.test(command)
              ? '*2\r\n$10\r\n10.10.0.10\r\n$4\r\n6379\r\n'
              : '+OK\r\n',
          );
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const local = { name: 's', host: '127.0.0.1', port, address: `127.0.0.1:${port}` };
      const result = await verifyDiscovery({ ...options, sentinels: [local] });
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(
        /10\.10\.0\.10:6379: the lab target never connects.*; go through the jump host/,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(destinations().every((host) => host === '127.0.0.1')).toBe(true);
    expect(destinations().length).toBeGreaterThan(0);
  });

  it('the drill probe refuses private Sentinels (it has no jump host: on the lab it must fail as on DigitalOcean)', async () => {
    const probe = new Probe({
      name: 'app',
      runId: 'r',
      sentinels: [{ host: '10.10.0.20', port: 26379 }],
      masterName: 'mymaster',
      ratePerSecond: 10,
      writeTimeoutMs: 500,
      keyTtlSeconds: 60,
      now: () => 0,
      onMilestone: () => undefined,
      reach: 'loopback-only',
    });
    await expect(probe.start()).rejects.toBeInstanceOf(OffHostConnectionRefused);
    probe.close();
    expect(connects).not.toHaveBeenCalled();
  });

  it('an http block is not sent to a private address, nor redirected to one', async () => {
    const base = {
      method: 'GET',
      headers: {},
      signal: new AbortController().signal,
      now: () => 0,
      redact: (s: string) => s,
    };
    const direct = await sendRequest({
      ...base,
      url: 'http://10.10.0.30:9090/-/ready',
      reach: 'loopback-only',
    });
    expect(direct).toMatchObject({ ok: false, summary: 'not sent: the lab connects to loopback only' });
    expect(connects).not.toHaveBeenCalled();

    const server = createHttpServer((_req, res) => {
      res.writeHead(302, { location: 'http://10.10.0.30:9090/elsewhere' });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const redirected = await sendRequest({
        ...base,
        url: `http://127.0.0.1:${port}/`,
        reach: 'loopback-only',
      });
      expect(redirected.ok).toBe(false);
      expect(redirected.ok ? '' : redirected.error).toMatch(
        /10\.10\.0\.30:9090: the lab target never connects/,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(destinations().every((host) => host === '127.0.0.1')).toBe(true);
  });
});
