import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, settle, startLab } from './client.js';
import { expectConforms } from './openapi.js';

let lab: Lab;
let dropletId: number;
beforeAll(async () => {
  lab = await startLab();
  const created = await lab.client.droplet.createDroplet({
    name: 'sentinel-1',
    region: 'fra1',
    size: 's-1vcpu-1gb',
    image: 'ubuntu-24-04-x64',
    tags: ['sentinel'],
  });
  dropletId = created.data.droplet.id;
  await lab.emulator.idle();
});
afterAll(() => lab.emulator.close());

const sentinelRule = { protocol: 'tcp', ports: '26379', sources: { tags: ['sentinel'] } };
const sshRule = { protocol: 'tcp', ports: '22', sources: { addresses: ['0.0.0.0/0'] } };
const egress = { protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } };

describe('spec conformance through dots-wrapper: tags and firewalls', () => {
  it('tag.createTag, getTag, listTags, tagResources, untagResources, deleteTag', async () => {
    await expectConforms('post', '/v2/tags', await lab.client.tag.createTag({ name: 'primary' }));
    const resources = [{ resource_id: String(dropletId), resource_type: 'droplet' }];
    await expectConforms(
      'post',
      '/v2/tags/{tag_id}/resources',
      await lab.client.tag.tagResources({ tag_name: 'primary', resources }),
    );
    const tag = await lab.client.tag.getTag({ tag_name: 'primary' });
    expect(tag.data.tag.resources?.count).toBe(1);
    await expectConforms('get', '/v2/tags/{tag_id}', tag);
    await expectConforms('get', '/v2/tags', await lab.client.tag.listTags({}));
    const untagged = await lab.client.tag.untagResources({ tag_name: 'primary', resources });
    await expectConforms('delete', '/v2/tags/{tag_id}/resources', untagged);
    await expectConforms(
      'delete',
      '/v2/tags/{tag_id}',
      await lab.client.tag.deleteTag({ tag_name: 'primary' }),
    );
    const missing = await settle(lab.client.tag.getTag({ tag_name: 'primary' }));
    expect(missing.status).toBe(404);
    await expectConforms('get', '/v2/tags/{tag_id}', missing);
  });

  it('firewall.createFirewall, getFirewall, listFirewalls, updateFirewall, deleteFirewall', async () => {
    const created = await lab.client.firewall.createFirewall({
      name: 'sentinel-fw',
      inbound_rules: [sentinelRule],
      outbound_rules: [egress],
      tags: ['sentinel'],
    } as never);
    expect(created.status).toBe(202);
    await expectConforms('post', '/v2/firewalls', created);
    const id = created.data.firewall.id ?? '';
    await expectConforms(
      'get',
      '/v2/firewalls/{firewall_id}',
      await lab.client.firewall.getFirewall({ firewall_id: id }),
    );
    await expectConforms('get', '/v2/firewalls', await lab.client.firewall.listFirewalls({}));
    const updated = await lab.client.firewall.updateFirewall({
      id,
      name: 'sentinel-fw',
      inbound_rules: [sentinelRule, sshRule],
      outbound_rules: [egress],
      droplet_ids: [dropletId],
      tags: [],
    } as never);
    await expectConforms('put', '/v2/firewalls/{firewall_id}', updated);
    const invalid = await settle(
      lab.client.firewall.updateFirewall({
        id,
        name: 'sentinel-fw',
        inbound_rules: [{ ...sshRule, ports: 'ssh' }],
      } as never),
    );
    expect(invalid.status).toBe(422);
    await expectConforms('put', '/v2/firewalls/{firewall_id}', invalid);
    await expectConforms(
      'delete',
      '/v2/firewalls/{firewall_id}',
      await lab.client.firewall.deleteFirewall({ firewall_id: id }),
    );
  });

  it('firewall rules, droplets and tags: add and remove', async () => {
    const created = await lab.client.firewall.createFirewall({
      name: 'fw',
      inbound_rules: [sshRule],
    } as never);
    const firewall_id = created.data.firewall.id ?? '';
    const rules = { firewall_id, inbound_rules: [sentinelRule], outbound_rules: [egress] } as never;
    await expectConforms(
      'post',
      '/v2/firewalls/{firewall_id}/rules',
      await lab.client.firewall.addRulesToFirewall(rules),
    );
    await expectConforms(
      'delete',
      '/v2/firewalls/{firewall_id}/rules',
      await lab.client.firewall.removeRulesFromFirewall(rules),
    );
    const droplets = { firewall_id, droplet_ids: [dropletId] };
    await expectConforms(
      'post',
      '/v2/firewalls/{firewall_id}/droplets',
      await lab.client.firewall.addDropletsToFirewall(droplets),
    );
    await expectConforms(
      'delete',
      '/v2/firewalls/{firewall_id}/droplets',
      await lab.client.firewall.removeDropletsFromFirewall(droplets),
    );
    const tags = { firewall_id, tags: ['sentinel'] };
    await expectConforms(
      'post',
      '/v2/firewalls/{firewall_id}/tags',
      await lab.client.firewall.addTagsToFirewall(tags),
    );
    await expectConforms(
      'delete',
      '/v2/firewalls/{firewall_id}/tags',
      await lab.client.firewall.removeTagsFromFirewall(tags),
    );
    const after = await lab.client.firewall.getFirewall({ firewall_id });
    expect(after.data.firewall).toMatchObject({
      inbound_rules: [sshRule],
      outbound_rules: [],
      droplet_ids: [],
      tags: [],
    });
  });
});
