// The lab daemon: a detached process that runs the DigitalOcean API emulator with the lab supervisor as
// its droplet runtime, until `drillbook lab down` (or any SIGTERM) stops it.
import { startEmulator } from './emulator/index.js';
import { MonitoringFollower } from './monitoring/follow.js';
import { daemonFile, emulatorFile, ensureStateDir, removeDaemonState, writeSecretJson } from './state.js';
import { LabSupervisor } from './supervisor.js';

/** The daemon reads its token from here (never from argv, which other users can see in ps). */
export const DAEMON_TOKEN_ENV = 'DRILLBOOK_LAB_TOKEN';

export async function runLabDaemon(options: { stateDir: string; ipRange: string }): Promise<number> {
  const token = process.env[DAEMON_TOKEN_ENV];
  delete process.env[DAEMON_TOKEN_ENV];
  if (!token) {
    process.stderr.write(
      `lab daemon: ${DAEMON_TOKEN_ENV} is not set; start the lab with \`drillbook lab up\`\n`,
    );
    return 2;
  }
  await ensureStateDir(options.stateDir);
  const emulator = await startEmulator({
    token,
    // Follow mode: monitoring, when it runs for this lab, scrapes whatever droplets the runbooks create.
    runtime: new MonitoringFollower(new LabSupervisor({ labDir: options.stateDir }), options.stateDir),
    stateFile: emulatorFile(options.stateDir),
    defaultVpcRange: options.ipRange,
  });
  await writeSecretJson(daemonFile(options.stateDir), {
    url: emulator.url,
    pid: process.pid,
    token,
    ipRange: options.ipRange,
    startedAt: new Date().toISOString(),
  });
  process.stdout.write(
    `${new Date().toISOString()} lab emulator listening on ${emulator.url} (pid ${process.pid})\n`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  process.stdout.write(`${new Date().toISOString()} lab emulator stopping\n`);
  await emulator.close();
  await removeDaemonState(options.stateDir);
  return 0;
}
