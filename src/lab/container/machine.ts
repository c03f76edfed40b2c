// One droplet's machine: its disk (an overlay of the shared image and a private upper layer that lives until
// the droplet is destroyed), its cgroups, and the systemd-nspawn process that boots real systemd on it.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run, runQuietly } from './exec.js';
import { REPO_MOUNT } from './image.js';
import { dropletNamespace, labPrefix } from './netns.js';

/** The cgroup hierarchies a launcher joins (this machine kind: cgroup v1 hybrid, with the unified one). */
export const CGROUP_ROOTS = ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified'];
const UNIFIED = '/sys/fs/cgroup/unified';

export interface MachinePaths {
  dir: string;
  upper: string;
  work: string;
  merged: string;
  console: string;
  pidfile: string;
  /** When the container was last started (ISO time), for `lab status`. */
  bootedAt: string;
}

export function machinePaths(stateDir: string, dropletId: number): MachinePaths {
  const dir = path.join(stateDir, 'containers', `d${dropletId}`);
  return {
    dir,
    upper: path.join(dir, 'upper'),
    work: path.join(dir, 'work'),
    merged: path.join(dir, 'merged'),
    console: path.join(dir, 'console.log'),
    pidfile: path.join(dir, 'nspawn.pid'),
    bootedAt: path.join(dir, 'booted-at'),
  };
}

/** The cgroup (relative to each hierarchy root) that holds one droplet's launcher and container. */
export const machineCgroup = (key: string, dropletId: number): string => `drillbook/${key}/d${dropletId}`;
export const labCgroup = (key: string): string => `drillbook/${key}`;

/**
 * systemd-nspawn's name for a droplet's machine, its network namespace's name: unique to the lab and the
 * droplet (the droplet's own name is its hostname), as nspawn keeps host-wide state by machine name
 * (/run/systemd/nspawn/propagate/<name>, which it deletes when that machine exits) and two labs' redis-2
 * must not share one.
 */
export const machineName = dropletNamespace;

/** Where systemd-nspawn keeps each running machine's mount-propagation folder, by machine name. */
export const NSPAWN_PROPAGATE_DIR = '/run/systemd/nspawn/propagate';

/** Machines of the lab whose propagation folder is still there (nspawn killed by SIGKILL leaves it). */
export async function leftPropagateDirs(key: string): Promise<string[]> {
  const names = await readdir(NSPAWN_PROPAGATE_DIR).catch(() => [] as string[]);
  return names.filter((name) => name.startsWith(labPrefix(key)));
}

/** Removes what a killed systemd-nspawn left for its machine, as it does itself on a normal exit. */
export async function removePropagateDir(name: string): Promise<void> {
  await rm(path.join(NSPAWN_PROPAGATE_DIR, name), { recursive: true, force: true });
}

export async function isMounted(dir: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  return mounts.split('\n').some((line) => line.split(' ')[1] === dir);
}

/** Mount points below dir (deepest first), for teardown after a crash. */
export async function mountsBelow(dir: string): Promise<string[]> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  return mounts
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

export async function mountDisk(paths: MachinePaths, rootfs: string): Promise<void> {
  if (await isMounted(paths.merged)) return;
  for (const dir of [paths.upper, paths.work, paths.merged]) await mkdir(dir, { recursive: true });
  await run('mount', [
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=${rootfs},upperdir=${paths.upper},workdir=${paths.work}`,
    paths.merged,
  ]);
}

export async function unmountDisk(paths: MachinePaths): Promise<void> {
  for (const point of await mountsBelow(paths.merged)) {
    if (!(await runQuietly('umount', [point]))) await runQuietly('umount', ['-l', point]);
  }
}

/** The NoCloud seed: cloud-init reads the exact user_data the API received, and the droplet's identity. */
export async function writeSeed(
  paths: MachinePaths,
  seed: { instanceId: string; hostname: string; userData?: string; publicKeys: string[] },
): Promise<void> {
  const dir = path.join(paths.merged, 'var/lib/cloud/seed/nocloud');
  await mkdir(dir, { recursive: true });
  const keys = seed.publicKeys.map((key) => `  - ${JSON.stringify(key)}\n`).join('');
  await writeFile(
    path.join(dir, 'meta-data'),
    `instance-id: ${JSON.stringify(seed.instanceId)}\nlocal-hostname: ${JSON.stringify(seed.hostname)}\n${keys ? `public-keys:\n${keys}` : ''}`,
  );
  // No user_data is an empty document, as on DigitalOcean: cloud-init still runs its defaults.
  await writeFile(path.join(dir, 'user-data'), seed.userData ?? '');
}

/**
 * Writes a file, 0600 and root's, onto a droplet's disk mounted at root, as its hypervisor can: the lab's way
 * to hand a droplet a secret without user_data, which the API and the metadata service give out. Written
 * whole (temp file + rename), and never through a symlink on the droplet's disk, which the droplet's own
 * root could point at a file of this machine.
 */
export async function writeSecretOntoDisk(root: string, filePath: string, content: string): Promise<void> {
  const relative = path.relative('/', path.resolve('/', filePath));
  let dir = root;
  for (const part of path
    .dirname(relative)
    .split(path.sep)
    .filter((name) => name !== '.')) {
    dir = path.join(dir, part);
    const found = await lstat(dir).catch(() => undefined);
    if (!found) await mkdir(dir, { mode: 0o755 });
    else if (!found.isDirectory()) {
      throw new Error(`cannot write ${filePath} onto the droplet's disk: ${dir} is not a directory`);
    }
  }
  const target = path.join(root, relative);
  const temp = `${target}.${process.pid}.tmp`;
  await rm(temp, { force: true });
  // wx: never opened through whatever the droplet put at that name meanwhile.
  await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
  await rename(temp, target);
}

async function makeCgroup(relative: string): Promise<void> {
  for (const root of CGROUP_ROOTS) await mkdir(path.join(root, relative), { recursive: true });
}

/** Removes a cgroup tree depth first (systemd inside the container leaves empty children behind). */
export async function removeCgroupTree(relative: string): Promise<void> {
  for (const root of CGROUP_ROOTS) await removeTree(path.join(root, relative));
}

async function removeTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  for (const entry of entries) if (entry.isDirectory()) await removeTree(path.join(dir, entry.name));
  await rmdir(dir).catch(() => {});
}

export const CGROUP_KILL_TIMEOUT_MS = 10_000;

/**
 * Kills every process of the cgroup at once (cgroup v2's cgroup.kill, in the unified hierarchy) and waits
 * until none is left; resolves with the pids still there after CGROUP_KILL_TIMEOUT_MS (none, normally).
 */
export async function killCgroup(relative: string): Promise<number[]> {
  const dir = path.join(UNIFIED, relative);
  if (!existsSync(dir)) return [];
  await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => {});
  const deadline = Date.now() + CGROUP_KILL_TIMEOUT_MS;
  for (;;) {
    const left = await cgroupPids(relative);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await sleep(50);
  }
}

export async function cgroupPids(relative: string): Promise<number[]> {
  const pids: number[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
    if (!entries) return;
    const procs = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
    for (const line of procs.split('\n')) if (line.trim()) pids.push(Number(line));
    for (const entry of entries) if (entry.isDirectory()) await walk(path.join(dir, entry.name));
  };
  await walk(path.join(UNIFIED, relative));
  return pids;
}

/** cgroup v2 freezer: every process of the container stops at once, and resumes at once. */
export async function freezeCgroup(relative: string, frozen: boolean): Promise<void> {
  const dir = path.join(UNIFIED, relative);
  await writeFile(path.join(dir, 'cgroup.freeze'), frozen ? '1' : '0');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const events = await readFile(path.join(dir, 'cgroup.events'), 'utf8');
    if (events.includes(`frozen ${frozen ? 1 : 0}`)) return;
    await sleep(20);
  }
  throw new Error(`the container's cgroup ${dir} did not become ${frozen ? 'frozen' : 'thawed'} within 10 s`);
}

export async function isFrozen(relative: string): Promise<boolean> {
  const events = await readFile(path.join(UNIFIED, relative, 'cgroup.events'), 'utf8').catch(() => '');
  return events.includes('frozen 1');
}

export interface LaunchOptions {
  key: string;
  dropletId: number;
  hostname: string;
  namespace: string;
  repo: string;
  paths: MachinePaths;
}

/** A systemd-nspawn this process started, watched while it boots. */
export interface LaunchedMachine {
  pid: number;
  /** How it ended ("exit status 1", "signal SIGKILL"); undefined while it runs. */
  ended(): string | undefined;
  /** Where this boot's output begins in the console log (earlier boots' output comes before it). */
  consoleOffset: number;
}

/**
 * Boots the container detached from us (its own session), so a crash of the lab daemon leaves it running
 * for `lab down` to clean up, and its launcher in its own cgroup (with --keep-unit every container would
 * otherwise land in the daemon's cgroup).
 */
export async function launch(options: LaunchOptions): Promise<LaunchedMachine> {
  const cgroup = machineCgroup(options.key, options.dropletId);
  await makeCgroup(cgroup);
  const joins = CGROUP_ROOTS.map((root) => `echo $$ > ${path.join(root, cgroup, 'cgroup.procs')}`).join(
    ' && ',
  );
  const nspawn = [
    'systemd-nspawn',
    '-b',
    '-q',
    '-D',
    options.paths.merged,
    '-M',
    machineName(options.key, options.dropletId),
    `--hostname=${options.hostname}`,
    '--register=no',
    '--keep-unit',
    `--network-namespace-path=/run/netns/${options.namespace}`,
    `--bind-ro=${options.repo}:${REPO_MOUNT}`,
    '--resolv-conf=off',
    '--link-journal=no',
    '--timezone=off',
    '--console=pipe',
  ];
  const log = openSync(options.paths.console, 'a', 0o600);
  const consoleOffset = fstatSync(log).size;
  const child = spawn('sh', ['-c', `${joins} && exec "$@"`, 'sh', ...nspawn], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let ended: string | undefined;
  child.once('exit', (code, signal) => {
    ended = signal ? `signal ${signal}` : `exit status ${code}`;
  });
  const pid = child.pid;
  child.unref();
  if (!pid) throw new Error(`systemd-nspawn for ${options.hostname} did not start`);
  await writeFile(options.paths.pidfile, `${pid}\n`);
  await writeFile(options.paths.bootedAt, new Date().toISOString());
  return { pid, ended: () => ended, consoleOffset };
}

/** The nspawn pid when it is still running (its command line names the droplet's disk). */
export async function nspawnPid(paths: MachinePaths): Promise<number | undefined> {
  const pid = Number((await readFile(paths.pidfile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  for (let attempt = 0; ; attempt++) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    if (cmdline === undefined) return undefined;
    if (cmdline !== '')
      return cmdline.includes('systemd-nspawn') && cmdline.includes(paths.merged) ? pid : undefined;
    // Empty for a moment while the launcher's sh execs systemd-nspawn (and for good once it is a zombie):
    // a machine just launched is not dead, so look again before saying so.
    if (attempt >= EMPTY_CMDLINE_LOOKS) return undefined;
    await sleep(10);
  }
}

/** How many times (10 ms apart) nspawnPid reads an empty command line before calling the machine gone. */
const EMPTY_CMDLINE_LOOKS = 20;

/** The container's PID 1 (systemd), the only child of nspawn. */
export async function containerInit(nspawn: number): Promise<number | undefined> {
  const children = await readFile(`/proc/${nspawn}/task/${nspawn}/children`, 'utf8').catch(() => '');
  const pid = Number(children.trim().split(/\s+/)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat === '' || / Z /.test(stat)) return true;
    await sleep(50);
  }
  return false;
}

export async function removeMachineDir(paths: MachinePaths): Promise<void> {
  await rm(paths.dir, { recursive: true, force: true });
}
