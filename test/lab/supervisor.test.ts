// The supervisor alone (no emulator): droplets booted from the shipped cloud-init templates become a real
// replicated, Sentinel-monitored cluster on 127.31.0.0/24.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterHealth, nodeState, waitForHealthy } from '../../src/lab/health.js';
import type { LabDroplet } from '../../src/lab/runtime.js';
import { LabSupervisor } from '../../src/lab/supervisor.js';
import { redisNodeUserData, sentinelNodeUserData } from '../../src/lab/templates.js';
import { killProcessesUnder, labStateDir, processesUnder } from './helpers.js';

const NET = '127.31.0';
const PASSWORD = 'supervisor-test-secret';
const SENTINEL_PASSWORD = 'supervisor-sentinel-secret';
let lab: { dir: string; remove: () => Promise<void> };
let supervisor: LabSupervisor;
const droplets: LabDroplet[] = [];

function droplet(id: number, name: string, host: number, userData: string): LabDroplet {
  return { id, name, privateIp: `${NET}.${host}`, publicIp: `127.231.0.${host}`, userData, tags: [] };
}

const cluster = {
  nodes: [
    { host: `${NET}.10`, port: 6379 },
    { host: `${NET}.11`, port: 6379 },
  ],
  sentinels: [20, 21, 22].map((host) => ({ host: `${NET}.${host}`, port: 26379 })),
  password: PASSWORD,
  sentinelPassword: SENTINEL_PASSWORD,
};

beforeAll(async () => {
  lab = labStateDir('drillbook-supervisor-');
  supervisor = new LabSupervisor({ labDir: lab.dir });
  const masterIp = `${NET}.10`;
  droplets.push(droplet(1, 'redis-1', 10, await redisNodeUserData({ password: PASSWORD })));
  droplets.push(droplet(2, 'redis-2', 11, await redisNodeUserData({ password: PASSWORD, masterIp })));
  for (const [index, host] of [20, 21, 22].entries()) {
    const userData = await sentinelNodeUserData({
      password: PASSWORD,
      sentinelPassword: SENTINEL_PASSWORD,
      masterIp,
      downAfterMs: 1000,
      failoverTimeoutMs: 5000,
    });
    droplets.push(droplet(3 + index, `sentinel-${index + 1}`, host, userData));
  }
  await Promise.all(droplets.map((d) => supervisor.boot(d)));
});

/** Where the RESP reply starting at `at` ends, or -1 while it is incomplete. */
/**
 * Listens on address:port, retrying for 3 s: a redis-server just shut down leaves its peers' sockets closing
 * (FIN_WAIT), which refuse a new listener for a moment, as the supervisor's own power-on allows for.
 */
async function listenWhenFree(server: net.Server, address: string, port: number): Promise<void> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(port, address, () => {
        server.off('error', resolve);
        resolve(undefined);
      });
    });
    if (!error) return;
    if (error.code !== 'EADDRINUSE' || Date.now() >= deadline) throw error;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function replyEnd(text: string, at: number): number {
  const lineEnd = text.indexOf('\r\n', at);
  if (lineEnd < 0) return -1;
  const count = Number(text.slice(at + 1, lineEnd));
  if (text[at] === '$') {
    const end = lineEnd + 2 + Math.max(count, 0) + (count >= 0 ? 2 : 0);
    return end <= text.length ? end : -1;
  }
  let next = lineEnd + 2;
  if (text[at] === '*') {
    for (let i = 0; i < count && next >= 0; i++) next = replyEnd(text, next);
  }
  return next;
}

/** Sends inline commands on one plain socket, as any local user could, and returns the raw replies. */
function rawSession(host: string, port: number, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let received = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no reply from ${host}:${port}: ${received}`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(commands.map((c) => `${c}\r\n`).join('')));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      let at = 0;
      for (let replies = 0; replies < commands.length; replies++) {
        at = replyEnd(received, at);
        if (at < 0) return;
      }
      socket.destroy();
      resolve(received);
    });
  });
}

afterAll(async () => {
  for (const d of droplets) await supervisor.destroy(d).catch(() => {});
  await killProcessesUnder(lab.dir);
  await lab.remove();
});

describe('LabSupervisor', () => {
  it('boots the templates into a healthy cluster bound to the private IPs', async () => {
    const health = await waitForHealthy(cluster, { timeoutMs: 20_000 });
    expect(health.nodes.map((n) => n.role)).toEqual(['master', 'replica']);
    expect(health.nodes[1]?.masterAddress).toBe(`${NET}.10:6379`);
    for (const sentinel of health.sentinels) {
      expect(sentinel.masterAddress).toBe(`${NET}.10:6379`);
      expect(sentinel.otherSentinels).toBe(2);
      expect(sentinel.quorumOk).toBe(true);
    }
    const config = await readFile(path.join(lab.dir, 'droplets/redis-2/etc/redis/redis.conf'), 'utf8');
    expect(config).toContain(`bind ${NET}.11`);
    expect(config).toContain(`bind-source-addr ${NET}.11`);
    expect(config).toContain(`replicaof ${NET}.10 6379`);
    expect(config).not.toContain('__PRIVATE_IP__');
  });

  it('refuses Sentinel commands without the Sentinel password (NOAUTH), and answers with it', async () => {
    const at = `${NET}.20`;
    // What any local user could type: no client library, no password.
    const anonymous = await rawSession(at, 26379, [
      'SENTINEL SET mymaster quorum 1',
      'SENTINEL FAILOVER mymaster',
    ]);
    expect(anonymous).toBe('-NOAUTH Authentication required.\r\n'.repeat(2));
    expect(await rawSession(at, 26379, [`AUTH ${PASSWORD}`])).toMatch(/^-WRONGPASS/);
    const authenticated = await rawSession(at, 26379, [
      `AUTH ${SENTINEL_PASSWORD}`,
      'SENTINEL GET-MASTER-ADDR-BY-NAME mymaster',
    ]);
    expect(authenticated).toBe(`+OK\r\n*2\r\n$${`${NET}.10`.length}\r\n${NET}.10\r\n$4\r\n6379\r\n`);
  });

  it('gives each Sentinel its own config with its own myid', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const text = await readFile(
          path.join(lab.dir, `droplets/sentinel-${n}/etc/redis/sentinel.conf`),
          'utf8',
        );
        return /^sentinel myid (\w+)/m.exec(text)?.[1];
      }),
    );
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => id && id.length === 40)).toBe(true);
  });

  it('applies cloud-init once: a second boot keeps the config the node rewrote and only starts services', async () => {
    const replica = droplets[1] as LabDroplet;
    const configFile = path.join(lab.dir, 'droplets/redis-2/etc/redis/redis.conf');
    await writeFile(configFile, `${await readFile(configFile, 'utf8')}# rewritten by the node\n`);
    await supervisor.boot(replica);
    expect(await readFile(configFile, 'utf8')).toContain('# rewritten by the node');
    expect((await supervisor.status('redis-2'))[0]?.running).toBe(true);
  });

  it('treats a pid file naming another program as stale and starts the service', async () => {
    const replica = droplets[1] as LabDroplet;
    await supervisor.powerOff(replica);
    const [status] = await supervisor.status('redis-2');
    expect(status?.running).toBe(false);
    // Our own pid: alive, but not redis-server started from this droplet's config.
    await writeFile(status?.pidfile as string, `${process.pid}\n`);
    expect((await supervisor.status('redis-2'))[0]?.running).toBe(false);
    await supervisor.powerOn(replica);
    const [after] = await supervisor.status('redis-2');
    expect(after?.running).toBe(true);
    expect(after?.pid).not.toBe(process.pid);
    await waitForHealthy(cluster, { timeoutMs: 20_000 });
  });

  it('names the address and the holder when the port is taken', async () => {
    const replica = droplets[1] as LabDroplet;
    await supervisor.shutdown(replica);
    // Sentinels keep reconnecting to the address: their sockets must be closed for close() to finish.
    const sockets = new Set<net.Socket>();
    const squatter = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await listenWhenFree(squatter, `${NET}.11`, 6379);
    try {
      await expect(supervisor.powerOn(replica)).rejects.toThrow(
        new RegExp(
          `redis-2 redis-server ${NET}.11:6379: ${NET}.11:6379 is already in use by pid ${process.pid}`,
        ),
      );
    } finally {
      const closed = new Promise((resolve) => squatter.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    }
    await supervisor.powerOn(replica);
    expect((await nodeState(`${NET}.11`, 6379, PASSWORD)).role).toBe('replica');
  });

  it('freezes and thaws every process of a droplet', async () => {
    const sentinel = droplets[2] as LabDroplet;
    await supervisor.freeze(sentinel);
    const [status] = await supervisor.status('sentinel-1');
    const state = (await readFile(`/proc/${status?.pid}/stat`, 'utf8')).split(' ')[2];
    expect(state).toBe('T');
    const health = await clusterHealth(cluster);
    expect(health.sentinels[0]?.reachable).toBe(false);
    await supervisor.thaw(sentinel);
    await waitForHealthy(cluster, { timeoutMs: 20_000 });
  });

  it('destroy stops the processes and removes the droplet folder', async () => {
    const sentinel = droplets[4] as LabDroplet;
    const [status] = await supervisor.status('sentinel-3');
    await supervisor.destroy(sentinel);
    expect(existsSync(path.join(lab.dir, 'droplets/sentinel-3'))).toBe(false);
    expect(
      existsSync(`/proc/${status?.pid}/cmdline`) &&
        (await processesUnder(path.join(lab.dir, 'droplets/sentinel-3'))).length,
    ).toBeFalsy();
  });
});
