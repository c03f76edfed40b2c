// `drillbook lab up`: the lab daemon running, the article's cluster provisioned through its API, and the
// cluster healthy (CKQUORUM OK everywhere, every Sentinel seeing the others, replica links up).
import { rm } from 'node:fs/promises';
import { ensureLabBinaries } from './binaries.js';
import { LabConsole } from './container/console.js';
import { ensureImage, requireRoot } from './container/image.js';
import { conflictingHostRoutes } from './container/network.js';
import { containerLabFiles } from './container/state.js';
import { ensureLabDaemon } from './daemon-control.js';
import { type ClusterHealth, setSentinelTiming, waitForHealthy } from './health.js';
import { labDown } from './lab-down.js';
import { deleteLabDroplets, direct, type ProvisionedDroplet, provisionLab, type Reach } from './provision.js';
import {
  defaultIpRange,
  ensureStateDir,
  generateSecret,
  type LabMode,
  type LabSettings,
  readSettings,
  settingsFile,
  writeSecretJson,
} from './state.js';
import { LabSupervisor } from './supervisor.js';
import { checkReplicas, LabSettingsError, rangeBase } from './topology.js';

export const DEFAULT_DOWN_AFTER_MS = 5_000;
const HEALTH_TIMEOUT_MS = 90_000;
/** A password goes into redis.conf and sentinel.conf as one unquoted word. */
const PASSWORD_PATTERN = /^[A-Za-z0-9._~!#$%&*+,/:;=?@^|-]+$/;

export interface LabUpOptions {
  stateDir: string;
  /** Default: the running lab's mode, else loopback. */
  mode?: LabMode;
  replicas?: number;
  downAfterMs?: number;
  ipRange?: string;
  /** yes = install missing binaries with apt (root on Debian/Ubuntu); ask = use `confirm`. */
  installDeps: 'yes' | 'ask' | 'no';
  confirm?: (question: string) => Promise<boolean>;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface LabUpResult {
  apiUrl: string;
  daemonStarted: boolean;
  settings: Omit<LabSettings, 'password' | 'sentinelPassword'>;
  droplets: ProvisionedDroplet[];
  health: ClusterHealth;
  elapsedMs: number;
}

function resolveSettings(options: LabUpOptions, previous: LabSettings | undefined): LabSettings {
  const env = options.env ?? process.env;
  const previousMode = previous ? (previous.mode ?? 'loopback') : undefined;
  const mode = options.mode ?? previousMode ?? 'loopback';
  if (previousMode && previousMode !== mode) {
    throw new Error(
      `the lab already runs in ${previousMode} mode; run \`drillbook lab down\` before starting one in ${mode} mode`,
    );
  }
  const ipRange = options.ipRange ?? previous?.ipRange ?? defaultIpRange(mode);
  rangeBase(ipRange, mode);
  if (previous && previous.ipRange !== ipRange) {
    throw new Error(
      `the lab already runs on ${previous.ipRange}; run \`drillbook lab down\` before starting one on ${ipRange}`,
    );
  }
  const fromEnv = passwordFromEnv(env, 'REDIS_PASSWORD', previous?.password);
  const sentinelFromEnv = passwordFromEnv(env, 'SENTINEL_PASSWORD', previous?.sentinelPassword);
  if (previous && !previous.sentinelPassword) {
    throw new Error(
      'this lab was built before its Sentinels had a password; run `drillbook lab down`, then `drillbook lab up`',
    );
  }
  const replicas = options.replicas ?? previous?.replicas ?? 1;
  checkReplicas(replicas);
  const downAfterMs = options.downAfterMs ?? previous?.downAfterMs ?? DEFAULT_DOWN_AFTER_MS;
  if (!Number.isInteger(downAfterMs) || downAfterMs < 100) {
    throw new LabSettingsError('--down-after must be a whole number of milliseconds, at least 100');
  }
  return {
    mode,
    ipRange,
    replicas,
    downAfterMs,
    // The article's ratio (down-after 30 s, failover-timeout 60 s), with a floor so short lab settings still
    // leave a failover time to finish.
    failoverTimeoutMs: Math.max(10_000, downAfterMs * 2),
    password: previous?.password ?? fromEnv ?? generateSecret(),
    sentinelPassword: previous?.sentinelPassword ?? sentinelFromEnv ?? generateSecret(),
  };
}

/** REDIS_PASSWORD / SENTINEL_PASSWORD from the environment, when set: one safe word, and the running lab's. */
function passwordFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  running: string | undefined,
): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (!PASSWORD_PATTERN.test(value)) {
    throw new Error(
      `${name} must be one word of letters, digits and ._~!#$%&*+,/:;=?@^|- (it is written unquoted into the config files)`,
    );
  }
  if (running !== undefined && value !== running) {
    throw new Error(
      `${name} differs from the password the running lab was built with; run \`drillbook lab down\` first, or unset it`,
    );
  }
  return value;
}

/** A lab on a range the host already routes would shadow a network the operator really uses. */
async function checkHostRoutes(ipRange: string): Promise<void> {
  const conflicts = await conflictingHostRoutes(ipRange);
  if (conflicts.length > 0) {
    throw new Error(
      `the host already routes into ${ipRange} (${conflicts.join('; ')}); choose a free private range with \`--ip-range\`, e.g. --ip-range 10.99.0.0/24`,
    );
  }
}

export async function labUp(options: LabUpOptions): Promise<LabUpResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  await ensureStateDir(options.stateDir);
  const previous = await readSettings(options.stateDir);
  const settings = resolveSettings(options, previous);
  const mode = settings.mode ?? 'loopback';
  if (mode === 'container') {
    requireRoot('`drillbook lab up --mode container`');
    await checkHostRoutes(settings.ipRange);
    await ensureImage({ ...(options.env ? { env: options.env } : {}), onProgress: progress });
  } else {
    await ensureLabBinaries(options, progress);
  }
  let daemon: LabDaemon | undefined;
  let labConsole: LabConsole | undefined;
  try {
    await writeSecretJson(settingsFile(options.stateDir), settings);
    daemon = await ensureLabDaemon({ stateDir: options.stateDir, ipRange: settings.ipRange, mode });
    progress(
      daemon.started
        ? `started the lab emulator at ${daemon.url}`
        : `reusing the lab emulator at ${daemon.url}`,
    );
    // Container mode: the host never routes to private addresses; the lab's console relays its checks.
    if (mode === 'container') labConsole = new LabConsole(containerLabFiles(options.stateDir).relaySocket);
    return await provisionAndCheck(options, settings, previous, daemon, started, labConsole);
  } catch (error) {
    // A lab that ran before keeps what it has (the next `lab up` repairs it); one this call began goes.
    if (!previous) await forgetFailedLab(options.stateDir, daemon);
    throw error;
  } finally {
    await labConsole?.close();
  }
}

type LabDaemon = { url: string; token: string; started: boolean };

/**
 * A lab this call began must not outlive its failure: no emulator it started and no droplet it booted
 * left running, no settings kept. An emulator that was already running (a runbook's) keeps running and
 * keeps the runbook's droplets; only the lab's own are deleted.
 */
async function forgetFailedLab(stateDir: string, daemon: LabDaemon | undefined): Promise<void> {
  if (daemon?.started) {
    await labDown(stateDir).catch(() => undefined);
    return;
  }
  if (daemon) await deleteLabDroplets({ apiUrl: daemon.url, token: daemon.token }).catch(() => undefined);
  await rm(settingsFile(stateDir), { force: true });
}

async function provisionAndCheck(
  options: LabUpOptions,
  settings: LabSettings,
  previous: LabSettings | undefined,
  daemon: LabDaemon,
  started: number,
  labConsole: LabConsole | undefined,
): Promise<LabUpResult> {
  const progress = options.onProgress ?? (() => {});
  const reach: Reach = labConsole ? (address, port) => labConsole.open(address, port) : direct;
  const member = async (droplet: ProvisionedDroplet) => ({
    ...(await reach(droplet.privateIp, droplet.port)),
    known: `${droplet.privateIp}:${droplet.port}`,
  });
  const droplets = await provisionLab({
    apiUrl: daemon.url,
    token: daemon.token,
    settings,
    ...(labConsole ? { reach } : { supervisor: new LabSupervisor({ labDir: options.stateDir }) }),
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: progress,
  });
  progress('droplets active; waiting for replication and Sentinel discovery');
  const health = await waitForHealthy(
    {
      nodes: await Promise.all(droplets.filter((p) => p.role !== 'sentinel').map(member)),
      sentinels: await Promise.all(droplets.filter((p) => p.role === 'sentinel').map(member)),
      password: settings.password,
      ...(settings.sentinelPassword ? { sentinelPassword: settings.sentinelPassword } : {}),
    },
    { timeoutMs: HEALTH_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) },
  );
  if (previous && previous.downAfterMs !== settings.downAfterMs) {
    // Sentinels created earlier keep their own timing unless told: tell the running ones.
    for (const sentinel of droplets.filter((p) => p.role === 'sentinel')) {
      const at = await reach(sentinel.privateIp, sentinel.port);
      await setSentinelTiming(at.host, at.port, settings, settings.sentinelPassword);
    }
    progress(
      `Sentinels now use down-after-milliseconds ${settings.downAfterMs}, failover-timeout ${settings.failoverTimeoutMs}`,
    );
  }
  const { password: _secret, sentinelPassword: _sentinelSecret, ...shown } = settings;
  return {
    apiUrl: daemon.url,
    daemonStarted: daemon.started,
    settings: shown,
    droplets,
    health,
    elapsedMs: Math.round(performance.now() - started),
  };
}
