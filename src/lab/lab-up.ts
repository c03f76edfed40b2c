// `drillbook lab up`: the lab daemon running, the article's cluster provisioned through its API, and the
// cluster healthy (CKQUORUM OK everywhere, every Sentinel seeing the others, replica links up).
import { ensureLabBinaries } from './binaries.js';
import { ensureLabDaemon } from './daemon-control.js';
import { type ClusterHealth, setSentinelTiming, waitForHealthy } from './health.js';
import { type ProvisionedDroplet, provisionLab } from './provision.js';
import {
  DEFAULT_IP_RANGE,
  ensureStateDir,
  generateSecret,
  type LabSettings,
  readSettings,
  settingsFile,
  writeSecretJson,
} from './state.js';
import { LabSupervisor } from './supervisor.js';
import { checkReplicas, planTopology, rangeBase } from './topology.js';

export const DEFAULT_DOWN_AFTER_MS = 5_000;
const HEALTH_TIMEOUT_MS = 90_000;
/** A password goes into redis.conf and sentinel.conf as one unquoted word. */
const PASSWORD_PATTERN = /^[A-Za-z0-9._~!#$%&*+,/:;=?@^|-]+$/;

export interface LabUpOptions {
  stateDir: string;
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
  settings: Omit<LabSettings, 'password'>;
  droplets: ProvisionedDroplet[];
  health: ClusterHealth;
  elapsedMs: number;
}

function resolveSettings(options: LabUpOptions, previous: LabSettings | undefined): LabSettings {
  const env = options.env ?? process.env;
  const ipRange = options.ipRange ?? previous?.ipRange ?? DEFAULT_IP_RANGE;
  rangeBase(ipRange);
  if (previous && previous.ipRange !== ipRange) {
    throw new Error(
      `the lab already runs on ${previous.ipRange}; run \`drillbook lab down\` before starting one on ${ipRange}`,
    );
  }
  const fromEnv = env.REDIS_PASSWORD;
  if (fromEnv !== undefined && !PASSWORD_PATTERN.test(fromEnv)) {
    throw new Error(
      'REDIS_PASSWORD must be one word of letters, digits and ._~!#$%&*+,/:;=?@^|- (it is written unquoted into redis.conf)',
    );
  }
  if (previous && fromEnv !== undefined && fromEnv !== previous.password) {
    throw new Error(
      'REDIS_PASSWORD differs from the password the running lab was built with; run `drillbook lab down` first, or unset it',
    );
  }
  const replicas = options.replicas ?? previous?.replicas ?? 1;
  checkReplicas(replicas);
  const downAfterMs = options.downAfterMs ?? previous?.downAfterMs ?? DEFAULT_DOWN_AFTER_MS;
  if (!Number.isInteger(downAfterMs) || downAfterMs < 100) {
    throw new Error('--down-after must be a whole number of milliseconds, at least 100');
  }
  return {
    ipRange,
    replicas,
    downAfterMs,
    // The article's ratio (down-after 30 s, failover-timeout 60 s), with a floor so short lab settings still
    // leave a failover time to finish.
    failoverTimeoutMs: Math.max(10_000, downAfterMs * 2),
    password: previous?.password ?? fromEnv ?? generateSecret(),
  };
}

export async function labUp(options: LabUpOptions): Promise<LabUpResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  await ensureLabBinaries(options, progress);
  await ensureStateDir(options.stateDir);
  const previous = await readSettings(options.stateDir);
  const settings = resolveSettings(options, previous);
  await writeSecretJson(settingsFile(options.stateDir), settings);
  const daemon = await ensureLabDaemon({ stateDir: options.stateDir, ipRange: settings.ipRange });
  progress(
    daemon.started
      ? `started the lab emulator at ${daemon.url}`
      : `reusing the lab emulator at ${daemon.url}`,
  );
  const droplets = await provisionLab({
    apiUrl: daemon.url,
    token: daemon.token,
    settings,
    supervisor: new LabSupervisor({ labDir: options.stateDir }),
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: progress,
  });
  progress('droplets active; waiting for replication and Sentinel discovery');
  const plan = planTopology(settings);
  const health = await waitForHealthy(
    {
      nodes: plan.filter((p) => p.role !== 'sentinel').map((p) => ({ host: p.privateIp, port: p.port })),
      sentinels: plan.filter((p) => p.role === 'sentinel').map((p) => ({ host: p.privateIp, port: p.port })),
      password: settings.password,
    },
    { timeoutMs: HEALTH_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) },
  );
  if (previous && previous.downAfterMs !== settings.downAfterMs) {
    // Sentinels created earlier keep their own timing unless told: tell the running ones.
    for (const sentinel of plan.filter((p) => p.role === 'sentinel')) {
      await setSentinelTiming(sentinel.privateIp, sentinel.port, settings);
    }
    progress(
      `Sentinels now use down-after-milliseconds ${settings.downAfterMs}, failover-timeout ${settings.failoverTimeoutMs}`,
    );
  }
  const { password: _secret, ...shown } = settings;
  return {
    apiUrl: daemon.url,
    daemonStarted: daemon.started,
    settings: shown,
    droplets,
    health,
    elapsedMs: Math.round(performance.now() - started),
  };
}
