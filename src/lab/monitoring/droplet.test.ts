import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type MonitoredCluster, monitoringConfigDir } from './config.js';
import { deliverPasswordFile, monitoringCloudConfig, waitForDropletServices } from './droplet.js';

interface WrittenFile {
  path: string;
  content: string;
  permissions: string;
  owner?: string;
  defer?: boolean;
}

const cluster = {
  redisNodes: ['10.10.0.10:6379', '10.10.0.11:6379'],
  sentinels: ['10.10.0.20:26379'],
  password: 'node-secret',
  sentinelPassword: 'sentinel-secret',
};

describe('monitoring droplet cloud-config', () => {
  it('installs the three packages and writes runbooks/monitoring/ with the cluster into /etc/prometheus', async () => {
    const text = await monitoringCloudConfig(cluster);
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const config = parse(text) as { packages: string[]; write_files: WrittenFile[]; runcmd: string[][] };
    expect(config.packages).toEqual(['prometheus', 'prometheus-alertmanager', 'prometheus-redis-exporter']);
    const files = new Map(config.write_files.map((file) => [file.path, file]));
    // The shipped prometheus.yml as it is: on the droplet the exporter and Alertmanager are at 127.0.0.1.
    expect(files.get('/etc/prometheus/prometheus.yml')?.content).toBe(
      await readFile(path.join(monitoringConfigDir(), 'prometheus.yml'), 'utf8'),
    );
    expect(JSON.parse(files.get('/etc/prometheus/targets/redis-nodes.json')?.content ?? '')).toEqual([
      { targets: cluster.redisNodes, labels: { cluster: 'lab', kind: 'redis' } },
    ]);
    expect(files.get('/etc/default/prometheus-redis-exporter')?.content).toContain(
      '-redis.password-file /etc/prometheus/redis-passwords.json',
    );
    // Written once apt installed the packages, then applied by a restart once the lab has written the
    // password map onto the droplet's disk (it is no part of user_data), given to the prometheus user.
    expect(config.write_files.every((file) => file.defer === true)).toBe(true);
    expect(config.runcmd).toEqual([
      ['timeout', '300', 'sh', '-c', 'until [ -s /etc/prometheus/redis-passwords.json ]; do sleep 1; done'],
      ['chown', 'prometheus:prometheus', '/etc/prometheus/redis-passwords.json'],
      ['systemctl', 'restart', 'prometheus-redis-exporter', 'prometheus-alertmanager', 'prometheus'],
    ]);
  });

  it('holds no password: user_data is given out by the API and the metadata service', async () => {
    const withPerNode: MonitoredCluster = { ...cluster, passwords: { '10.10.0.11:6379': 'per-node-secret' } };
    const text = await monitoringCloudConfig(withPerNode);
    for (const secret of ['node-secret', 'sentinel-secret', 'per-node-secret'])
      expect(text).not.toContain(secret);
    const config = parse(text) as { write_files: WrittenFile[] };
    expect(config.write_files.map((file) => file.path)).not.toContain('/etc/prometheus/redis-passwords.json');
  });
});

describe('waiting for the monitoring droplet', () => {
  it('gives up at once when its signal aborts, not after the minutes cloud-init may take', async () => {
    // Nothing listens there: every service stays unanswered, as while cloud-init still installs them.
    const droplet = { id: 40, name: 'monitoring', privateIp: '10.10.0.30', publicIp: '127.77.0.99' };
    const stopping = new AbortController();
    const waiting = waitForDropletServices(droplet, stopping.signal);
    stopping.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe("the exporter's password map on the monitoring droplet's disk", () => {
  it('is written 0600 where the exporter reads it, and kept when the droplet is adopted again', async () => {
    const disk = await mkdtemp(path.join(tmpdir(), 'drillbook-monitoring-disk-'));
    try {
      await deliverPasswordFile(disk, cluster);
      await deliverPasswordFile(disk, { ...cluster, password: 'another-secret' });
      const file = path.join(disk, 'etc/prometheus/redis-passwords.json');
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
        'redis://10.10.0.10:6379': 'node-secret',
        'redis://10.10.0.11:6379': 'node-secret',
        'redis://10.10.0.20:26379': 'sentinel-secret',
      });
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(disk, { recursive: true, force: true });
    }
  });
});
