import { afterEach, describe, expect, it } from 'vitest';
import { dropletBody, RecordingRuntime, startTestEmulator, type TestApi } from './helpers.js';

let api: TestApi;
afterEach(() => api.emulator.close());

async function bootedDroplets(names: string[], runtime?: RecordingRuntime, tags = ['redis']) {
  api = await startTestEmulator(runtime ? { runtime } : {});
  const reply = await api.call('POST', '/v2/droplets', dropletBody({ name: undefined, names, tags }));
  await api.emulator.idle();
  return reply.body.droplets as Array<{ id: number; name: string }>;
}

const act = (id: number, type: string) => api.call('POST', `/v2/droplets/${id}/actions`, { type });
const statusOf = async (id: number) => (await api.call('GET', `/v2/droplets/${id}`)).body.droplet;

describe('droplet power actions', () => {
  it('drives each power action through the runtime and leaves the status the API documents', async () => {
    const runtime = new RecordingRuntime();
    const [droplet] = await bootedDroplets(['redis-1'], runtime);
    const id = droplet?.id ?? 0;
    const expectations: Array<[string, string, Array<string>]> = [
      ['power_off', 'off', ['powerOff', 'redis-1']],
      ['power_on', 'active', ['powerOn', 'redis-1']],
      ['shutdown', 'off', ['shutdown', 'redis-1']],
      ['reboot', 'active', ['powerOn', 'redis-1']],
      ['reboot', 'active', ['restart', 'redis-1', 'graceful']],
      ['power_cycle', 'active', ['restart', 'redis-1', 'kill']],
    ];
    for (const [type, status, call] of expectations) {
      const release = runtime.hold();
      const started = await act(id, type);
      expect(started.status).toBe(201);
      expect(started.body.action).toMatchObject({
        type,
        status: 'in-progress',
        resource_id: id,
        completed_at: null,
      });
      expect((await statusOf(id)).locked).toBe(true);
      release();
      await api.emulator.idle();
      expect(await statusOf(id)).toMatchObject({ status, locked: false });
      expect(runtime.calls.at(-1)).toEqual(call);
    }
  });

  it('skips the runtime when the droplet is already in the requested state', async () => {
    const runtime = new RecordingRuntime();
    const [droplet] = await bootedDroplets(['redis-1'], runtime);
    await act(droplet?.id ?? 0, 'power_on');
    await api.emulator.idle();
    expect(runtime.calls.map(([operation]) => operation)).toEqual(['boot']);
  });

  it('answers 422 "Droplet already has a pending event." while an action runs, and for unsupported types', async () => {
    const runtime = new RecordingRuntime();
    api = await startTestEmulator({ runtime, actionDelayMs: 60_000 });
    const releaseBoot = runtime.hold();
    const droplet = (await api.call('POST', '/v2/droplets', dropletBody())).body.droplet;
    const duringBoot = await act(droplet.id, 'power_off');
    expect(duringBoot).toMatchObject({
      status: 422,
      body: { id: 'unprocessable_entity', message: 'Droplet already has a pending event.' },
    });
    releaseBoot();
    await api.emulator.idle();
    expect((await act(droplet.id, 'power_off')).status).toBe(201);
    expect((await act(droplet.id, 'power_on')).body.message).toBe('Droplet already has a pending event.');
    expect((await act(droplet.id, 'snapshot')).body.message).toMatch(
      /^type "snapshot" is not supported by the lab emulator/,
    );
    expect((await api.call('POST', `/v2/droplets/${droplet.id}/actions`, {})).body.message).toMatch(
      /^type is required/,
    );
    expect((await act(424242, 'power_on')).status).toBe(404);
  });

  it('acts on every droplet with a tag, and refuses when one of them is busy', async () => {
    const runtime = new RecordingRuntime();
    const [first] = await bootedDroplets(['redis-1', 'redis-2'], runtime);
    const release = runtime.hold();
    const byTag = await api.call('POST', '/v2/droplets/actions?tag_name=redis', { type: 'shutdown' });
    expect(byTag.status).toBe(201);
    expect(byTag.body.actions.map((action: { type: string }) => action.type)).toEqual([
      'shutdown',
      'shutdown',
    ]);
    const busy = await api.call('POST', '/v2/droplets/actions?tag_name=redis', { type: 'power_on' });
    expect(busy.body.message).toMatch(/^tag_name Droplet already has a pending event: redis-1, redis-2/);
    release();
    await api.emulator.idle();
    expect((await statusOf(first?.id ?? 0)).status).toBe('off');
    expect(runtime.calls.filter(([operation]) => operation === 'shutdown')).toHaveLength(2);
    const missing = await api.call('POST', '/v2/droplets/actions?tag_name=ghost', { type: 'power_on' });
    expect(missing).toMatchObject({
      status: 404,
      body: { message: 'Droplets tagged ghost could not be found.' },
    });
    expect((await api.call('POST', '/v2/droplets/actions', { type: 'power_on' })).body.message).toMatch(
      /^tag_name is required/,
    );
  });

  it('marks the action errored and shows the runtime error when a boot fails', async () => {
    const runtime = new RecordingRuntime();
    runtime.failing.set('boot:redis-1', 'redis-server exited with code 1: bind 127.10.0.10:6379 in use');
    api = await startTestEmulator({ runtime });
    const reply = await api.call('POST', '/v2/droplets', dropletBody());
    await api.emulator.idle();
    const action = (await api.call('GET', `/v2/actions/${reply.body.links.actions[0].id}`)).body.action;
    expect(action).toMatchObject({
      status: 'errored',
      lab_error: expect.stringMatching(/bind 127\.10\.0\.10:6379 in use/),
    });
    const droplet = await statusOf(reply.body.droplet.id);
    expect(droplet).toMatchObject({
      status: 'off',
      locked: false,
      lab_error: expect.stringMatching(/^create failed: redis-server exited/),
    });
    runtime.failing.clear();
    await act(droplet.id, 'power_on');
    await api.emulator.idle();
    const recovered = await statusOf(droplet.id);
    expect(recovered.status).toBe('active');
    expect(recovered.lab_error).toBeUndefined();
  });
});

describe('actions', () => {
  it('lists actions newest first, per droplet and overall, and gets them by id', async () => {
    const [one, two] = await bootedDroplets(['redis-1', 'redis-2']);
    await act(one?.id ?? 0, 'reboot');
    await api.emulator.idle();
    const all = (await api.call('GET', '/v2/actions')).body;
    expect(all.meta.total).toBe(3);
    expect(all.actions.map((action: { type: string }) => action.type)).toEqual([
      'reboot',
      'create',
      'create',
    ]);
    const own = (await api.call('GET', `/v2/droplets/${one?.id}/actions`)).body.actions;
    expect(own.map((action: { type: string }) => action.type)).toEqual(['reboot', 'create']);
    const reboot = own[0];
    expect((await api.call('GET', `/v2/droplets/${one?.id}/actions/${reboot.id}`)).body.action).toEqual(
      reboot,
    );
    const foreign = await api.call('GET', `/v2/droplets/${two?.id}/actions/${reboot.id}`);
    expect(foreign.body.message).toBe(`Action ${reboot.id} of droplet ${two?.id} could not be found.`);
    expect((await api.call('GET', '/v2/actions/1')).body.message).toBe('Action 1 could not be found.');
  });
});

describe('lab freeze and thaw', () => {
  it('freezes and thaws an active droplet through the runtime; a power action ends the freeze', async () => {
    const runtime = new RecordingRuntime();
    const [droplet] = await bootedDroplets(['redis-1'], runtime);
    const id = droplet?.id ?? 0;
    const frozen = await api.call('POST', `/v2/_lab/droplets/${id}/freeze`);
    expect(frozen).toMatchObject({ status: 200, body: { droplet: { status: 'active', lab_frozen: true } } });
    await api.call('POST', `/v2/_lab/droplets/${id}/freeze`);
    expect(runtime.calls.filter(([operation]) => operation === 'freeze')).toHaveLength(1);
    const thawed = await api.call('POST', `/v2/_lab/droplets/${id}/thaw`);
    expect(thawed.body.droplet.lab_frozen).toBeUndefined();
    await api.call('POST', `/v2/_lab/droplets/${id}/freeze`);
    await act(id, 'power_cycle');
    await api.emulator.idle();
    expect((await statusOf(id)).lab_frozen).toBeUndefined();
    expect(runtime.calls.map(([operation]) => operation)).toEqual([
      'boot',
      'freeze',
      'thaw',
      'freeze',
      'restart',
    ]);
  });

  it('refuses to freeze a droplet that is off or busy, and answers 404 for an unknown one', async () => {
    const runtime = new RecordingRuntime();
    const [droplet] = await bootedDroplets(['redis-1'], runtime);
    const id = droplet?.id ?? 0;
    const release = runtime.hold();
    await act(id, 'power_off');
    expect((await api.call('POST', `/v2/_lab/droplets/${id}/freeze`)).body.message).toMatch(
      /is busy with an action/,
    );
    release();
    await api.emulator.idle();
    expect((await api.call('POST', `/v2/_lab/droplets/${id}/freeze`)).body.message).toMatch(
      /redis-1 is off; only an active droplet/,
    );
    expect((await api.call('POST', '/v2/_lab/droplets/77/thaw')).status).toBe(404);
  });
});
