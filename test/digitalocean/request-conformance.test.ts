// Every request body the do action sends matches the official DigitalOcean OpenAPI spec's request schema,
// so what works against the emulator is what the real API accepts.
import { describe, expect, it } from 'vitest';
import { requestBodyProblems } from '../conformance/openapi.js';
import { runDo, withEmulator } from './helpers.js';

const api = withEmulator({}, { hookTimeoutMs: 120_000 });

describe('request bodies against the OpenAPI spec', () => {
  it('VPC, tags, droplets with cloud-init, firewall and power actions all conform', async () => {
    const bodies = [
      'op: vpc.ensure\nname: conf-vpc\nregion: nyc1\nip_range: 10.20.0.0/24\ndescription: conformance\nif_default: accept',
      'op: tags.ensure\nnames: [conf, redis]',
      'op: droplets.ensure\nnames: [conf-1, conf-2]\nregion: nyc1\nsize: s-1vcpu-1gb\nimage: ubuntu-24-04-x64\nvpc: conf-vpc\ntags: [conf, redis]\nmonitoring: true\nuser_data: { template: templates/redis-node.yaml, params: { replicaof: no one } }',
      'op: firewall.ensure\nname: conf-fw\ntags: [conf]\ninbound_rules: [{ protocol: tcp, ports: 6379, sources: { tags: [conf] } }, { protocol: icmp, sources: { addresses: [127.0.0.1/32] } }]\noutbound_rules: [{ protocol: udp, ports: 53, destinations: { addresses: [0.0.0.0/0] } }]',
      'op: firewall.ensure\nname: conf-fw\ntags: [conf]\ninbound_rules: [{ protocol: tcp, ports: 26379, sources: { tags: [conf] } }]',
      'op: droplets.action\ntype: power_cycle\nnames: [conf-1]',
    ];
    for (const body of bodies) {
      const run = await runDo(body, api.target);
      expect(run.outcome.ok, run.outcome.error).toBe(true);
    }
    const writes = api.emulator.requests.filter((r) => r.method === 'POST' || r.method === 'PUT');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v2/vpcs',
      'POST /v2/tags',
      'POST /v2/tags',
      'POST /v2/droplets',
      'POST /v2/firewalls',
      `PUT /v2/firewalls/${writes[5]?.path.split('/').at(-1)}`,
      `POST /v2/droplets/${writes[6]?.path.split('/')[3]}/actions`,
    ]);
    for (const request of writes) {
      const problems = await requestBodyProblems(request.method, request.path, request.body);
      expect(problems, `${request.method} ${request.path}`).toEqual([]);
    }
  }, 120_000);
});
