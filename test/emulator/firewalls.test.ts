import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropletBody, startTestEmulator, type TestApi } from './helpers.js';

let api: TestApi;
let dropletId: number;
beforeEach(async () => {
  api = await startTestEmulator();
  await api.call('POST', '/v2/tags', { name: 'sentinel' });
  dropletId = (await api.call('POST', '/v2/droplets', dropletBody({ tags: ['redis'] }))).body.droplet.id;
});
afterEach(() => api.emulator.close());

const redisRule = { protocol: 'tcp', ports: '6379', sources: { tags: ['redis', 'sentinel'] } };
const sshRule = { protocol: 'tcp', ports: '22', sources: { addresses: ['0.0.0.0/0', '::/0'] } };
const outbound = { protocol: 'icmp', destinations: { addresses: ['0.0.0.0/0'] } };
const firewallBody = (extra: Record<string, unknown> = {}) => ({
  name: 'redis-fw',
  inbound_rules: [redisRule],
  outbound_rules: [outbound],
  tags: ['redis'],
  ...extra,
});

describe('firewalls', () => {
  it('creates (202), gets, lists, replaces (PUT) and deletes a firewall', async () => {
    const created = await api.call('POST', '/v2/firewalls', firewallBody({ droplet_ids: [dropletId] }));
    expect(created.status).toBe(202);
    const firewall = created.body.firewall;
    expect(firewall).toMatchObject({
      name: 'redis-fw',
      status: 'succeeded',
      pending_changes: [],
      inbound_rules: [redisRule],
      outbound_rules: [{ ...outbound, ports: '0' }],
      droplet_ids: [dropletId],
      tags: ['redis'],
    });
    expect((await api.call('GET', `/v2/firewalls/${firewall.id}`)).body.firewall).toEqual(firewall);
    expect((await api.call('GET', '/v2/firewalls')).body).toMatchObject({
      firewalls: [firewall],
      meta: { total: 1 },
    });
    const replaced = await api.call('PUT', `/v2/firewalls/${firewall.id}`, {
      name: 'renamed',
      inbound_rules: [sshRule],
    });
    expect(replaced.body.firewall).toMatchObject({
      name: 'renamed',
      inbound_rules: [sshRule],
      outbound_rules: [],
      tags: [],
    });
    expect((await api.call('DELETE', `/v2/firewalls/${firewall.id}`)).status).toBe(204);
    expect((await api.call('GET', `/v2/firewalls/${firewall.id}`)).status).toBe(404);
  });

  it('adds and removes rules, droplets and tags without duplicates', async () => {
    const id = (await api.call('POST', '/v2/firewalls', firewallBody())).body.firewall.id;
    const get = async () => (await api.call('GET', `/v2/firewalls/${id}`)).body.firewall;
    expect(
      (await api.call('POST', `/v2/firewalls/${id}/rules`, { inbound_rules: [sshRule, redisRule] })).status,
    ).toBe(204);
    expect((await get()).inbound_rules).toEqual([redisRule, sshRule]);
    await api.call('DELETE', `/v2/firewalls/${id}/rules`, { inbound_rules: [redisRule] });
    expect((await get()).inbound_rules).toEqual([sshRule]);
    await api.call('POST', `/v2/firewalls/${id}/droplets`, { droplet_ids: [dropletId, dropletId] });
    expect((await get()).droplet_ids).toEqual([dropletId]);
    await api.call('POST', `/v2/firewalls/${id}/tags`, { tags: ['sentinel'] });
    expect((await get()).tags).toEqual(['redis', 'sentinel']);
    await api.call('DELETE', `/v2/firewalls/${id}/tags`, { tags: ['redis'] });
    await api.call('DELETE', `/v2/firewalls/${id}/droplets`, { droplet_ids: [dropletId] });
    expect(await get()).toMatchObject({ tags: ['sentinel'], droplet_ids: [] });
    await api.emulator.idle();
    await api.call('POST', `/v2/firewalls/${id}/droplets`, { droplet_ids: [dropletId] });
    await api.call('DELETE', `/v2/droplets/${dropletId}`);
    expect((await get()).droplet_ids).toEqual([]);
  });

  it('answers 422 naming the field for every invalid firewall', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: undefined }, /^name is required/],
      [{ name: '-fw' }, /^name "-fw" may only contain/],
      [{ inbound_rules: 'all' }, /^inbound_rules must be an array of rules/],
      [
        { inbound_rules: [{ ...redisRule, protocol: 'sctp' }] },
        /^inbound_rules\[0\]\.protocol must be tcp, udp or icmp/,
      ],
      [
        { inbound_rules: [{ ...redisRule, ports: undefined }] },
        /^inbound_rules\[0\]\.ports is required for tcp/,
      ],
      [
        { inbound_rules: [{ ...redisRule, ports: '70000' }] },
        /^inbound_rules\[0\]\.ports "70000" is not a port/,
      ],
      [{ inbound_rules: [{ ...redisRule, ports: '9-1' }] }, /^inbound_rules\[0\]\.ports "9-1" is not a port/],
      [
        { inbound_rules: [{ ...redisRule, sources: {} }] },
        /^inbound_rules\[0\]\.sources must name at least one/,
      ],
      [{ inbound_rules: [{ protocol: 'tcp', ports: '22' }] }, /^inbound_rules\[0\]\.sources is required/],
      [
        { inbound_rules: [{ ...redisRule, sources: { tags: ['ghost'] } }] },
        /^inbound_rules\[0\]\.sources\.tags\[0\] "ghost" is not a tag/,
      ],
      [
        { inbound_rules: [{ ...redisRule, sources: { addresses: ['10.0.0.300'] } }] },
        /sources\.addresses\[0\] "10\.0\.0\.300" is not an IP/,
      ],
      [
        { inbound_rules: [{ ...redisRule, sources: { droplet_ids: [1] } }] },
        /sources\.droplet_ids\[0\] 1 is not a droplet/,
      ],
      [
        { outbound_rules: [{ protocol: 'udp', ports: '53', destinations: { addresses: 'x' } }] },
        /^outbound_rules\[0\]\.destinations\.addresses must be an array/,
      ],
      [{ droplet_ids: [12] }, /^droplet_ids\[0\] 12 is not a droplet/],
      [{ tags: ['ghost'] }, /^tags\[0\] "ghost" is not a tag/],
      [{ tags: 'redis' }, /^tags must be an array of strings/],
      [{ droplet_ids: 'all' }, /^droplet_ids must be an array of droplet ids/],
    ];
    for (const [extra, message] of cases) {
      const reply = await api.call('POST', '/v2/firewalls', firewallBody(extra));
      expect(reply.status, JSON.stringify(extra)).toBe(422);
      expect(reply.body.message).toMatch(message);
    }
    const id = (await api.call('POST', '/v2/firewalls', firewallBody())).body.firewall.id;
    expect((await api.call('POST', `/v2/firewalls/${id}/rules`, {})).body.message).toMatch(
      /^inbound_rules or outbound_rules must hold/,
    );
    expect((await api.call('POST', `/v2/firewalls/${id}/droplets`, {})).body.message).toMatch(
      /^droplet_ids must hold/,
    );
    expect((await api.call('DELETE', `/v2/firewalls/${id}/tags`, { tags: [] })).body.message).toMatch(
      /^tags must hold/,
    );
    expect((await api.call('POST', '/v2/firewalls/nope/tags', { tags: ['redis'] })).status).toBe(404);
  });
});
