// Removing everything a container lab made, from its state folder and its name prefix alone, so it works
// as well after `kill -9` of the lab daemon as after an orderly stop: processes (by cgroup), mounts,
// namespaces with their veths (and the nftables tables inside them), host routes, cgroups, and what a
// killed systemd-nspawn leaves for its machine. It returns only once all of that is really gone (or says
// what is left), so a lab started right after it meets nothing of this one.
import { existsSync } from 'node:fs';
import { readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runQuietly } from './exec.js';
import {
  CGROUP_ROOTS,
  cgroupPids,
  killCgroup,
  labCgroup,
  leftPropagateDirs,
  mountsBelow,
  removeCgroupTree,
  removePropagateDir,
} from './machine.js';
import { labKey } from './netns.js';
import { labNamespaces, removeLabNetwork } from './network.js';
import { containerLabFiles, containerStateDir } from './state.js';

export interface ContainerTeardown {
  killedProcesses: number;
  unmounted: string[];
  namespaces: string[];
  routes: string[];
}

/** How long teardown waits for what it removed to be gone (cgroups of exiting tasks, lazy unmounts). */
const GONE_TIMEOUT_MS = 10_000;

export async function teardownContainerLab(stateDir: string): Promise<ContainerTeardown> {
  const key = labKey(stateDir);
  const files = containerLabFiles(stateDir);
  const containers = path.join(containerStateDir(stateDir), 'containers');
  const killedProcesses = (await cgroupPids(labCgroup(key))).length;
  // Every launcher, nspawn and container process lives in the lab's cgroup: one write kills them all.
  await killCgroup(labCgroup(key));
  const unmounted = await mountsBelow(containers);
  const namespaces = await labNamespaces(key);
  const routes = JSON.parse(await readFile(files.routes, 'utf8').catch(() => '[]')) as string[];
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  for (;;) {
    await removeEverything(key, containers, routes);
    const left = await leftovers(key, containers);
    if (left.length === 0) return { killedProcesses, unmounted, namespaces, routes };
    if (Date.now() >= deadline) {
      throw new Error(
        `the container lab in ${stateDir} is not fully torn down after ${GONE_TIMEOUT_MS / 1000} s: ${left.join('; ')} remain. Run \`drillbook lab down\` again; if they stay, a process stuck in the kernel holds them (\`ps -eo pid,stat,wchan,args\` shows it in state D)`,
      );
    }
    await sleep(100);
  }
}

/** One pass of removal; each step is a no-op for what is already gone, so a pass can be repeated. */
async function removeEverything(key: string, containers: string, routes: string[]): Promise<void> {
  await killCgroup(labCgroup(key));
  for (const point of await mountsBelow(containers)) {
    if (!(await runQuietly('umount', [point]))) await runQuietly('umount', ['-l', point]);
  }
  // removeLabNetwork kills what still runs in the namespaces (the VPC agent) before deleting them.
  await removeLabNetwork(key, routes);
  // A cgroup whose last tasks are still exiting refuses rmdir (EBUSY) for a moment: the next pass retries.
  await removeCgroupTree(labCgroup(key));
  for (const root of CGROUP_ROOTS) await rmdir(path.join(root, 'drillbook')).catch(() => {});
  for (const name of await leftPropagateDirs(key)) await removePropagateDir(name);
}

/** What of the lab is still there, each named so the operator can find it. */
async function leftovers(key: string, containers: string): Promise<string[]> {
  const left: string[] = [];
  const pids = await cgroupPids(labCgroup(key));
  if (pids.length > 0) left.push(`processes ${pids.join(', ')}`);
  const mounts = await mountsBelow(containers);
  if (mounts.length > 0) left.push(`mounts ${mounts.join(', ')}`);
  const namespaces = await labNamespaces(key);
  if (namespaces.length > 0) left.push(`network namespaces ${namespaces.join(', ')}`);
  const cgroups = CGROUP_ROOTS.map((root) => path.join(root, labCgroup(key))).filter((dir) =>
    existsSync(dir),
  );
  if (cgroups.length > 0) left.push(`cgroups ${cgroups.join(', ')}`);
  const machines = await leftPropagateDirs(key);
  if (machines.length > 0) left.push(`systemd-nspawn machine folders of ${machines.join(', ')}`);
  return left;
}
