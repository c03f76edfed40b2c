import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/lab/emulator/index.js';
import { dropletBody, RecordingRuntime, startTestEmulator, token, withTempDir } from './helpers.js';

describe('state snapshot', () => {
  it('keeps droplets, VPCs and id counters across a restart, in a file only the owner can read', async () => {
    await withTempDir(async (directory) => {
      const stateFile = path.join(directory, 'emulator.json');
      const first = await startTestEmulator({ stateFile });
      const vpc = (
        await first.call('POST', '/v2/vpcs', { name: 'redis-vpc', region: 'fra1', ip_range: '10.10.0.0/24' })
      ).body.vpc;
      const droplet = (
        await first.call('POST', '/v2/droplets', dropletBody({ vpc_uuid: vpc.id, tags: ['redis'] }))
      ).body.droplet;
      await first.emulator.idle();
      await first.emulator.close();
      expect((await stat(stateFile)).mode & 0o777).toBe(0o600);

      const second = await startTestEmulator({ stateFile });
      try {
        const restored = (await second.call('GET', `/v2/droplets/${droplet.id}`)).body.droplet;
        expect(restored).toMatchObject({
          name: 'redis-1',
          status: 'active',
          vpc_uuid: vpc.id,
          tags: ['redis'],
        });
        const next = (
          await second.call('POST', '/v2/droplets', dropletBody({ name: 'redis-2', vpc_uuid: vpc.id }))
        ).body.droplet;
        expect(next.id).toBe(droplet.id + 1);
        expect(second.emulator.droplets().map((entry) => entry.privateIp)).toEqual([
          '127.10.0.10',
          '127.10.0.11',
        ]);
      } finally {
        await second.emulator.close();
      }
    });
  });

  it('resumes an action left in progress by a stopped emulator', async () => {
    await withTempDir(async (directory) => {
      const stateFile = path.join(directory, 'emulator.json');
      const first = await startTestEmulator({ stateFile, bootDelayMs: 60_000 });
      const droplet = (await first.call('POST', '/v2/droplets', dropletBody())).body.droplet;
      await first.emulator.close();

      const runtime = new RecordingRuntime();
      const second = await startTestEmulator({ stateFile, runtime });
      try {
        await second.emulator.idle();
        expect((await second.call('GET', `/v2/droplets/${droplet.id}`)).body.droplet.status).toBe('active');
        expect(runtime.calls).toEqual([['boot', 'redis-1', '127.10.0.10']]);
      } finally {
        await second.emulator.close();
      }
    });
  });

  it('refuses a corrupt or foreign state file with a message saying what to do', async () => {
    await withTempDir(async (directory) => {
      const stateFile = path.join(directory, 'emulator.json');
      await writeFile(stateFile, '{"droplets": [');
      await expect(startEmulator({ token, stateFile })).rejects.toThrow(
        /emulator\.json is not valid JSON .* delete the file/,
      );
      await writeFile(stateFile, '{"version": 7}');
      await expect(startEmulator({ token, stateFile })).rejects.toThrow(
        /unknown format \(expected version 1\)/,
      );
    });
  });

  it('refuses to start when the state file cannot be written', async () => {
    await withTempDir(async (directory) => {
      const stateFile = path.join(directory, 'missing-folder', 'emulator.json');
      await expect(startEmulator({ token, stateFile })).rejects.toThrow(
        /cannot write its state file .*missing-folder\/emulator\.json: .*ENOENT.*Check that its folder exists/,
      );
    });
  });

  it('writes nothing after close, even when a delete still running finishes', async () => {
    await withTempDir(async (directory) => {
      const stateFile = path.join(directory, 'emulator.json');
      const runtime = new RecordingRuntime();
      const api = await startTestEmulator({ stateFile, runtime });
      const droplet = (await api.call('POST', '/v2/droplets', dropletBody())).body.droplet;
      await api.emulator.idle();
      const release = runtime.hold();
      const deleting = api.call('DELETE', `/v2/droplets/${droplet.id}`).catch((error: Error) => error);
      while (!runtime.calls.some(([operation]) => operation === 'destroy'))
        await new Promise((resolve) => setTimeout(resolve, 5));
      await api.emulator.close();
      await rm(stateFile);
      release();
      await deleting;
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      await expect(stat(stateFile)).rejects.toThrow(/ENOENT/);
    });
  });
});
