// Turns a droplet's redis.conf / sentinel.conf (as cloud-init wrote it) into one the lab can run: bound to
// the droplet's loopback private IP, connecting out from it, daemonized, with every path inside the lab.
import path from 'node:path';
import type { LabService } from './cloud-init.js';

/** The placeholder the cloud-init templates fill from the metadata service on a real droplet. */
export const PRIVATE_IP_PLACEHOLDER = '__PRIVATE_IP__';

export interface LabConfig {
  text: string;
  port: number;
  /** Absolute paths inside the droplet's lab folder. */
  pidfile: string;
  logfile: string;
  dir: string;
}

export class LabConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabConfigError';
  }
}

const DEFAULT_PORT: Record<LabService, number> = { 'redis-server': 6379, 'redis-sentinel': 26379 };
const DEFAULT_PATHS: Record<LabService, { pidfile: string; logfile: string; dir: string }> = {
  'redis-server': {
    pidfile: '/run/redis/redis-server.pid',
    logfile: '/var/log/redis/redis-server.log',
    dir: '/var/lib/redis',
  },
  'redis-sentinel': {
    pidfile: '/run/sentinel/redis-sentinel.pid',
    logfile: '/var/log/redis/redis-sentinel.log',
    dir: '/var/lib/redis',
  },
};

/** Directives the lab always sets itself; the droplet's own values are dropped. */
const OVERRIDDEN = new Set([
  'bind',
  'bind-source-addr',
  'daemonize',
  'supervised',
  'pidfile',
  'logfile',
  'dir',
  'proc-title-template',
]);
const OVERRIDDEN_SENTINEL = new Set(['announce-ip', 'myid']);
const PATH_DIRECTIVES = new Set(['include', 'aclfile', 'unixsocket']);

/** Splits a config line into words, honouring the double and single quotes redis accepts. */
export function configWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return words;
}

function quote(value: string): string {
  return /^[\w./:@-]+$/.test(value) ? value : JSON.stringify(value);
}

function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === 'localhost';
}

/**
 * Rewrites config text for the lab. `remap` turns a droplet path (/var/lib/redis) into its lab path.
 * Addresses the node would contact (replicaof, sentinel monitor) must be loopback: the lab never sends
 * traffic anywhere else.
 */
export function labConfig(
  text: string,
  options: {
    service: LabService;
    privateIp: string;
    droplet: string;
    remap: (dropletPath: string) => string;
  },
): LabConfig {
  const { service, privateIp, droplet, remap } = options;
  const lines = text.split(PRIVATE_IP_PLACEHOLDER).join(privateIp).split('\n');
  const kept: string[] = [];
  const paths = { ...DEFAULT_PATHS[service] };
  let port = DEFAULT_PORT[service];
  const file = service === 'redis-server' ? 'redis.conf' : 'sentinel.conf';
  const refuse = (what: string, address: string) => {
    throw new LabConfigError(
      `droplet ${droplet}: ${file} ${what} ${address}, which is not a loopback address; the lab only ever contacts 127.0.0.0/8 — use the droplet's private_ip from the API (for example {{ nodes.droplets.redis-1.private_ip }})`,
    );
  };
  for (const line of lines) {
    const words = configWords(line.trim());
    const directive = words[0]?.toLowerCase();
    if (!directive || directive.startsWith('#')) {
      kept.push(line);
      continue;
    }
    const value = words[1] ?? '';
    if (directive === 'sentinel' && OVERRIDDEN_SENTINEL.has(value.toLowerCase())) continue;
    if (directive === 'sentinel' && value.toLowerCase() === 'monitor' && !isLoopback(words[3] ?? '')) {
      refuse(`monitors a master at`, words[3] ?? '(nothing)');
    }
    if ((directive === 'replicaof' || directive === 'slaveof') && value.toLowerCase() !== 'no') {
      if (!isLoopback(value)) refuse('replicates from', value);
    }
    if (directive === 'port') port = Number(value);
    if (directive === 'pidfile' || directive === 'logfile' || directive === 'dir') {
      if (value.startsWith('/')) paths[directive] = value;
      continue;
    }
    if (OVERRIDDEN.has(directive)) continue;
    if (PATH_DIRECTIVES.has(directive) && value.startsWith('/')) {
      kept.push(`${directive} ${quote(remap(value))}`);
      continue;
    }
    if (directive === 'appendfilename' || directive === 'appenddirname') {
      kept.push(`${directive} ${quote(path.basename(value))}`);
      continue;
    }
    kept.push(line);
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new LabConfigError(
      `droplet ${droplet}: ${file} has an invalid port; use a TCP port from 1 to 65535`,
    );
  }
  const lab = {
    pidfile: remap(paths.pidfile),
    logfile: remap(paths.logfile),
    dir: remap(paths.dir),
  };
  while (kept.length > 0 && kept[kept.length - 1]?.trim() === '') kept.pop();
  kept.push(
    '',
    '# drillbook lab: the droplet runs on loopback. Bind and connect out from its private IP (otherwise',
    '# peers would see 127.0.0.1), daemonize with a pid file, and keep every path inside the lab folder.',
    `bind ${privateIp}`,
    `bind-source-addr ${privateIp}`,
    ...(service === 'redis-sentinel' ? [`sentinel announce-ip ${privateIp}`] : []),
    'daemonize yes',
    'supervised no',
    `pidfile ${quote(lab.pidfile)}`,
    `logfile ${quote(lab.logfile)}`,
    `dir ${quote(lab.dir)}`,
    // The config path in the process title lets the supervisor tell its own process from a reused pid.
    'proc-title-template "{title} {listen-addr} {server-mode} {config-file}"',
    '',
  );
  return { text: kept.join('\n'), port, ...lab };
}
