// `drillbook lab down`: the daemon stopped first (so it starts nothing more), then every droplet's
// processes (verified by pid file and command line) or containers (with their namespaces, mounts, routes
// and cgroups), then the lab's state folder.
import { existsSync } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { labKey } from './container/netns.js';
import { labNamespaces } from './container/network.js';
import { containerStateDir } from './container/state.js';
import { type ContainerTeardown, teardownContainerLab } from './container/teardown.js';
import { stopLabDaemon } from './daemon-control.js';
import { LabSupervisor } from './supervisor.js';

export interface LabDownResult {
  stoppedDroplets: string[];
  /** What a container lab left and `lab down` removed. */
  containers?: ContainerTeardown;
  removed: string;
}

export async function labDown(stateDir: string): Promise<LabDownResult> {
  await stopLabDaemon(stateDir);
  // A container lab is known by its folder, or by namespaces a crash left before the folder existed.
  if (existsSync(containerStateDir(stateDir)) || (await labNamespaces(labKey(stateDir))).length > 0) {
    const containers = await teardownContainerLab(stateDir);
    const stoppedDroplets = await readdir(path.join(containerStateDir(stateDir), 'containers')).catch(
      () => [] as string[],
    );
    await rm(stateDir, { recursive: true, force: true });
    await rmdir(path.dirname(stateDir)).catch(() => {});
    return { stoppedDroplets, containers, removed: stateDir };
  }
  const supervisor = new LabSupervisor({ labDir: stateDir });
  const names = await readdir(path.join(stateDir, 'droplets')).catch(() => [] as string[]);
  for (const name of names) {
    await supervisor.destroy({ id: 0, name, privateIp: '', publicIp: '', tags: [] });
  }
  await rm(stateDir, { recursive: true, force: true });
  // $XDG_STATE_HOME/drillbook/ goes too when the lab was all it held.
  await rmdir(path.dirname(stateDir)).catch(() => {});
  return { stoppedDroplets: names, removed: stateDir };
}
