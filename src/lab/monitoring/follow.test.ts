// Follow mode without processes: targets and per-node passwords read from the droplets a lab booted, and a
// runtime wrapper that passes every action on and syncs after those that change which services run.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DropletRuntime, LabDroplet } from '../runtime.js';
import { currentCluster, MonitoringFollower, requirepassOf, syncMonitoringTargets } from './follow.js';

let labDir: string;

beforeEach(async () => {
  labDir = await mkdtemp(path.join(tmpdir(), 'drillbook-follow-'));
});
afterEach(() => rm(labDir, { recursive: true, force: true }));

async function bootedDroplet(name: string, ip: string, service: string, port: number, config: string) {
  const dir = path.join(labDir, 'droplets', name);
  await mkdir(dir, { recursive: true });
  const configPath = path.join(dir, 'service.conf');
  await writeFile(configPath, config);
  const manifest = {
    name,
    privateIp: ip,
    services: [{ service, config: configPath, pidfile: '', logfile: '', address: ip, port }],
  };
  await writeFile(path.join(dir, 'droplet.json'), JSON.stringify(manifest));
}

describe('requirepassOf', () => {
  it('reads a bare or quoted requirepass and ignores other lines', () => {
    expect(requirepassOf('port 6379\nrequirepass s3cret\n')).toBe('s3cret');
    expect(requirepassOf('requirepass "with space"\n')).toBe('with space');
    expect(requirepassOf("# requirepass old\nmasterauth x\nrequirepass 'q'\n")).toBe('q');
    expect(requirepassOf('sentinel auth-pass mymaster x\n')).toBeUndefined();
  });
});

describe('currentCluster', () => {
  it('lists every booted service by role with its own password; a droplet without a manifest is left out', async () => {
    await bootedDroplet('redis-1', '127.91.5.10', 'redis-server', 6379, 'requirepass one\n');
    await bootedDroplet('redis-2', '127.91.5.11', 'redis-server', 6379, 'requirepass two\n');
    await bootedDroplet('sentinel-1', '127.91.5.20', 'redis-sentinel', 26379, 'sentinel auth-pass m one\n');
    await mkdir(path.join(labDir, 'droplets', 'half-booted'), { recursive: true });
    expect(await currentCluster(labDir)).toEqual({
      redisNodes: ['127.91.5.10:6379', '127.91.5.11:6379'],
      sentinels: ['127.91.5.20:26379'],
      passwords: { '127.91.5.10:6379': 'one', '127.91.5.11:6379': 'two' },
    });
  });

  it('is empty for a lab that booted nothing', async () => {
    expect(await currentCluster(labDir)).toEqual({ redisNodes: [], sentinels: [], passwords: {} });
  });
});

describe('syncMonitoringTargets', () => {
  it('writes nothing when monitoring never started for the lab', async () => {
    await bootedDroplet('redis-1', '127.91.5.10', 'redis-server', 6379, 'requirepass one\n');
    expect(await syncMonitoringTargets(labDir)).toBe(false);
    await expect(readFile(path.join(labDir, 'monitoring', 'targets', 'redis-nodes.json'))).rejects.toThrow();
  });
});

describe('MonitoringFollower', () => {
  it('passes each action on, and a failed boot still fails', async () => {
    const calls: string[] = [];
    const record =
      (name: string) =>
      async (droplet: LabDroplet): Promise<void> => {
        calls.push(`${name} ${droplet.name}`);
      };
    const inner: DropletRuntime = {
      boot: async (droplet) => {
        calls.push(`boot ${droplet.name}`);
        if (droplet.name === 'broken') throw new Error('redis did not start');
      },
      powerOff: record('powerOff'),
      shutdown: record('shutdown'),
      powerOn: record('powerOn'),
      restart: async (droplet, how) => {
        calls.push(`restart ${droplet.name} ${how}`);
      },
      destroy: record('destroy'),
      freeze: record('freeze'),
      thaw: record('thaw'),
    };
    const logged: string[] = [];
    const follower = new MonitoringFollower(inner, labDir, (line) => logged.push(line));
    const droplet = (name: string): LabDroplet => ({
      id: 1,
      name,
      privateIp: '127.91.5.10',
      publicIp: '127.91.6.10',
      tags: [],
    });
    await follower.boot(droplet('a'));
    await follower.restart(droplet('a'), 'kill');
    await follower.powerOff(droplet('a'));
    await follower.powerOn(droplet('a'));
    await follower.freeze(droplet('a'));
    await follower.thaw(droplet('a'));
    await follower.shutdown(droplet('a'));
    await follower.destroy(droplet('a'));
    await expect(follower.boot(droplet('broken'))).rejects.toThrow('redis did not start');
    expect(calls).toEqual([
      'boot a',
      'restart a kill',
      'powerOff a',
      'powerOn a',
      'freeze a',
      'thaw a',
      'shutdown a',
      'destroy a',
      'boot broken',
    ]);
    // Monitoring is not running here, so no sync had anything to say.
    expect(logged).toEqual([]);
  });
});
