// What the lab takes from a #cloud-config, and how it rewrites a droplet's redis/sentinel config.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MissingBinariesError } from '../../src/lab/binaries.js';
import { CloudInitError, parseCloudInit } from '../../src/lab/cloud-init.js';
import { LabConfigError, labConfig } from '../../src/lab/redis-config.js';
import { LabSupervisor } from '../../src/lab/supervisor.js';
import { redisNodeUserData, sentinelNodeUserData } from '../../src/lab/templates.js';
import { labStateDir } from './helpers.js';

const remap = (p: string) => `/lab/droplets/n${p}`;

describe('parseCloudInit', () => {
  it('reads the shipped Redis template: its config file and the service it enables', async () => {
    const plan = parseCloudInit(
      'redis-2',
      await redisNodeUserData({ password: 'pw', masterIp: '127.10.0.10' }),
    );
    expect(plan.services).toEqual(['redis-server']);
    expect(plan.files.map((f) => f.path)).toEqual([
      '/etc/redis/redis.conf',
      '/etc/systemd/system/redis-server.service.d/drillbook.conf',
    ]);
    // A rebooted node waits for its private address instead of exiting (Redis >= 6.2) and never gives up.
    expect(plan.files[1]?.content).toContain('After=network-online.target\n');
    expect(plan.files[1]?.content).toContain('StartLimitIntervalSec=0\n');
    const conf = plan.files[0]?.content ?? '';
    expect(conf).toContain('requirepass pw\n');
    expect(conf).toContain('masterauth pw\n');
    expect(conf).toContain('replicaof 127.10.0.10 6379\n');
    expect(conf).toContain('appendonly yes\n');
    expect(conf).toContain('appendfsync everysec\n');
    expect(conf).toContain('bind __PRIVATE_IP__\n');
  });

  it('renders the master with "replicaof no one" and the Sentinel with the article settings', async () => {
    const master = parseCloudInit('redis-1', await redisNodeUserData({ password: 'pw' }));
    expect(master.files[0]?.content).toContain('replicaof no one\n');
    const sentinel = parseCloudInit(
      'sentinel-1',
      await sentinelNodeUserData({
        password: 'pw',
        sentinelPassword: 'spw',
        masterIp: '127.10.0.10',
        downAfterMs: 30000,
        failoverTimeoutMs: 60000,
      }),
    );
    expect(sentinel.services).toEqual(['redis-sentinel']);
    const conf = sentinel.files[0]?.content ?? '';
    for (const line of [
      'requirepass spw',
      'sentinel sentinel-pass spw',
      'sentinel monitor mymaster 127.10.0.10 6379 2',
      'sentinel auth-pass mymaster pw',
      'sentinel down-after-milliseconds mymaster 30000',
      'sentinel failover-timeout mymaster 60000',
      'sentinel parallel-syncs mymaster 1',
    ]) {
      expect(conf).toContain(`${line}\n`);
    }
  });

  it('honours systemctl lines in any form and lets a later disable win', () => {
    const plan = parseCloudInit(
      'n',
      [
        '#cloud-config',
        'packages: [redis-server]',
        'runcmd:',
        '  - [systemctl, enable, --now, redis-sentinel.service]',
        '  - systemctl daemon-reload && systemctl disable --now redis-server',
      ].join('\n'),
    );
    expect(plan.services).toEqual(['redis-sentinel']);
  });

  it('rejects what it cannot honour, naming the droplet and the field', () => {
    expect(() => parseCloudInit('n', '#!/bin/sh\necho hi')).toThrow(/droplet n: user_data: .*#cloud-config/);
    expect(() => parseCloudInit('n', '#cloud-config\nwrite_files:\n  - path: etc/x\n')).toThrow(
      /write_files\[0\]\.path must be an absolute path/,
    );
    expect(() =>
      parseCloudInit(
        'n',
        '#cloud-config\nwrite_files:\n  - path: /x\n    encoding: b64\n    content: aGk=\n',
      ),
    ).toThrow(CloudInitError);
    const broken = () => parseCloudInit('n', '#cloud-config\nruncmd: [requirepass s3cret-value\n');
    expect(broken).toThrow(/droplet n: user_data: not valid YAML/);
    // The parser's code frame would quote user_data, secrets included.
    expect(broken).not.toThrow(/s3cret-value/);
  });
});

describe('labConfig', () => {
  it('binds and connects out from the private IP, daemonizes, and keeps every path in the lab', () => {
    const config = labConfig(
      [
        'port 6380',
        'bind 0.0.0.0 __PRIVATE_IP__',
        'daemonize no',
        'supervised systemd',
        'pidfile /run/redis/redis-server.pid',
        'logfile /var/log/redis/redis-server.log',
        'dir /var/lib/redis',
        'appendfilename "/var/lib/redis/appendonly.aof"',
        'unixsocket /run/redis/redis.sock',
        'requirepass pw',
      ].join('\n'),
      { service: 'redis-server', privateIp: '127.10.0.11', droplet: 'n', remap },
    );
    expect(config.port).toBe(6380);
    expect(config.pidfile).toBe('/lab/droplets/n/run/redis/redis-server.pid');
    expect(config.dir).toBe('/lab/droplets/n/var/lib/redis');
    const lines = config.text.split('\n');
    expect(lines.filter((l) => l.startsWith('bind '))).toEqual(['bind 127.10.0.11']);
    expect(lines).toContain('bind-source-addr 127.10.0.11');
    expect(lines).toContain('daemonize yes');
    expect(lines).toContain('supervised no');
    expect(lines).toContain('appendfilename appendonly.aof');
    expect(lines).toContain('unixsocket /lab/droplets/n/run/redis/redis.sock');
    expect(lines).toContain('requirepass pw');
    expect(lines.filter((l) => l.startsWith('daemonize'))).toHaveLength(1);
  });

  it('gives a Sentinel its announce-ip and drops a copied myid', () => {
    const config = labConfig(
      'sentinel myid 0123456789012345678901234567890123456789\nsentinel monitor mymaster 127.10.0.10 6379 2\n',
      { service: 'redis-sentinel', privateIp: '127.10.0.20', droplet: 'n', remap },
    );
    expect(config.port).toBe(26379);
    expect(config.text).not.toContain('sentinel myid');
    expect(config.text).toContain('sentinel announce-ip 127.10.0.20\n');
  });

  it('refuses addresses outside loopback: the lab never contacts them', () => {
    expect(() =>
      labConfig('sentinel monitor mymaster 10.10.0.10 6379 2', {
        service: 'redis-sentinel',
        privateIp: '127.10.0.20',
        droplet: 'sentinel-1',
        remap,
      }),
    ).toThrow(
      /droplet sentinel-1: sentinel\.conf monitors a master at 10\.10\.0\.10, which is not a loopback address/,
    );
    expect(() =>
      labConfig('replicaof 10.10.0.10 6379', {
        service: 'redis-server',
        privateIp: '127.10.0.11',
        droplet: 'r',
        remap,
      }),
    ).toThrow(LabConfigError);
  });
});

describe('missing binaries', () => {
  it('boot says which binary is missing and how to install it on Debian/Ubuntu, macOS and others', async () => {
    const lab = labStateDir('drillbook-nobinaries-');
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(lab.dir, 'empty-bin');
    try {
      const supervisor = new LabSupervisor({ labDir: lab.dir });
      const droplet = {
        id: 1,
        name: 'sentinel-1',
        privateIp: '127.34.0.20',
        publicIp: '127.234.0.20',
        userData: await sentinelNodeUserData({
          password: 'pw',
          sentinelPassword: 'spw',
          masterIp: '127.34.0.10',
          downAfterMs: 1000,
          failoverTimeoutMs: 10000,
        }),
        tags: [],
      };
      const failure = await supervisor.boot(droplet).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure).toBeInstanceOf(MissingBinariesError);
      expect(failure?.message).toContain('the lab needs redis-server and redis-sentinel, not found on PATH');
      expect(failure?.message).toContain('sudo apt-get install redis-server redis-sentinel');
      expect(failure?.message).toContain('brew install redis');
    } finally {
      process.env.PATH = savedPath;
      await lab.remove();
    }
  });
});
