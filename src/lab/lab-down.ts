// `drillbook lab down`: the daemon stopped first (so it starts nothing more), then every droplet's
// processes (verified by pid file and command line), then the lab's state folder.
import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { stopLabDaemon } from './daemon-control.js';
import { LabSupervisor } from './supervisor.js';

export interface LabDownResult {
  stoppedDroplets: string[];
  removed: string;
}

export async function labDown(stateDir: string): Promise<LabDownResult> {
  await stopLabDaemon(stateDir);
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
