// A whole crash drill through a real sshd jump host where the test process cannot reach the cluster itself:
// an nftables rule rejects every connection to the cluster's Redis/Sentinel ports that does not come from
// the cluster's own addresses (bind-source-addr) or from sshd's forwarding user (uid nobody). So the probe,
// its +switch-master subscribers, the settle loop, the read-back and the settings survey can only work if
// every one of their connections goes through the tunnel — as on DigitalOcean, where the nodes are private.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAction } from '../../src/actions/probe/index.js';
import { createTestContext, parsedAction } from '../../src/actions/test-context.js';
import { waitAction } from '../../src/actions/wait/index.js';
import type { ActionContext } from '../../src/contract/action.js';
import { runTunnel } from '../../src/targets/redis/ssh-tunnel.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { startSshd, type TestSshd } from '../redis/sshd.js';
import { probeBlock } from './probe-helpers.js';

const run = promisify(execFile);
const SUBNET = '127.50.7';
const TABLE = 'drillbook_probe_tunnel_test';

let cluster: TestRedisCluster;
let sshd: TestSshd;

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: SUBNET });
  sshd = await startSshd({ host: `${SUBNET}.100`, port: 2222, user: 'nobody' });
  await run('nft', ['add', 'table', 'ip', TABLE]);
  await run('nft', [`add chain ip ${TABLE} out { type filter hook output priority 0; policy accept; }`]);
  await run('nft', [
    `add rule ip ${TABLE} out ip daddr ${SUBNET}.0/24 ip saddr 127.0.0.1 tcp dport { 6379, 26379 } meta skuid != 65534 reject with tcp reset`,
  ]);
}, 60_000);

afterAll(async () => {
  await run('nft', ['delete', 'table', 'ip', TABLE]).catch(() => undefined);
  await cluster?.stop();
  await sshd?.stop();
});

async function directPing(address: { host: string; port: number }): Promise<string> {
  const client = new Redis({
    ...address,
    password: cluster.password,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.ping();
  } catch (error) {
    return (error as Error).message;
  } finally {
    client.disconnect();
  }
}

describe('a drill through the jump host only', () => {
  it('the probe fails over, reads back and surveys settings with direct connections impossible', async () => {
    // The rule holds: this process cannot talk to the cluster directly.
    expect(await directPing(cluster.node('redis-1'))).toMatch(/ECONNREFUSED|ECONNRESET|closed/);

    const t = createTestContext({
      results: { inventory: cluster.inventory },
      vars: {
        redis_password: cluster.password,
        via: sshd.via,
        via_key: sshd.clientKeyFile,
        via_known_hosts: join(sshd.dir, 'known_hosts'),
      },
      secretVars: ['redis_password'],
    });
    try {
      const started = await probeAction.run(probeBlock('start'), t.ctx);
      expect(started.ok, started.error).toBe(true);
      expect(started.data).toMatchObject({ master_before: `${SUBNET}.11:6379` });

      await new Promise((resolve) => setTimeout(resolve, 500));
      await cluster.kill('redis-1');
      const wait = parsedAction(waitAction, { attrs: { event: '+switch-master' }, body: '' });
      const ctx: ActionContext = { ...t.ctx, action: { ...t.ctx.action, ...wait.action } };
      const switched = await waitAction.run(wait.spec, ctx);
      expect(switched.ok, switched.error).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1000));

      const stopped = await probeAction.run(probeBlock('stop'), t.ctx);
      expect(stopped.ok, stopped.error).toBe(true);
      const data = stopped.data as Record<string, unknown>;
      expect(data).toMatchObject({
        master_before: `${SUBNET}.11:6379`,
        master_after: `${SUBNET}.12:6379`,
        failed_over: true,
        lost_acknowledged: 0,
        settings: { quorum: '2', down_after_milliseconds: '1000' },
      });
      expect(Number(data.acknowledged)).toBeGreaterThan(100);
      // The probe's own subscription (through the tunnel) saw the switch.
      expect(data.switch_seen_at).not.toBeNull();
      expect((data.settings as { unreadable?: string[] }).unreadable).toBeUndefined();
      expect(data.client_options).toMatchObject({ via: `ssh://nobody@${SUBNET}.100:2222` });

      const open = runTunnel(t.ctx);
      const tunnel = await open?.();
      for (const address of [`${SUBNET}.21:26379`, `${SUBNET}.12:6379`]) {
        expect(tunnel?.connections.get(address) ?? 0, address).toBeGreaterThan(0);
      }
    } finally {
      await t.close();
    }
  }, 90_000);
});
