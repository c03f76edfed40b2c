import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { machinePaths, nspawnPid, writeSecretOntoDisk } from './machine.js';

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

describe('nspawnPid', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drillbook-machine-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  /** A process whose command line is sh's, followed by args (as the launcher's is before its exec). */
  async function started(script: string, ...args: string[]): Promise<ChildProcess> {
    const child = spawn('sh', ['-c', script, 'sh', ...args], { stdio: 'ignore' });
    children.push(child);
    await once(child, 'spawn');
    return child;
  }

  it("is the launcher's pid while its command line names systemd-nspawn and the droplet's disk", async () => {
    const paths = machinePaths(dir, 7);
    await mkdir(paths.dir, { recursive: true });
    const launcher = await started('sleep 30', 'systemd-nspawn', '-D', paths.merged);
    await writeFile(paths.pidfile, `${launcher.pid}\n`);
    expect(await nspawnPid(paths)).toBe(launcher.pid);
    const other = await started('sleep 30', 'systemd-nspawn', '-D', '/elsewhere');
    await writeFile(paths.pidfile, `${other.pid}\n`);
    expect(await nspawnPid(paths)).toBeUndefined();
  });

  it('is undefined for a pid that is gone, or a zombie (an empty command line that stays empty)', async () => {
    const paths = machinePaths(dir, 8);
    await mkdir(paths.dir, { recursive: true });
    // The zombie: a child of a process that never waits for it (sh execs into sleep after starting it).
    const zombiePidFile = path.join(dir, 'zombie.pid');
    await started(`sleep 0 & echo $! > ${zombiePidFile}; exec sleep 30`);
    await expect.poll(() => readFile(zombiePidFile, 'utf8').catch(() => '')).toMatch(/^\d+\n$/);
    const zombie = Number((await readFile(zombiePidFile, 'utf8')).trim());
    await expect.poll(() => readFile(`/proc/${zombie}/stat`, 'utf8')).toMatch(/ Z /);
    await writeFile(paths.pidfile, `${zombie}\n`);
    expect(await nspawnPid(paths)).toBeUndefined();
    const gone = await started('exit 0');
    await once(gone, 'exit');
    await writeFile(paths.pidfile, `${gone.pid}\n`);
    expect(await nspawnPid(paths)).toBeUndefined();
  });
});
