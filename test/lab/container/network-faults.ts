// The Cloud Firewall and a partition on the container lab's droplets (systemd-nspawn machines booted by real
// cloud-init): a firewall without the 6379 rule breaks the replica's link, and a partition of the master from
// the rest makes the Sentinels fail over while the isolated master still takes writes from its own side.
// Every probe runs inside a droplet's own namespace (its view of the VPC), never from the host. Registered by
// container-lab.test.ts on its lab, where booting one is the expensive part: they start from redis-1 as master
// with its replica linked, and leave redis-2 master with redis-1 its replica.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiClient } from 'dots-wrapper';
import { expect, it } from 'vitest';
import { labAction } from '../../../src/actions/lab/index.js';
import { createTestContext, parsedAction } from '../../../src/actions/test-context.js';
import { formatLabStatus, labStatus } from '../../../src/lab/lab-status.js';
import { redisCliIn } from './in-droplet.js';

const MASTER = '10.10.0.10';
const REPLICA = '10.10.0.11';

export interface FaultLab {
  labDir: string;
  key: string;
  password: string;
  sentinelPassword: string;
  /** A droplet's id by its name. */
  dropletId(name: string): number;
  /** The lab's API: its emulator's URL and token. */
  daemon(): Promise<{ url: string; token: string }>;
}

async function until(what: string, check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`${what}: not within ${withinMs / 1000} s`);
}

/**
 * Whether anything answers on a droplet's public address (a loopback port of the host's forwarder): a reply or
 * a refusal closes quickly, a packet the Cloud Firewall drops leaves the connection silent.
 */
function publicAnswer(host: string, port: number, withinMs = 2000): Promise<'answered' | 'silent'> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => socket.write('PING\r\n'));
    const done = (result: 'answered' | 'silent') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('silent'), withinMs);
    socket.once('data', () => done('answered'));
    socket.once('close', () => done('answered'));
    socket.once('error', () => done('answered'));
  });
}

export function networkFaultTests(lab: () => FaultLab): void {
  const redisCli = (name: string, host: string, port: number, ...args: string[]) =>
    redisCliIn(lab().key, lab().dropletId(name), host, port, ...args);
  const linkStatus = async () =>
    /master_link_status:(\w+)/.exec(
      (await redisCli('redis-2', REPLICA, 6379, '-a', lab().password, 'info', 'replication')).output,
    )?.[1];

  it('Sentinels booted by real cloud-init refuse a peer without their password (NOAUTH)', async () => {
    const set = ['sentinel', 'set', 'mymaster', 'quorum', '1'];
    expect((await redisCli('redis-2', '10.10.0.20', 26379, ...set)).output).toContain('NOAUTH');
    expect((await redisCli('redis-2', '10.10.0.20', 26379, '-a', lab().password, ...set)).output).toMatch(
      /WRONGPASS|invalid/,
    );
  });

  it('a firewall without the 6379 rule breaks the replica link; deleting it restores the link', async () => {
    expect(await linkStatus()).toBe('up');
    const { url, token } = await lab().daemon();
    const client = createApiClient({ endpoint: url, token });
    const { data } = await client.firewall.createFirewall({
      name: 'redis-no-6379',
      tags: ['redis'],
      droplet_ids: [],
      inbound_rules: [
        { protocol: 'tcp', ports: '22', sources: { addresses: ['0.0.0.0/0'] } },
        { protocol: 'tcp', ports: '26379', sources: { addresses: ['0.0.0.0/0'] } },
      ],
      outbound_rules: [{ protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0'] } }],
    } as never);
    // A new connection from the replica to the master is dropped: a timeout, not a refusal.
    const direct = await redisCli('redis-2', MASTER, 6379, '-a', lab().password, 'ping');
    expect(direct.code).toBe(124);
    // The replica's own link: cut it (locally, inside the replica) and it cannot come back.
    await redisCli('redis-2', REPLICA, 6379, '-a', lab().password, 'client', 'kill', 'type', 'master');
    await sleep(3000);
    expect(await linkStatus()).toBe('down');
    await client.firewall.deleteFirewall({ firewall_id: data.firewall.id as string });
    await until('the replica link is up again', async () => (await linkStatus()) === 'up', 30_000);
  }, 60_000);

  it("lab status sees the nodes through a tag-only 6379 rule and names the firewall; the operator's side stays filtered", async () => {
    const { url, token } = await lab().daemon();
    const client = createApiClient({ endpoint: url, token });
    const master = (await client.droplet.getDroplet({ droplet_id: lab().dropletId('redis-1') })).data.droplet;
    const publicIp = master.networks.v4.find((network) => network.type === 'public')?.ip_address as string;
    expect(await publicAnswer(publicIp, 6379)).toBe('answered');
    const { data } = await client.firewall.createFirewall({
      name: 'redis-tags-only',
      tags: ['redis'],
      droplet_ids: [],
      inbound_rules: [
        { protocol: 'tcp', ports: '6379', sources: { tags: ['redis', 'sentinel'] } },
        { protocol: 'tcp', ports: '26379', sources: { tags: ['sentinel'] } },
      ],
      outbound_rules: [{ protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0'] } }],
    } as never);
    try {
      // The operator's connections are judged: nothing of the host's is in the rule's tags.
      expect(await publicAnswer(publicIp, 6379)).toBe('silent');
      // The lab's own health view is not: each node's role, as before the firewall.
      const status = await labStatus(lab().labDir);
      const node = (name: string) => status.droplets.find((droplet) => droplet.name === name);
      expect(node('redis-1')?.firewalls).toEqual(['redis-tags-only']);
      expect(node('sentinel-1')?.firewalls).toEqual([]);
      expect(node('redis-1')?.services[0]?.node).toMatchObject({ reachable: true, role: 'master' });
      expect(node('redis-2')?.services[0]?.node).toMatchObject({
        reachable: true,
        role: 'replica',
        linkUp: true,
      });
      const text = formatLabStatus(status).join('\n');
      expect(text).toMatch(/redis-1 .*firewall redis-tags-only/);
      expect(text).not.toContain('unreachable');
    } finally {
      await client.firewall.deleteFirewall({ firewall_id: data.firewall.id as string });
    }
  }, 60_000);

  it('a partition of the master from the rest fails over while the isolated master still takes writes', async () => {
    const { url, token } = await lab().daemon();
    const run = async (attrs: Record<string, string>) => {
      const { spec, action } = parsedAction(labAction, { attrs });
      const t = createTestContext({ action, target: { name: 'lab', apiUrl: url, token } });
      return { outcome: await labAction.run(spec, t.ctx), timeline: t.timeline };
    };
    const cut = await run({
      op: 'partition',
      name: 'split',
      from: 'redis-1',
      to: 'redis-2,sentinel-1,sentinel-2,sentinel-3',
    });
    expect(cut.outcome.ok, cut.outcome.error).toBe(true);
    expect(cut.timeline[0]).toMatchObject({ source: 'fault', name: 'partition' });
    const named = async () =>
      (
        await redisCli(
          'sentinel-1',
          '10.10.0.20',
          26379,
          '-a',
          lab().sentinelPassword,
          'sentinel',
          'get-master-addr-by-name',
          'mymaster',
        )
      ).output;
    await until('the Sentinels promote the replica', async () => (await named()).includes(REPLICA), 60_000);
    // The old master, alone on its side, still believes it is master and accepts a write from there.
    const write = await redisCli(
      'redis-1',
      MASTER,
      6379,
      '-a',
      lab().password,
      'set',
      'drillbook:isolated',
      'yes',
    );
    expect(write.output.trim()).toBe('OK');
    const healed = await run({ op: 'heal', name: 'split' });
    expect(healed.outcome.ok, healed.outcome.error).toBe(true);
    // Once healed, the Sentinels turn the old master into a replica of the new one.
    await until(
      'the old master rejoins as a replica',
      async () =>
        /role:slave/.test(
          (await redisCli('redis-1', MASTER, 6379, '-a', lab().password, 'info', 'replication')).output,
        ),
      60_000,
    );
  }, 150_000);
}
