import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimSubnet } from './subnet-claim.js';

describe('claimSubnet', () => {
  it('refuses a subnet a live holder has, naming its test file, and frees it on release', async () => {
    const claim = await claimSubnet('127.254.1');
    try {
      await expect(claimSubnet('127.254.1')).rejects.toThrow(
        /127\.254\.1 is already used by a test cluster of .*subnet-claim\.test\.ts/,
      );
    } finally {
      claim.release();
    }
    (await claimSubnet('127.254.1')).release();
  });

  it('takes over the claim of a process that has exited', async () => {
    const exited = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    const stale = { pid: exited.pid, testFile: 'a file whose worker has gone' };
    mkdirSync(join(tmpdir(), 'drillbook-test-subnets'), { recursive: true });
    writeFileSync(join(tmpdir(), 'drillbook-test-subnets', '127.254.2'), JSON.stringify(stale));
    (await claimSubnet('127.254.2')).release();
  });
});
