// The article's topology on the lab: which droplet gets which address, role and cloud-init.
import type { LabMode, LabSettings } from './state.js';
import { redisNodeUserData, sentinelNodeUserData } from './templates.js';

export const LAB_TAG = 'drillbook-lab';
export const LAB_VPC_NAME = 'drillbook-lab';
export const LAB_REGION = 'nyc3';
export const LAB_SIZE = 's-1vcpu-1gb';
export const LAB_IMAGE = 'ubuntu-24-04-x64';
export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
const MAX_REPLICAS = 9;

export interface PlannedDroplet {
  name: string;
  role: 'master' | 'replica' | 'sentinel';
  /** Last octet inside the lab range: master .10, replicas .11…, Sentinels .20–.22. */
  host: number;
  privateIp: string;
  port: number;
  tags: string[];
}

/** The first three octets of the lab's range: loopback (127.A.B.0) or, in container mode, private. */
/** A lab setting given on the command line is unusable: the operator's input, so `lab up` exits 2. */
export class LabSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabSettingsError';
  }
}

export function rangeBase(ipRange: string, mode: LabMode = 'loopback'): string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/(\d{1,2})$/.exec(ipRange);
  const octets = match ? [match[1], match[2], match[3]].map(Number) : [];
  const [first, second] = octets as [number, number];
  const fits =
    mode === 'container'
      ? first === 10 || (first === 172 && second >= 16 && second <= 31) || (first === 192 && second === 168)
      : first === 127;
  if (!match || Number(match[4]) > 24 || Number(match[4]) < 16 || octets.some((o) => o > 255) || !fits) {
    throw new LabSettingsError(
      mode === 'container'
        ? `lab ip range ${ipRange} must be a private network such as 10.10.0.0/24 (10.A.B.0, 172.16–31.B.0 or 192.168.B.0, /16 to /24)`
        : `lab ip range ${ipRange} must be a loopback network such as 127.10.0.0/24 (127.A.B.0, /16 to /24)`,
    );
  }
  return octets.join('.');
}

export function checkReplicas(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) {
    throw new LabSettingsError(
      `--replicas must be a whole number from 1 to ${MAX_REPLICAS} (replicas sit at .11–.19)`,
    );
  }
}

export function planTopology(settings: Pick<LabSettings, 'ipRange' | 'replicas' | 'mode'>): PlannedDroplet[] {
  checkReplicas(settings.replicas);
  const base = rangeBase(settings.ipRange, settings.mode);
  const node = (name: string, role: PlannedDroplet['role'], host: number): PlannedDroplet => ({
    name,
    role,
    host,
    privateIp: `${base}.${host}`,
    port: role === 'sentinel' ? SENTINEL_PORT : REDIS_PORT,
    tags: [LAB_TAG, role === 'sentinel' ? 'sentinel' : 'redis', `lab-host:${host}`],
  });
  return [
    node('redis-1', 'master', 10),
    ...Array.from({ length: settings.replicas }, (_, i) => node(`redis-${i + 2}`, 'replica', 11 + i)),
    ...[0, 1, 2].map((i) => node(`sentinel-${i + 1}`, 'sentinel', 20 + i)),
  ];
}

export function userDataFor(
  planned: PlannedDroplet,
  settings: LabSettings,
  masterIp: string,
): Promise<string> {
  if (planned.role === 'sentinel') {
    if (!settings.sentinelPassword) {
      throw new Error(
        'this lab was built before its Sentinels had a password; run `drillbook lab down`, then `drillbook lab up`',
      );
    }
    return sentinelNodeUserData({
      password: settings.password,
      sentinelPassword: settings.sentinelPassword,
      masterIp,
      downAfterMs: settings.downAfterMs,
      failoverTimeoutMs: settings.failoverTimeoutMs,
    });
  }
  // After a failover the master may be another node: a re-created node joins whichever is master now.
  return redisNodeUserData({
    password: settings.password,
    ...(planned.privateIp !== masterIp ? { masterIp } : {}),
  });
}
