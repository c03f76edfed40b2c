// The provisioning path end to end over HTTP: VPC, tags, 5 droplets with cloud-init, firewall — then a
// re-run that adopts everything and creates nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { everything, mutatingRequests, REDIS_PASSWORD, runDo, withEmulator } from './helpers.js';

const api = withEmulator();

beforeAll(async () => {
  // nyc1 already has its default VPC, as most accounts do: drill-vpc below is an ordinary, deletable one.
  const home = await runDo(
    'op: vpc.ensure\nname: nyc1-home\nregion: nyc1\nip_range: 10.99.0.0/24\nif_default: accept',
    api.target,
  );
  expect(home.outcome.data).toMatchObject({ default: true, created: true });
});

const vpcBody = `op: vpc.ensure
name: drill-vpc
region: nyc1
ip_range: 10.10.0.0/24
description: Redis Sentinel drill`;

const dropletsBody = `op: droplets.ensure
names: [redis-1, redis-2, sentinel-1, sentinel-2, sentinel-3]
region: nyc1
size: s-1vcpu-1gb
image: ubuntu-24-04-x64
vpc: drill-vpc
tags: [drill, redis]
monitoring: true
user_data:
  template: templates/redis-node.yaml
  vars: { role: replica }
  params: { replicaof: "no one" }
wait: active`;

const firewallBody = `op: firewall.ensure
name: drill-fw
tags: [drill]
inbound_rules:
  - { protocol: tcp, ports: 6379, sources: { tags: [drill] } }
  - { protocol: tcp, ports: "26379", sources: { tags: [drill] } }
  - { protocol: tcp, ports: 22, sources: { addresses: [127.0.0.1/32] } }
outbound_rules:
  - { protocol: tcp, ports: all, destinations: { addresses: [0.0.0.0/0] } }`;

describe('provisioning against the emulator', () => {
  it('creates the VPC (mapped onto loopback), the tag, 5 droplets and the firewall', async () => {
    const vpc = await runDo(vpcBody, api.target);
    expect(vpc.outcome.ok, vpc.outcome.error).toBe(true);
    expect(vpc.outcome.data).toMatchObject({
      name: 'drill-vpc',
      region: 'nyc1',
      ip_range: '127.10.0.0/24',
      created: true,
    });

    const tags = await runDo('op: tags.ensure\nnames: [drill]', api.target);
    expect(tags.outcome.data).toEqual({ created: ['drill'], existing: [] });

    const droplets = await runDo(dropletsBody, api.target, { id: 'nodes' });
    expect(droplets.outcome.ok, droplets.outcome.error).toBe(true);
    const data = droplets.outcome.data as {
      droplets: Record<string, Record<string, unknown>>;
      created: string[];
    };
    expect(Object.keys(data.droplets)).toEqual([
      'redis-1',
      'redis-2',
      'sentinel-1',
      'sentinel-2',
      'sentinel-3',
    ]);
    expect(data.created).toHaveLength(5);
    for (const droplet of Object.values(data.droplets)) {
      expect(droplet).toMatchObject({
        status: 'active',
        region: 'nyc1',
        size: 's-1vcpu-1gb',
        tags: ['drill', 'redis'],
      });
      expect(droplet.private_ip).toMatch(/^127\.10\.0\.\d+$/);
      expect(droplet.public_ip).toMatch(/^127\./);
      expect(droplet.price_hourly).toBeGreaterThan(0);
    }
    // One create request for all five, with the rendered cloud-init (the secret is in the payload itself).
    const creates = api.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v2/droplets');
    expect(creates).toHaveLength(1);
    const sent = creates[0]?.body as { names: string[]; user_data: string; vpc_uuid: string };
    expect(sent.names).toHaveLength(5);
    expect(sent.user_data).toContain(`requirepass ${REDIS_PASSWORD}`);
    expect(sent.user_data).toContain('# role replica');
    expect(sent.user_data).toContain('replicaof no one');
    expect(sent.vpc_uuid).toBe((vpc.outcome.data as { id: string }).id);
    // ...but masked everywhere it is shown.
    expect(everything(droplets)).not.toContain(REDIS_PASSWORD);
    expect(droplets.t.progress.at(-1)?.message).toMatch(/^5 of 5 droplets active, \d+ s$/);
    expect(
      droplets.t.output.some((o) =>
        /creates 5 droplets \(s-1vcpu-1gb in nyc1\) at \$[\d.]+\/hour each/.test(o.line),
      ),
    ).toBe(true);

    const redis1 = data.droplets['redis-1'] as { private_ip: string };
    expect(droplets.t.namespace).toMatchObject({
      inventory: { 'redis-1': { host: redis1.private_ip, port: 6379, kind: 'redis' } },
    });

    const firewall = await runDo(firewallBody, api.target);
    expect(firewall.outcome.ok, firewall.outcome.error).toBe(true);
    expect(firewall.outcome.data).toMatchObject({ name: 'drill-fw', tags: ['drill'], outcome: 'created' });
  });

  it('publishes inventory with kinds from tags, and the op may override port and kind', async () => {
    const listed = await runDo('op: droplets.list\ntag: drill\ninventory: { kind: sentinel }', api.target);
    expect(listed.outcome.ok).toBe(true);
    expect(listed.t.namespace.inventory).toMatchObject({ 'sentinel-1': { port: 26379, kind: 'sentinel' } });
    expect(Object.keys(listed.t.namespace.inventory as object)).toHaveLength(5);
  });

  it('re-running every ensure adopts what exists and sends no create or update', async () => {
    const before = mutatingRequests(api.emulator).length;
    for (const body of [vpcBody, 'op: tags.ensure\nnames: [drill]', dropletsBody, firewallBody]) {
      const again = await runDo(body, api.target);
      expect(again.outcome.ok, again.outcome.error).toBe(true);
    }
    expect(mutatingRequests(api.emulator).slice(before)).toEqual([]);
    const droplets = await runDo(dropletsBody, api.target);
    expect(droplets.outcome.data).toMatchObject({
      created: [],
      adopted: ['redis-1', 'redis-2', 'sentinel-1', 'sentinel-2', 'sentinel-3'],
    });
    expect(api.emulator.droplets()).toHaveLength(5);
  });

  it('updates a firewall whose rules changed instead of creating another', async () => {
    const changed = firewallBody.replace('ports: 22', 'ports: 2222');
    const run = await runDo(changed, api.target);
    expect(run.outcome.data).toMatchObject({ outcome: 'updated' });
    const writes = mutatingRequests(api.emulator).filter((r) => r.path.startsWith('/v2/firewalls'));
    expect(writes.map((r) => r.method)).toEqual(['POST', 'PUT']);
  });

  it('refuses to adopt a droplet that has the name but not the runbook tags', async () => {
    const run = await runDo(
      dropletsBody.replace('tags: [drill, redis]', 'tags: [drill, other-team]'),
      api.target,
    );
    expect(run.outcome.ok).toBe(false);
    expect(run.outcome.error).toMatch(
      /a droplet named redis-1 already exists .* without the tags drill, other-team/,
    );
  });

  it('deletes droplets (adopting "already gone") and then the VPC', async () => {
    const deleted = await runDo(
      'op: droplets.delete\nnames: [redis-1, redis-2, sentinel-1, sentinel-2, sentinel-3, ghost]\ntags: [drill]',
      api.target,
    );
    expect(deleted.outcome.ok, deleted.outcome.error).toBe(true);
    expect(deleted.outcome.data).toMatchObject({ absent: ['ghost'] });
    expect(api.emulator.droplets()).toHaveLength(0);
    // DigitalOcean (and the emulator, for vpcReleaseMs) still answers 403 right after the droplets went.
    const vpc = await runDo('op: vpc.delete\nname: drill-vpc', api.target);
    expect(vpc.outcome).toMatchObject({ ok: true, summary: 'VPC drill-vpc deleted' });
    expect(vpc.t.output.map((o) => o.line)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^VPC drill-vpc not deletable yet \(403: Can not delete VPC with members/),
      ]),
    );
    const refusals = api.emulator.requests.filter(
      (r) => r.method === 'DELETE' && r.path.startsWith('/v2/vpcs/'),
    );
    expect(refusals.at(0)?.status).toBe(403);
    expect(refusals.at(-1)?.status).toBe(204);
    const again = await runDo('op: vpc.delete\nname: drill-vpc', api.target);
    expect(again.outcome.summary).toBe('VPC drill-vpc already absent');
  });

  it('leaves a region default VPC in place, refuses to adopt a VPC with another range, and names an overlap', async () => {
    const home = await runDo('op: vpc.delete\nname: nyc1-home', api.target);
    expect(home.outcome).toMatchObject({ ok: true, data: { deleted: false, default: true } });
    expect(home.outcome.summary).toMatch(/left in place: it is the default VPC of nyc1/);

    const other = await runDo(
      'op: vpc.ensure\nname: nyc1-home\nregion: nyc1\nip_range: 10.98.0.0/24',
      api.target,
    );
    expect(other.outcome.ok).toBe(false);
    expect(other.outcome.error).toMatch(
      /VPC nyc1-home already exists with the range 127\.99\.0\.0\/24, not 10\.98\.0\.0\/24.*--var vpc_range=/,
    );

    const clash = await runDo(
      'op: vpc.ensure\nname: clash\nregion: nyc1\nip_range: 10.99.0.0/25',
      api.target,
    );
    expect(clash.outcome.ok).toBe(false);
    expect(clash.outcome.error).toMatch(/overlaps the range 10\.99\.0\.0\/24 of VPC nyc1-home/);
    expect(clash.outcome.error).toMatch(/--var vpc_range=10\.20\.0\.0\/24/);
  });
});
