import { describe, expect, it } from 'vitest';
import type { StoredDroplet } from '../emulator/types.js';
import { runbookCluster } from './runbook-vpc.js';

function droplet(id: number, tags: string[], extra: Partial<StoredDroplet> = {}): StoredDroplet {
  return {
    id,
    name: `d${id}`,
    region: 'nyc1',
    sizeSlug: 's-1vcpu-1gb',
    imageId: 1,
    vpcUuid: 'runbook-vpc',
    tags,
    sshKeyIds: [],
    monitoring: true,
    createdAt: '2026-01-01T00:00:00Z',
    status: 'active',
    locked: false,
    privateIp: `10.10.0.${id}`,
    publicIp: `127.200.0.${id}`,
    frozen: false,
    ...extra,
  };
}

describe("the runbook's cluster run --monitoring follows", () => {
  it("is the active redis and sentinel droplets of one VPC, not the lab's own, each with its requirepass", () => {
    const cluster = runbookCluster([
      droplet(2, ['drillbook-lab', 'redis'], { vpcUuid: 'lab-vpc' }),
      droplet(10, ['redis-dr', 'redis'], {
        userData: 'write_files:\n  - content: |\n      requirepass node-pw\n',
      }),
      droplet(20, ['redis-dr', 'sentinel'], { userData: '      requirepass sentinel-pw\n' }),
      droplet(5, ['redis-dr-jump', 'redis-app']),
    ]);
    expect(cluster).toEqual({
      key: expect.stringMatching(/^10\.10\.0\.10:6379,10\.10\.0\.20:26379,[0-9a-f]{16}$/),
      nextTo: 10,
      monitored: {
        redisNodes: ['10.10.0.10:6379'],
        sentinels: ['10.10.0.20:26379'],
        passwords: { '10.10.0.10:6379': 'node-pw', '10.10.0.20:26379': 'sentinel-pw' },
      },
    });
  });

  it("is another cluster when a node's password changes, though its key never holds a password", () => {
    const cluster = (password: string) =>
      runbookCluster([
        droplet(10, ['redis'], { userData: `requirepass ${password}\n` }),
        droplet(20, ['sentinel'], { userData: 'requirepass sentinel-pw\n' }),
      ]);
    const before = cluster('old-node-pw');
    expect(cluster('old-node-pw')?.key).toBe(before?.key);
    expect(cluster('new-node-pw')?.key).not.toBe(before?.key);
    expect(before?.key).not.toMatch(/old-node-pw|sentinel-pw/);
  });

  it('is not there yet while a node still boots, or while only the Redis nodes exist', () => {
    expect(
      runbookCluster([droplet(10, ['redis']), droplet(20, ['sentinel'], { status: 'new' })]),
    ).toBeUndefined();
    expect(runbookCluster([droplet(10, ['redis']), droplet(11, ['redis'])])).toBeUndefined();
  });
});
