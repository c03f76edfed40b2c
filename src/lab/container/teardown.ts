// Removing everything a container lab made, from its state folder and its name prefix alone, so it works
// as well after `kill -9` of the lab daemon as after an orderly stop: processes (by cgroup), mounts,
// namespaces with their veths (and the nftables tables inside them), host routes, cgroups.
import { readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { runQuietly } from './exec.js';
import { cgroupPids, killCgroup, labCgroup, mountsBelow, removeCgroupTree } from './machine.js';
import { labKey } from './netns.js';
import { labNamespaces, removeLabNetwork } from './network.js';
import { containerLabFiles, containerStateDir } from './state.js';

export interface ContainerTeardown {
  killedProcesses: number;
  unmounted: string[];
  namespaces: string[];
  routes: string[];
}

export async function teardownContainerLab(stateDir: string): Promise<ContainerTeardown> {
  const key = labKey(stateDir);
  const files = containerLabFiles(stateDir);
  const killedProcesses = (await cgroupPids(labCgroup(key))).length;
  // Every launcher, nspawn and container process lives in the lab's cgroup: one write kills them all.
  await killCgroup(labCgroup(key));
  const unmounted = await mountsBelow(path.join(containerStateDir(stateDir), 'containers'));
  for (const point of unmounted) {
    if (!(await runQuietly('umount', [point]))) await runQuietly('umount', ['-l', point]);
  }
  const namespaces = await labNamespaces(key);
  const routes = JSON.parse(await readFile(files.routes, 'utf8').catch(() => '[]')) as string[];
  // removeLabNetwork kills what still runs in the namespaces (the VPC agent) before deleting them.
  await removeLabNetwork(key, routes);
  await removeCgroupTree(labCgroup(key));
  for (const root of ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified']) {
    await rmdir(path.join(root, 'drillbook')).catch(() => {});
  }
  return { killedProcesses, unmounted, namespaces, routes };
}
