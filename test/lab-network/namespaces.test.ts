// The Cloud Firewall and partitions, enforced by the kernel in real network namespaces with real sockets.
// Run under the integration lock: flock /tmp/drillbook-integration.lock npx vitest run test/lab-network
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkFirewall } from '../../src/lab/network/firewall-compile.js';
import { type NetworkState, NftLabNetwork } from '../../src/lab/network/lab-network.js';
import {
  createTestVpc,
  kernelHasNetem,
  leftoverNamespaces,
  type TestDroplet,
  type TestVpc,
} from './vpc-fixture.js';

let vpc: TestVpc;
let network: NftLabNetwork;
let a: TestDroplet;
let b: TestDroplet;
let c: TestDroplet;

const state = (firewalls: NetworkFirewall[]): NetworkState => ({ droplets: vpc.droplets, firewalls });

async function sync(firewalls: NetworkFirewall[]): Promise<void> {
  network.syncFirewalls(state(firewalls));
  await network.settled();
}

const replicaLink: NetworkFirewall = {
  name: 'redis',
  tags: ['redis'],
  dropletIds: [],
  inboundRules: [
    { protocol: 'tcp', ports: '22', sources: { addresses: ['0.0.0.0/0'] } },
    { protocol: 'tcp', ports: '6379', sources: { tags: ['redis'] } },
  ],
  outboundRules: [{ protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0'] } }],
};
const withoutRedisPort: NetworkFirewall = {
  ...replicaLink,
  inboundRules: replicaLink.inboundRules.slice(0, 1),
};

beforeAll(async () => {
  vpc = await createTestVpc(['redis-1', 'redis-2', 'redis-3']);
  [a, b, c] = vpc.droplets as [TestDroplet, TestDroplet, TestDroplet];
  network = new NftLabNetwork({
    namespace: vpc.namespace,
    addressesOf: (droplet) => [droplet.privateIp],
    privateDevice: (droplet) => `v${droplet.id}`,
  });
});

afterAll(async () => {
  await network?.close();
  await vpc?.destroy();
  expect(leftoverNamespaces()).toEqual([]);
});

describe('Cloud Firewall in the VPC namespace', () => {
  it('accepts everything while no firewall applies', async () => {
    await sync([]);
    expect(vpc.connect(a, b)).toBe('open');
    expect(vpc.connect('operator', b)).toBe('open');
  });

  it('drops a replica-style connection without a 6379 inbound rule, allows it with one (by tag)', async () => {
    a.tags = ['redis'];
    b.tags = ['redis'];
    await sync([withoutRedisPort]);
    expect(vpc.connect(b, a)).toBe('timeout');
    await sync([replicaLink]);
    expect(vpc.connect(b, a)).toBe('open');
    // c has no tag: not a source the rule names, and no firewall guards it
    expect(vpc.connect(c, a)).toBe('timeout');
    expect(vpc.connect(a, c)).toBe('open');
  });

  it('recompiles on a tag change: tagging c lets it in', async () => {
    c.tags = ['redis'];
    await sync([replicaLink]);
    expect(vpc.connect(c, a)).toBe('open');
    c.tags = [];
    await sync([replicaLink]);
    expect(vpc.connect(c, a)).toBe('timeout');
  });

  it('allows the operator side only where an address rule names it', async () => {
    expect(vpc.connect('operator', a, 22)).not.toBe('timeout'); // nothing listens on 22: refused, not dropped
    expect(vpc.connect('operator', a)).toBe('timeout');
  });

  it('a connection opened before a rule change is judged by the new rules', async () => {
    await sync([replicaLink]);
    const link = await vpc.hold(b, a);
    link.send('before');
    expect(await vpc.heard(a, 'before')).toBe(true);
    await sync([withoutRedisPort]);
    link.send('during');
    expect(await vpc.heard(a, 'during', 1500)).toBe(false);
    await sync([replicaLink]);
    // TCP retransmits what was held back once the rule allows it again.
    expect(await vpc.heard(a, 'during', 5000)).toBe(true);
    link.close();
  });

  it('no outbound rules means no outbound traffic; replies to allowed inbound still flow', async () => {
    const inboundOnly: NetworkFirewall = {
      name: 'closed-out',
      tags: [],
      dropletIds: [c.id],
      inboundRules: [{ protocol: 'tcp', ports: '0', sources: { addresses: ['0.0.0.0/0'] } }],
      outboundRules: [],
    };
    await sync([replicaLink, inboundOnly]);
    expect(vpc.connect(c, b)).toBe('timeout');
    expect(vpc.connect(b, c)).toBe('open');
    await sync([]);
    expect(vpc.connect(c, b)).toBe('open');
  });
});

describe('partitions', () => {
  it('between A and {B, C} drop both ways (timeouts, not refusals); B and C still talk; heal restores', async () => {
    await network.partition({ name: 'split', from: [a], to: [b, c], direction: 'both' });
    expect(vpc.connect(a, b)).toBe('timeout');
    expect(vpc.connect(b, a)).toBe('timeout');
    expect(vpc.connect(c, a)).toBe('timeout');
    expect(vpc.connect(b, c)).toBe('open');
    expect(vpc.connect('operator', a)).toBe('open');
    const healed = await network.heal('split');
    expect(healed.map((partition) => partition.name)).toEqual(['split']);
    expect(vpc.connect(a, b)).toBe('open');
    expect(vpc.connect(b, a)).toBe('open');
  });

  it('one-way drops only what goes from A towards B', async () => {
    await network.partition({ name: 'half', from: [a], to: [b], direction: 'one-way' });
    vpc.sendUdp(a, b, 'a-to-b');
    vpc.sendUdp(b, a, 'b-to-a');
    expect(await vpc.heard(a, 'b-to-a')).toBe(true);
    expect(await vpc.heard(b, 'a-to-b', 500)).toBe(false);
    await network.heal();
    vpc.sendUdp(a, b, 'a-to-b-healed');
    expect(await vpc.heard(b, 'a-to-b-healed')).toBe(true);
  });

  it("isolates a droplet from the operator's side only", async () => {
    await network.partition({ name: 'dark', from: [a], to: 'operator', direction: 'both' });
    expect(vpc.connect('operator', a)).toBe('timeout');
    expect(vpc.connect(b, a)).toBe('open');
    await network.heal('dark');
    expect(vpc.connect('operator', a)).toBe('open');
  });

  it('a partition holds even where the firewall allows the traffic', async () => {
    await sync([replicaLink]);
    await network.partition({ name: 'over-fw', from: [a], to: [b], direction: 'both' });
    expect(vpc.connect(b, a)).toBe('timeout');
    await network.heal();
    expect(vpc.connect(b, a)).toBe('open');
  });

  it('heals nothing when no partition is in force, and refuses a name that is not while another is', async () => {
    await expect(network.heal('nothing')).resolves.toEqual([]);
    await network.partition({ name: 'other', from: [a], to: [b], direction: 'both' });
    await expect(network.heal('nothing')).rejects.toThrow(
      /no partition named nothing is in force \(in force: other\)/,
    );
    await network.heal('other');
  });

  it('leaves no table after close', async () => {
    await network.partition({ name: 'left', from: [a], to: [b], direction: 'both' });
    await network.close();
    const tables = execFileSync('ip', ['netns', 'exec', vpc.namespace, 'nft', 'list', 'tables'], {
      encoding: 'utf8',
    });
    expect(tables.trim()).toBe('');
    expect(vpc.connect(a, b)).toBe('open');
  });
});

describe('a namespace that does not exist yet', () => {
  it('fails naming it, and applies once it exists', async () => {
    const later = `${vpc.namespace.replace(/-vpc$/, '')}-later`;
    const early = new NftLabNetwork({
      namespace: later,
      addressesOf: (droplet) => [droplet.privateIp],
      privateDevice: (droplet) => `v${droplet.id}`,
    });
    early.syncFirewalls(state([replicaLink]));
    await expect(early.settled()).rejects.toThrow(new RegExp(`namespace ${later}`));
    execFileSync('ip', ['netns', 'add', later]);
    try {
      early.syncFirewalls(state([withoutRedisPort]));
      await early.settled();
      const tables = execFileSync('ip', ['netns', 'exec', later, 'nft', 'list', 'tables'], {
        encoding: 'utf8',
      });
      expect(tables).toContain('drillbook_firewall');
    } finally {
      execFileSync('ip', ['netns', 'del', later]);
    }
  });
});

describe('delay and loss', () => {
  it('fail naming the missing sch_netem instead of doing nothing', async () => {
    const attempt = network.impair(a, { delayMs: 100 });
    if (!kernelHasNetem()) await expect(attempt).rejects.toThrow(/this kernel has no sch_netem/);
    else await attempt;
  });
});
