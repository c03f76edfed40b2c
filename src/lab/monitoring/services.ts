// The three monitoring processes as daemons: found on PATH (Debian names first), started detached with a pid
// file and a log, ready when their HTTP endpoint says so, stopped by the pid they recorded — never by name.
import { spawn } from 'node:child_process';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findExecutable } from '../binaries.js';
import { commandLine, readPidFile, sendSignal, waitForExit } from '../processes.js';
import { ALERTMANAGER_CONFIG, PASSWORD_FILE, PROMETHEUS_CONFIG } from './config.js';

export type MonitoringService = 'prometheus' | 'alertmanager' | 'redis-exporter';
export const SERVICES: readonly MonitoringService[] = ['redis-exporter', 'alertmanager', 'prometheus'];

/** Executable names to look for, Debian's package binaries first, then the upstream release names. */
const EXECUTABLES: Record<MonitoringService, string[]> = {
  prometheus: ['prometheus'],
  alertmanager: ['prometheus-alertmanager', 'alertmanager'],
  'redis-exporter': ['prometheus-redis-exporter', 'redis_exporter'],
};

const APT_PACKAGES: Record<MonitoringService, string> = {
  prometheus: 'prometheus',
  alertmanager: 'prometheus-alertmanager',
  'redis-exporter': 'prometheus-redis-exporter',
};

/** Where each service says it is ready to serve. */
export const READY_PATH: Record<MonitoringService, string> = {
  prometheus: '/-/ready',
  alertmanager: '/-/ready',
  'redis-exporter': '/health',
};

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export class MissingMonitoringBinariesError extends Error {
  constructor(readonly missing: MonitoringService[]) {
    const names = missing.map((s) => EXECUTABLES[s].join(' or '));
    super(
      `lab monitoring needs ${names.join(', ')}, not found on PATH.\n` +
        `  Debian/Ubuntu:  sudo apt-get install ${missing.map((s) => APT_PACKAGES[s]).join(' ')}\n` +
        '  other systems:  https://prometheus.io/download/ and https://github.com/oliver006/redis_exporter/releases',
    );
    this.name = 'MissingMonitoringBinariesError';
  }
}

export async function findMonitoringBinaries(
  searchPath = process.env.PATH ?? '',
): Promise<Record<MonitoringService, string>> {
  const found: Partial<Record<MonitoringService, string>> = {};
  const missing: MonitoringService[] = [];
  for (const service of SERVICES) {
    for (const name of EXECUTABLES[service]) {
      const where = await findExecutable(name, searchPath);
      if (where) {
        found[service] = where;
        break;
      }
    }
    if (!found[service]) missing.push(service);
  }
  if (missing.length > 0) throw new MissingMonitoringBinariesError(missing);
  return found as Record<MonitoringService, string>;
}

export const pidFile = (dir: string, service: MonitoringService) => path.join(dir, `${service}.pid`);
export const logFile = (dir: string, service: MonitoringService) => path.join(dir, `${service}.log`);

/**
 * Arguments per service. Each names a file inside dir, which is how a pid is recognised as ours later
 * (a stale pid file whose pid now belongs to another program is ignored). Alertmanager's cluster port
 * is switched off: by default it would listen on every interface.
 */
export function serviceArgs(service: MonitoringService, dir: string, listen: string): string[] {
  switch (service) {
    case 'prometheus':
      return [
        `--config.file=${path.join(dir, PROMETHEUS_CONFIG)}`,
        `--storage.tsdb.path=${path.join(dir, 'prometheus-data')}`,
        '--storage.tsdb.retention.time=1d',
        `--web.listen-address=${listen}`,
      ];
    case 'alertmanager':
      return [
        `--config.file=${path.join(dir, ALERTMANAGER_CONFIG)}`,
        `--storage.path=${path.join(dir, 'alertmanager-data')}`,
        `--web.listen-address=${listen}`,
        '--cluster.listen-address=',
      ];
    case 'redis-exporter':
      return [
        `-web.listen-address=${listen}`,
        '-redis.addr=',
        `-redis.password-file=${path.join(dir, PASSWORD_FILE)}`,
      ];
  }
}

/** The pid in the service's pid file while that process is still the one we started from dir. */
export async function runningPid(dir: string, service: MonitoringService): Promise<number | undefined> {
  const pid = await readPidFile(pidFile(dir, service));
  if (pid === undefined) return undefined;
  const line = await commandLine(pid);
  return line?.includes(dir) ? pid : undefined;
}

async function lastLines(file: string, count: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

export async function answers(url: string, signal?: AbortSignal): Promise<boolean> {
  const timeout = AbortSignal.timeout(1000);
  try {
    const response = await fetch(url, { signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * What the services get for an environment: no more than they need. redis_exporter reads REDIS_PASSWORD,
 * REDIS_ADDR, REDIS_USER and REDIS_EXPORTER_* from it — the lab's own REDIS_PASSWORD would then be sent to
 * Sentinels that have no password, and every Sentinel scrape would fail.
 */
export function serviceEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR'])
    if (env[name] !== undefined) kept[name] = env[name];
  return kept;
}

/** Starts one service detached (it outlives this process) and resolves once its ready endpoint answers. */
export async function startService(
  service: MonitoringService,
  binary: string,
  dir: string,
  listen: string,
): Promise<number> {
  const log = await open(logFile(dir, service), 'a', 0o600);
  let exited: string | undefined;
  let pid: number | undefined;
  try {
    const child = spawn(binary, serviceArgs(service, dir, listen), {
      cwd: dir,
      env: serviceEnv(),
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
    child.once('exit', (code, signal) => {
      exited = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    pid = child.pid as number;
    child.unref();
    await writeFile(pidFile(dir, service), `${pid}\n`, { mode: 0o600 });
  } finally {
    await log.close();
  }
  const url = `http://${listen}${READY_PATH[service]}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(url))) {
    if (exited || Date.now() > deadline) {
      if (!exited) await stopService(dir, service);
      const why = exited ?? `did not answer ${url} within ${READY_TIMEOUT_MS / 1000} s`;
      throw new Error(
        `${service} (${binary}) ${why}; last lines of ${logFile(dir, service)}:\n${await lastLines(logFile(dir, service), 5)}`,
      );
    }
    await sleep(100);
  }
  return pid;
}

/** SIGTERM, then SIGKILL if it lingers; a stale pid file (not our process) is only removed. */
export async function stopService(dir: string, service: MonitoringService): Promise<boolean> {
  const pid = await runningPid(dir, service);
  let stopped = false;
  if (pid !== undefined && sendSignal(pid, 'SIGTERM')) {
    if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) {
      sendSignal(pid, 'SIGKILL');
      await waitForExit(pid, STOP_TIMEOUT_MS);
    }
    stopped = true;
  }
  await rm(pidFile(dir, service), { force: true });
  return stopped;
}
