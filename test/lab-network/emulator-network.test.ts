// From the DigitalOcean API to the kernel: firewalls, tags and droplets changed through the real dots-wrapper
// client against the lab emulator are recompiled into the VPC namespace at once, and the lab action's
// partition/heal cut and restore real sockets, each on the run's timeline.
// Run under the integration lock: flock /tmp/drillbook-integration.lock npx vitest run test/lab-network
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiClient } from 'dots-wrapper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAction } from '../../src/actions/lab/index.js';
import { createTestContext, parsedAction } from '../../src/actions/test-context.js';
import { type Emulator, startEmulator } from '../../src/lab/emulator/index.js';
import { NftLabNetwork } from '../../src/lab/network/lab-network.js';
import type { DropletRuntime } from '../../src/lab/runtime.js';
import {
  createTestVpc,
  kernelHasNetem,
  leftoverNamespaces,
  type TestDroplet,
  type TestVpc,
} from './vpc-fixture.js';

const TOKEN = 'lab-network-test-token';
let vpc: TestVpc;
let network: NftLabNetwork;
let emulator: Emulator;
let client: ReturnType<typeof createApiClient>;
let redis1: TestDroplet;
let redis2: TestDroplet;
let bastion: TestDroplet;
const ids = new Map<string, number>();

beforeAll(async () => {
  vpc = await createTestVpc(['redis-1', 'redis-2', 'bastion'], '10.78.0');
  [redis1, redis2, bastion] = vpc.droplets as [TestDroplet, TestDroplet, TestDroplet];
  const byAddress = (address: string) => vpc.droplets.find((droplet) => droplet.privateIp === address);
  network = new NftLabNetwork({
    namespace: vpc.namespace,
    addressesOf: (droplet) => [droplet.privateIp],
    privateDevice: (droplet) => `v${byAddress(droplet.privateIp)?.id}`,
  });
  // The namespaces stand in for the containers: power actions have nothing to do here, the network does.
  const idle = async () => undefined;
  const runtime: DropletRuntime = {
    boot: idle,
    powerOff: idle,
    shutdown: idle,
    powerOn: idle,
    restart: idle,
    destroy: idle,
    freeze: idle,
    thaw: idle,
    network,
  };
  emulator = await startEmulator({
    token: TOKEN,
    runtime,
    addressMode: 'private',
    defaultVpcRange: '10.78.0.0/24',
    bootDelayMs: 10,
    actionDelayMs: 10,
  });
  client = createApiClient({ endpoint: emulator.url, token: TOKEN });
  for (const [name, tag] of [
    ['redis-1', 'redis'],
    ['redis-2', 'redis'],
    ['bastion', 'bastion'],
  ] as const) {
    const { data } = await client.droplet.createDroplet({
      name,
      region: 'nyc3',
      size: 's-1vcpu-1gb',
      image: 'ubuntu-24-04-x64',
      tags: [tag],
    });
    ids.set(name, data.droplet.id);
  }
  while ((await client.droplet.listDroplets({})).data.droplets.some((d) => d.status !== 'active'))
    await sleep(10);
});

afterAll(async () => {
  await emulator?.close();
  await network?.close();
  await vpc?.destroy();
  expect(leftoverNamespaces()).toEqual([]);
});

const settle = () => network.settled();

describe('the emulator drives the VPC namespace', () => {
  it('gives the droplets the addresses the namespaces carry', async () => {
    const listed = (await client.droplet.listDroplets({})).data.droplets;
    const privateIp = (name: string) =>
      listed.find((d) => d.name === name)?.networks.v4.find((n) => n.type === 'private')?.ip_address;
    expect([privateIp('redis-1'), privateIp('redis-2'), privateIp('bastion')]).toEqual(
      vpc.droplets.map((droplet) => droplet.privateIp),
    );
  });

  it('a firewall created, amended and re-tagged through the API takes effect on real sockets', async () => {
    await settle();
    expect(vpc.connect(redis2, redis1)).toBe('open');
    const { data } = await client.firewall.createFirewall({
      name: 'redis',
      tags: ['redis'],
      droplet_ids: [],
      inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['0.0.0.0/0'] } }],
      outbound_rules: [{ protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0'] } }],
    } as never);
    await settle();
    // Without a 6379 rule the replica cannot reach its master.
    expect(vpc.connect(redis2, redis1)).toBe('timeout');
    await client.firewall.addRulesToFirewall({
      firewall_id: data.firewall.id,
      inbound_rules: [{ protocol: 'tcp', ports: '6379', sources: { tags: ['redis', 'bastion'] } }],
      outbound_rules: [],
    } as never);
    await settle();
    expect(vpc.connect(redis2, redis1)).toBe('open');
    expect(vpc.connect(bastion, redis1)).toBe('open');
    // Untagging the bastion takes it out of the rule's sources.
    await client.tag.untagResources({
      tag_name: 'bastion',
      resources: [{ resource_id: String(ids.get('bastion')), resource_type: 'droplet' }],
    });
    await settle();
    expect(vpc.connect(bastion, redis1)).toBe('timeout');
    // Deleting the firewall opens everything again.
    await client.firewall.deleteFirewall({ firewall_id: data.firewall.id as string });
    await settle();
    expect(vpc.connect(bastion, redis1)).toBe('open');
  });
});

describe('lab action partition/heal', () => {
  const run = async (attrs: Record<string, string>) => {
    const { spec, action } = parsedAction(labAction, { attrs });
    const t = createTestContext({ action, target: { name: 'lab', apiUrl: emulator.url, token: TOKEN } });
    const outcome = await labAction.run(spec, t.ctx);
    return { outcome, timeline: t.timeline };
  };

  it('cuts the master from the rest both ways and heals, each on the timeline', async () => {
    const cut = await run({ op: 'partition', name: 'split', from: 'redis-1', to: 'redis-2,bastion' });
    expect(cut.outcome).toMatchObject({
      ok: true,
      summary: expect.stringContaining('redis-1 ⇹ redis-2, bastion'),
    });
    expect(cut.timeline).toEqual([
      { source: 'fault', name: 'partition', detail: 'split: redis-1 ⇹ redis-2, bastion' },
    ]);
    expect(vpc.connect(redis2, redis1)).toBe('timeout');
    expect(vpc.connect(redis1, bastion)).toBe('timeout');
    expect(vpc.connect(redis2, bastion)).toBe('open');
    const healed = await run({ op: 'heal', name: 'split' });
    expect(healed.outcome.ok).toBe(true);
    expect(healed.timeline).toEqual([
      { source: 'lab', name: 'heal', detail: 'split: redis-1 ⇹ redis-2, bastion' },
    ]);
    expect(vpc.connect(redis2, redis1)).toBe('open');
  });

  it("isolates a node from the operator's side only", async () => {
    expect((await run({ op: 'partition', from: 'redis-2', to: 'operator' })).outcome.ok).toBe(true);
    expect(vpc.connect('operator', redis2)).toBe('timeout');
    expect(vpc.connect(redis1, redis2)).toBe('open');
    expect((await run({ op: 'heal' })).outcome.ok).toBe(true);
    expect(vpc.connect('operator', redis2)).toBe('open');
  });

  it('says which droplet it does not know, and what is in force when heal names nothing there', async () => {
    const unknown = await run({ op: 'partition', from: 'redis-9', to: 'redis-1' });
    expect(unknown.outcome.error).toMatch(
      /"redis-9" is not a droplet of the lab \(it has redis-1, redis-2, bastion\)/,
    );
    const idle = await run({ op: 'heal', name: 'never' });
    expect(idle.outcome).toMatchObject({ ok: true, summary: 'no partition was in force' });
    await run({ op: 'partition', name: 'cut', from: 'redis-1', to: 'redis-2' });
    const heal = await run({ op: 'heal', name: 'never' });
    expect(heal.outcome.error).toMatch(/no partition named never is in force \(in force: cut\)/);
    expect([...unknown.timeline, ...heal.timeline]).toEqual([]);
    expect((await run({ op: 'heal', name: 'cut' })).outcome.ok).toBe(true);
  });

  it('delay fails with the kernel reason when sch_netem is missing, and records no fault', async () => {
    const { outcome, timeline } = await run({ op: 'delay', node: 'redis-1', delay: '200ms' });
    if (!kernelHasNetem()) {
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(/this kernel has no sch_netem/);
      expect(timeline).toEqual([]);
    } else {
      expect(outcome.ok).toBe(true);
      expect(timeline[0]).toMatchObject({ source: 'fault', name: 'delay' });
      await run({ op: 'delay', node: 'redis-1', delay: '0ms' });
    }
  });
});
