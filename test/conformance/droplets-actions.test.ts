import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, settle, startLab } from './client.js';
import { expectConforms } from './openapi.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(() => lab.emulator.close());

const spec = { region: 'fra1', size: 's-1vcpu-1gb', image: 'ubuntu-24-04-x64', tags: ['redis'] };

describe('spec conformance through dots-wrapper: droplets and actions', () => {
  it('droplet.createDroplet, createDroplets, getDroplet (new and active), listDroplets', async () => {
    const single = await lab.client.droplet.createDroplet({ name: 'redis-1', ...spec });
    expect(single.status).toBe(202);
    await expectConforms('post', '/v2/droplets', single);
    const many = await lab.client.droplet.createDroplets({ names: ['redis-2', 'redis-3'], ...spec });
    await expectConforms('post', '/v2/droplets', many);
    const id = single.data.droplet.id;
    await expectConforms(
      'get',
      '/v2/droplets/{droplet_id}',
      await lab.client.droplet.getDroplet({ droplet_id: id }),
    );
    await lab.emulator.idle();
    const active = await lab.client.droplet.getDroplet({ droplet_id: id });
    expect(active.data.droplet.status).toBe('active');
    await expectConforms('get', '/v2/droplets/{droplet_id}', active);
    const page = await lab.client.droplet.listDroplets({ tag_name: 'redis', per_page: 2, page: 2 });
    expect(page.data.meta?.total).toBe(3);
    await expectConforms('get', '/v2/droplets', page);
  });

  it('power actions by id, by tag, and the 422 of a locked droplet', async () => {
    const [droplet] = (await lab.client.droplet.listDroplets({ tag_name: 'redis' })).data.droplets;
    const droplet_id = droplet?.id ?? 0;
    const calls = [
      () => lab.client.droplet.powerOffDroplet({ droplet_id }),
      () => lab.client.droplet.powerOnDroplet({ droplet_id }),
      () => lab.client.droplet.shutdownDroplet({ droplet_id }),
      () => lab.client.droplet.rebootDroplet({ droplet_id }),
      () => lab.client.droplet.powerCycleDroplet({ droplet_id }),
    ];
    for (const call of calls) {
      const release = lab.runtime.hold();
      const started = await call();
      expect(started.status).toBe(201);
      await expectConforms('post', '/v2/droplets/{droplet_id}/actions', started);
      const locked = await settle(lab.client.droplet.powerOffDroplet({ droplet_id }));
      expect(locked.status).toBe(422);
      await expectConforms('post', '/v2/droplets/{droplet_id}/actions', locked);
      release();
      await lab.emulator.idle();
    }
    const byTag = await lab.client.droplet.doActionByDropletTag({ tag_name: 'redis', type: 'power_cycle' });
    expect(byTag.data.actions).toHaveLength(3);
    await expectConforms('post', '/v2/droplets/actions', byTag);
    await lab.emulator.idle();
  });

  it('droplet.listDropletActions, getDropletAction, action.listActions, action.getAction', async () => {
    const [droplet] = (await lab.client.droplet.listDroplets({ tag_name: 'redis' })).data.droplets;
    const droplet_id = droplet?.id ?? 0;
    const own = await lab.client.droplet.listDropletActions({ droplet_id, per_page: 3 });
    await expectConforms('get', '/v2/droplets/{droplet_id}/actions', own);
    const action_id = own.data.actions[0]?.id ?? 0;
    const one = await lab.client.droplet.getDropletAction({ droplet_id, action_id });
    await expectConforms('get', '/v2/droplets/{droplet_id}/actions/{action_id}', one);
    await expectConforms('get', '/v2/actions', await lab.client.action.listActions({ per_page: 4, page: 2 }));
    await expectConforms('get', '/v2/actions/{action_id}', await lab.client.action.getAction({ action_id }));
    const missing = await settle(lab.client.action.getAction({ action_id: 1 }));
    expect(missing.status).toBe(404);
    await expectConforms('get', '/v2/actions/{action_id}', missing);
  });

  it('droplet.deleteDroplet, deleteDropletsByTag, and 422 for eleven names', async () => {
    const names = Array.from({ length: 11 }, (_, index) => `n${index}`);
    const tooMany = await settle(lab.client.droplet.createDroplets({ names, ...spec }));
    expect(tooMany.status).toBe(422);
    await expectConforms('post', '/v2/droplets', tooMany);
    const [first] = (await lab.client.droplet.listDroplets({})).data.droplets;
    const deleted = await lab.client.droplet.deleteDroplet({ droplet_id: first?.id ?? 0 });
    await expectConforms('delete', '/v2/droplets/{droplet_id}', deleted);
    const byTag = await lab.client.droplet.deleteDropletsByTag({ tag_name: 'redis' });
    expect(byTag.status).toBe(204);
    await expectConforms('delete', '/v2/droplets', byTag);
    expect((await lab.client.droplet.listDroplets({})).data.droplets).toEqual([]);
  });
});
