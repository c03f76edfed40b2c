import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSecretOntoDisk } from './machine.js';

describe("writing a secret onto a droplet's disk", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drillbook-disk-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes it 0600 at its path under the disk, making the folders on the way, and replaces it whole', async () => {
    const root = path.join(dir, 'merged');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeSecretOntoDisk(
      root,
      '/etc/prometheus/redis-passwords.json',
      '{"redis://10.10.0.10:6379":"a"}\n',
    );
    await writeSecretOntoDisk(
      root,
      '/etc/prometheus/redis-passwords.json',
      '{"redis://10.10.0.10:6379":"b"}\n',
    );
    const file = path.join(root, 'etc/prometheus/redis-passwords.json');
    expect(await readFile(file, 'utf8')).toBe('{"redis://10.10.0.10:6379":"b"}\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(path.join(root, 'etc/prometheus'))).toEqual(['redis-passwords.json']);
  });

  it('refuses to follow a symlink the droplet put on the way, which could point at a file of this machine', async () => {
    const root = path.join(dir, 'merged');
    const outside = path.join(dir, 'host-etc');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await mkdir(outside);
    await symlink(outside, path.join(root, 'etc/prometheus'));
    await expect(writeSecretOntoDisk(root, '/etc/prometheus/redis-passwords.json', 'secret')).rejects.toThrow(
      /etc\/prometheus is not a directory/,
    );
    expect(await readdir(outside)).toEqual([]);
  });
});
