// Where the lab keeps its state, and the two 0600 files in it: daemon.json (written by the emulator daemon:
// URL, pid, token) and lab.json (written by `lab up`: the cluster's settings, Redis and Sentinel passwords).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_IP_RANGE = '127.10.0.0/24';
/** The article's VPC range: in container mode droplets get it for real, inside the lab's namespaces. */
export const DEFAULT_CONTAINER_IP_RANGE = '10.10.0.0/24';

/** loopback: droplets are processes on loopback aliases (portable). container: systemd-nspawn machines (root). */
export type LabMode = 'loopback' | 'container';
export const LAB_MODES: readonly LabMode[] = ['loopback', 'container'];

export const defaultIpRange = (mode: LabMode): string =>
  mode === 'container' ? DEFAULT_CONTAINER_IP_RANGE : DEFAULT_IP_RANGE;

export function labStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'drillbook', 'lab');
}

export interface DaemonState {
  /** Emulator API base URL, including /v2. */
  url: string;
  pid: number;
  /** Bearer token the emulator accepts (a secret). */
  token: string;
  ipRange: string;
  /** Absent in a daemon.json written before container mode existed: loopback. */
  mode?: LabMode;
  startedAt: string;
}

export interface LabSettings {
  /** Absent in a lab.json written before container mode existed: loopback. */
  mode?: LabMode;
  ipRange: string;
  replicas: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  /** requirepass / masterauth / sentinel auth-pass (a secret). */
  password: string;
  /**
   * The Sentinels' own requirepass and sentinel-pass (a secret): without it any local user could SENTINEL
   * SET or FAILOVER them. Absent only in a lab.json written before Sentinels had one.
   */
  sentinelPassword?: string;
}

export const daemonFile = (stateDir: string) => path.join(stateDir, 'daemon.json');
export const settingsFile = (stateDir: string) => path.join(stateDir, 'lab.json');
export const emulatorFile = (stateDir: string) => path.join(stateDir, 'emulator.json');
export const daemonLog = (stateDir: string) => path.join(stateDir, 'daemon.log');

export async function ensureStateDir(stateDir: string): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
}

/** Written to a temp file then renamed, so a reader never sees half a file; mode 0600 from the start. */
export async function writeSecretJson(file: string, value: unknown): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export const readDaemonState = (stateDir: string) => readJson<DaemonState>(daemonFile(stateDir));
export const readSettings = (stateDir: string) => readJson<LabSettings>(settingsFile(stateDir));

export async function removeDaemonState(stateDir: string): Promise<void> {
  await rm(daemonFile(stateDir), { force: true });
}

export function generateSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
