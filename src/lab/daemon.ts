// The lab daemon: a detached process that runs the DigitalOcean API emulator with the lab's droplet runtime
// (the loopback supervisor, or containers), until `drillbook lab down` (or any SIGTERM) stops it.

import { PRIVATE_ADDRESS_DELAY_MS } from './container/boot-address.js';
import { requireImage } from './container/image.js';
import { ContainerRuntime } from './container/runtime.js';
import { startEmulator } from './emulator/index.js';
import { MonitoringFollower } from './monitoring/follow.js';
import type { DropletRuntime } from './runtime.js';
import {
  daemonFile,
  emulatorFile,
  ensureStateDir,
  type LabMode,
  removeDaemonState,
  writeSecretJson,
} from './state.js';
import { LabSupervisor } from './supervisor.js';

/** The daemon reads its token from here (never from argv, which other users can see in ps). */
export const DAEMON_TOKEN_ENV = 'DRILLBOOK_LAB_TOKEN';
const PRIVATE_ADDRESS_DELAY_ENV = 'DRILLBOOK_LAB_PRIVATE_ADDRESS_DELAY_MS';

export async function runLabDaemon(options: {
  stateDir: string;
  ipRange: string;
  mode: LabMode;
}): Promise<number> {
  const token = process.env[DAEMON_TOKEN_ENV];
  delete process.env[DAEMON_TOKEN_ENV];
  if (!token) {
    process.stderr.write(
      `lab daemon: ${DAEMON_TOKEN_ENV} is not set; start the lab with \`drillbook lab up\`\n`,
    );
    return 2;
  }
  await ensureStateDir(options.stateDir);
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const containers =
    options.mode === 'container'
      ? new ContainerRuntime({
          stateDir: options.stateDir,
          image: await requireImage(),
          // The agent runs inside the VPC namespace from this same CLI entry point.
          agentCommand: [process.execPath, process.argv[1] as string, 'lab', '_vpc-agent'],
          ...privateAddressDelay(),
          log,
        })
      : undefined;
  await containers?.prepare();
  // Follow mode: monitoring, when it runs for this lab, scrapes whatever droplets the runbooks create.
  const runtime: DropletRuntime =
    containers ?? new MonitoringFollower(new LabSupervisor({ labDir: options.stateDir }), options.stateDir);
  const emulator = await startEmulator({
    token,
    runtime,
    stateFile: emulatorFile(options.stateDir),
    // Container mode: the default VPC gets DigitalOcean's kind of range; the lab's own VPC is ipRange.
    ...(containers ? { addressMode: 'private' as const } : { defaultVpcRange: options.ipRange }),
  });
  await containers?.resume(emulator.droplets());
  await writeSecretJson(daemonFile(options.stateDir), {
    url: emulator.url,
    pid: process.pid,
    token,
    ipRange: options.ipRange,
    mode: options.mode,
    startedAt: new Date().toISOString(),
  });
  log(`lab emulator (${options.mode} mode) listening on ${emulator.url} (pid ${process.pid})`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  log('lab emulator stopping');
  await emulator.close();
  await containers?.close();
  await removeDaemonState(options.stateDir);
  return 0;
}

/** DRILLBOOK_LAB_PRIVATE_ADDRESS_DELAY_MS: how long a rebooted container droplet's private address takes to come up. */
function privateAddressDelay(): { privateAddressDelayMs?: number } {
  const raw = process.env[PRIVATE_ADDRESS_DELAY_ENV];
  if (raw === undefined || raw === '') return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) {
    throw new Error(
      `${PRIVATE_ADDRESS_DELAY_ENV}=${raw} is not a whole number of milliseconds; unset it for the default (${PRIVATE_ADDRESS_DELAY_MS} ms)`,
    );
  }
  return { privateAddressDelayMs: ms };
}
