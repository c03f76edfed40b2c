// Everything through an SSH jump host: a real sshd on 127.40.5.100:2222 in front of a real cluster (127.40.5.x).
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAction } from '../../src/actions/redis/index.js';
import { sentinelAction } from '../../src/actions/sentinel/index.js';
import type { TestContext } from '../../src/actions/test-context.js';
import { type WaitData, waitAction } from '../../src/actions/wait/index.js';
import { runTunnel } from '../../src/targets/redis/ssh-tunnel.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { clusterContext, runInContext } from './fixture.js';
import { startSshd, type TestSshd } from './sshd.js';

let cluster: TestRedisCluster;
let sshd: TestSshd;

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.40.5' });
  sshd = await startSshd({ host: '127.40.5.100', port: 2222 });
});
afterAll(async () => {
  await cluster?.stop();
  await sshd?.stop();
});

function context(knownHosts: string, confirms: boolean[] = []): TestContext {
  return clusterContext(cluster, {
    vars: { via: sshd.via, via_key: sshd.clientKeyFile, via_known_hosts: knownHosts },
    confirms,
  });
}

async function tunnelOf(t: TestContext) {
  const open = runTunnel(t.ctx);
  if (!open) throw new Error('no via var');
  return open();
}

describe('through an SSH jump host', () => {
  it('asks once about an unknown host key, remembers it, and runs commands through a forward', async () => {
    const knownHosts = join(sshd.dir, 'known_hosts_first_use');
    const t = context(knownHosts);
    try {
      const outcome = await runInContext(t, redisAction, { node: 'redis-1' }, 'ROLE');
      expect(outcome.ok, outcome.error).toBe(true);
      expect(t.confirmed).toHaveLength(1);
      expect(t.confirmed[0]?.message).toMatch(
        /^The authenticity of \[127\.40\.5\.100\]:2222 can't be established\. Its key fingerprint is SHA256:/,
      );
      expect(await readFile(knownHosts, 'utf8')).toBe(
        `[127.40.5.100]:2222 ssh-ed25519 ${sshd.hostKey.toString('base64')}\n`,
      );
      expect((await tunnelOf(t)).connections.get('127.40.5.11:6379')).toBe(1);
    } finally {
      await t.close();
    }
    const again = context(knownHosts);
    try {
      expect((await runInContext(again, redisAction, { node: 'redis-2' }, 'PING')).ok).toBe(true);
      expect(again.confirmed).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('refuses a bastion whose host key changed, and one the operator does not trust', async () => {
    const changed = join(sshd.dir, 'known_hosts_changed');
    const otherKey = Buffer.from(sshd.hostKey);
    otherKey[otherKey.length - 1] = (otherKey[otherKey.length - 1] ?? 0) ^ 0xff;
    await writeFile(changed, `[127.40.5.100]:2222 ssh-ed25519 ${otherKey.toString('base64')}\n`);
    const t = context(changed);
    try {
      const outcome = await runInContext(t, redisAction, { node: 'redis-1' }, 'PING');
      expect(outcome.error).toContain(
        `ssh://root@127.40.5.100:2222: HOST KEY CHANGED — ${changed} has a different`,
      );
    } finally {
      await t.close();
    }
    const refused = context(join(sshd.dir, 'known_hosts_refused'), [false]);
    try {
      const outcome = await runInContext(refused, redisAction, { node: 'redis-1' }, 'PING');
      expect(outcome.error).toContain('ssh://root@127.40.5.100:2222: host key not trusted (SHA256:');
    } finally {
      await refused.close();
    }
  });

  it('a forward used after the jump host went away refuses its connection and says why, without crashing', async () => {
    // A TCP hop in front of sshd stands in for the jump host's network: cutting it ends the SSH connection
    // as deleting the droplet does. ssh2 then throws "Not connected" from inside the local listener.
    const hop = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect(2222, '127.40.5.100');
      for (const socket of [client, upstream]) {
        hop.add(socket);
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(2222, '127.40.5.102', resolve));
    const knownHosts = join(sshd.dir, 'known_hosts_hop');
    await writeFile(knownHosts, `[127.40.5.102]:2222 ssh-ed25519 ${sshd.hostKey.toString('base64')}\n`);
    const t = clusterContext(cluster, {
      vars: { via: 'ssh://root@127.40.5.102:2222', via_key: sshd.clientKeyFile, via_known_hosts: knownHosts },
    });
    try {
      const tunnel = await tunnelOf(t);
      const node = cluster.nodes[0] as { host: string; port: number };
      const local = await tunnel.forward(node.host, node.port);
      proxy.close();
      for (const socket of hop) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const socket = connect(local.port, local.host);
      socket.on('error', () => undefined);
      await once(socket, 'close');
      expect(tunnel.lastError(node.host, node.port)).toBe('ssh://root@127.40.5.102:2222: Not connected');
      await expect(tunnel.exec('true')).rejects.toThrow('Not connected');
    } finally {
      await t.close();
    }
  });

  it('names the node when the jump host cannot reach it', async () => {
    const t = context(join(sshd.dir, 'known_hosts_down'));
    try {
      const outcome = await runInContext(t, redisAction, { node: '127.40.5.99:6379' }, 'PING');
      expect(outcome.error).toContain(
        '127.40.5.99:6379 connect via ssh://root@127.40.5.100:2222: the jump host could not reach it (',
      );
    } finally {
      await t.close();
    }
  });

  it('verifications, Sentinel-mode discovery (natMap) and the event stream all go through the tunnel', async () => {
    const t = context(join(sshd.dir, 'known_hosts_all'));
    try {
      for (const verify of ['health', 'agreement', 'discovery']) {
        const outcome = await runInContext(t, sentinelAction, { node: 'all', verify });
        expect(
          outcome.checks?.filter((c) => !c.ok),
          verify,
        ).toEqual([]);
      }
      expect((await runInContext(t, redisAction, { verify: 'replication' })).ok).toBe(true);
      const failover = await runInContext(
        t,
        sentinelAction,
        { node: 'sentinel-2' },
        'SENTINEL FAILOVER mymaster',
      );
      expect(failover.ok).toBe(true);
      const waited = await runInContext(t, waitAction, { event: '+switch-master' });
      expect(waited.data).toMatchObject({ via: 'stream', from: '127.40.5.11:6379', to: '127.40.5.12:6379' });
      expect((waited.data as WaitData).seenBy.length).toBeGreaterThan(0);
      const tunnel = await tunnelOf(t);
      for (const address of [
        '127.40.5.21:26379',
        '127.40.5.22:26379',
        '127.40.5.23:26379',
        '127.40.5.11:6379',
        '127.40.5.12:6379',
      ]) {
        expect(tunnel.connections.get(address) ?? 0, address).toBeGreaterThan(0);
      }
    } finally {
      await t.close();
    }
  });
});
