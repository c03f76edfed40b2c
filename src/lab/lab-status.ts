// `drillbook lab status`: the emulator, every droplet it knows (the lab's own and any a runbook created),
// and what each droplet's Redis or Sentinel process says about replication.

import type { IDroplet } from 'dots-wrapper/dist/droplet/index.js';
import type { IFirewall as Firewall } from 'dots-wrapper/dist/firewall/index.js';
import { openLabSession } from './api.js';
import { LabConsole } from './container/console.js';
import { type ContainerReport, inspectContainer } from './container/inspect.js';
import { containerLabFiles } from './container/state.js';
import { runningDaemon } from './daemon-control.js';
import { type NodeState, nodeState, type SentinelState, sentinelState } from './health.js';
import { privateIpOf } from './provision.js';
import { type LabMode, readSettings } from './state.js';
import { LabSupervisor, type ServiceStatus } from './supervisor.js';
import { REDIS_PORT, SENTINEL_PORT } from './topology.js';

export interface ServiceReport {
  service: 'redis-server' | 'redis-sentinel';
  address: string;
  running: boolean;
  pid?: number;
  node?: NodeState;
  sentinel?: SentinelState;
}

export interface DropletReport {
  id: number;
  name: string;
  status: string;
  privateIp?: string;
  tags: string[];
  frozen: boolean;
  error?: string;
  /** Cloud Firewalls that apply to it (by id or tag): status probes are the lab's own, not judged by them. */
  firewalls: string[];
  /** Container mode: the machine's state, boot time and cloud-init progress (and log, in --json). */
  container?: ContainerReport;
  services: ServiceReport[];
}

export interface LabStatus {
  stateDir: string;
  running: boolean;
  mode: LabMode;
  apiUrl?: string;
  pid?: number;
  droplets: DropletReport[];
  settings?: { ipRange: string; replicas: number; downAfterMs: number; failoverTimeoutMs: number };
  /** Only when asked for (--show-password). */
  password?: string;
  /** The Sentinels' own password, only when asked for (--show-password). */
  sentinelPassword?: string;
  apiError?: string;
}

export async function labStatus(
  stateDir: string,
  options: { showPassword?: boolean; withLogs?: boolean } = {},
): Promise<LabStatus> {
  const daemon = await runningDaemon(stateDir);
  const settings = await readSettings(stateDir);
  const mode = daemon?.mode ?? settings?.mode ?? 'loopback';
  const status: LabStatus = { stateDir, running: daemon !== undefined, mode, droplets: [] };
  if (settings) {
    const { password, sentinelPassword, ...shown } = settings;
    status.settings = shown;
    if (options.showPassword) {
      status.password = password;
      if (sentinelPassword) status.sentinelPassword = sentinelPassword;
    }
  }
  if (!daemon) return status;
  status.apiUrl = daemon.url;
  status.pid = daemon.pid;
  const session = await openLabSession({
    apiUrl: daemon.url,
    token: daemon.token,
    api: { requestTimeoutMs: 10_000 },
  });
  let droplets: IDroplet[];
  let firewalls: Firewall[];
  try {
    const listed = await session.call((c) => c.droplet.listDroplets({ per_page: 200 }));
    droplets = [...listed.droplets].sort((a, b) => a.name.localeCompare(b.name));
    firewalls = (await session.call((c) => c.firewall.listFirewalls({ per_page: 200 }))).firewalls;
  } catch (error) {
    status.apiError = (error as Error).message;
    return status;
  }
  const supervisor = new LabSupervisor({ labDir: stateDir });
  const labConsole =
    mode === 'container' ? new LabConsole(containerLabFiles(stateDir).relaySocket) : undefined;
  try {
    status.droplets = await Promise.all(
      droplets.map((droplet) =>
        dropletReport(droplet, {
          stateDir,
          supervisor,
          labConsole,
          settings,
          withLogs: options.withLogs,
          firewalls: firewallsOf(droplet, firewalls),
        }),
      ),
    );
  } finally {
    await labConsole?.close();
  }
  return status;
}

function firewallsOf(droplet: IDroplet, firewalls: Firewall[]): string[] {
  return firewalls
    .filter(
      (firewall) =>
        (firewall.droplet_ids ?? []).includes(droplet.id) ||
        (firewall.tags ?? []).some((tag) => droplet.tags.includes(tag)),
    )
    .map((firewall) => firewall.name);
}

/**
 * Container droplets' services, found by their tags (the lab's own droplets are tagged redis or
 * sentinel), each reached through the lab console on its private address.
 */
function containerServices(droplet: IDroplet, container: ContainerReport): ServiceStatus[] {
  const privateIp = privateIpOf(droplet);
  if (!privateIp) return [];
  const running = container.state !== 'stopped';
  const record = (service: ServiceStatus['service'], port: number): ServiceStatus => ({
    service,
    config: '',
    pidfile: '',
    logfile: '',
    address: privateIp,
    port,
    running,
  });
  return [
    ...(droplet.tags.includes('redis') ? [record('redis-server', REDIS_PORT)] : []),
    ...(droplet.tags.includes('sentinel') ? [record('redis-sentinel', SENTINEL_PORT)] : []),
  ];
}

async function dropletReport(
  droplet: IDroplet,
  context: {
    stateDir: string;
    supervisor: LabSupervisor;
    labConsole: LabConsole | undefined;
    settings: Awaited<ReturnType<typeof readSettings>>;
    withLogs: boolean | undefined;
    firewalls: string[];
  },
): Promise<DropletReport> {
  const { supervisor, labConsole, settings } = context;
  const extra = droplet as IDroplet & { lab_frozen?: boolean; lab_error?: string };
  const container = labConsole
    ? await inspectContainer(context.stateDir, droplet.id, { withLog: context.withLogs === true })
    : undefined;
  const records = container ? containerServices(droplet, container) : await supervisor.status(droplet.name);
  const services = await Promise.all(
    records.map(async (service): Promise<ServiceReport> => {
      const report: ServiceReport = {
        service: service.service,
        address: `${service.address}:${service.port}`,
        running: service.running,
        ...(service.pid ? { pid: service.pid } : {}),
      };
      // A frozen process would only time out; it says nothing until thawed.
      if (!service.running || extra.lab_frozen) return report;
      const at = labConsole
        ? await labConsole.open(service.address, service.port)
        : { host: service.address, port: service.port };
      if (service.service === 'redis-sentinel') {
        report.sentinel = {
          ...(await sentinelState(at.host, at.port, settings?.sentinelPassword)),
          address: report.address,
        };
      } else {
        report.node = {
          ...(await nodeState(at.host, at.port, settings?.password ?? '')),
          address: report.address,
        };
      }
      return report;
    }),
  );
  const privateIp = privateIpOf(droplet);
  return {
    id: droplet.id,
    name: droplet.name,
    status: droplet.status,
    ...(privateIp ? { privateIp } : {}),
    tags: droplet.tags,
    frozen: extra.lab_frozen === true,
    firewalls: context.firewalls,
    ...(extra.lab_error ? { error: extra.lab_error } : {}),
    ...(container ? { container } : {}),
    services,
  };
}

function describeService(service: ServiceReport): string {
  if (!service.running) return `${service.service} ${service.address} not running`;
  const node = service.node;
  if (node) {
    if (node.error?.includes('NOAUTH') || node.error?.includes('WRONGPASS')) {
      return `${service.address} running; its role needs the password of the runbook that created it`;
    }
    if (!node.reachable) return `${service.address} unreachable (${node.error})`;
    if (node.role === 'master')
      return `${service.address} master, ${node.connectedReplicas} replica(s) connected`;
    return `${service.address} replica of ${node.masterAddress}, link ${node.linkUp ? 'up' : 'DOWN'}`;
  }
  const sentinel = service.sentinel;
  if (sentinel) {
    if (sentinel.error?.includes('NOAUTH') || sentinel.error?.includes('WRONGPASS')) {
      return `${service.address} Sentinel running; it needs the Sentinel password of the runbook that created it`;
    }
    if (!sentinel.reachable) return `${service.address} Sentinel unreachable (${sentinel.error})`;
    return `${service.address} Sentinel: mymaster at ${sentinel.masterAddress}, ${sentinel.otherSentinels} other Sentinels, ${sentinel.quorumOk ? 'CKQUORUM OK' : `CKQUORUM: ${sentinel.quorum}`}`;
  }
  return `${service.service} ${service.address} frozen (pid ${service.pid})`;
}

export function formatLabStatus(status: LabStatus): string[] {
  if (!status.running) {
    return [`No lab is running (state: ${status.stateDir}). Start one with \`drillbook lab up\`.`];
  }
  const lines = [
    `Lab emulator: ${status.apiUrl} (pid ${status.pid}), ${status.mode} mode`,
    `State: ${status.stateDir}`,
  ];
  if (status.settings) {
    lines.push(
      `Settings: range ${status.settings.ipRange}, ${status.settings.replicas} replica(s), down-after ${status.settings.downAfterMs} ms, failover-timeout ${status.settings.failoverTimeoutMs} ms`,
    );
  }
  if (status.apiError) lines.push(`The emulator did not list droplets: ${status.apiError}`);
  if (status.droplets.length === 0 && !status.apiError) lines.push('No droplets.');
  const width = Math.max(0, ...status.droplets.map((d) => d.name.length));
  for (const droplet of status.droplets) {
    // The checks below come from the lab's console, which no Cloud Firewall judges; say which ones apply.
    const guarded =
      droplet.firewalls.length > 0
        ? `  firewall ${droplet.firewalls.join(', ')}${status.mode === 'loopback' ? ' (not enforced in loopback mode)' : ''}`
        : '';
    const head = `${droplet.name.padEnd(width)}  ${droplet.status.padEnd(6)}  ${droplet.privateIp ?? '-'}${droplet.frozen ? '  FROZEN' : ''}${guarded}`;
    lines.push(head);
    if (droplet.container) {
      const { state, bootedAt, cloudInit } = droplet.container;
      const errors = cloudInit.errors.length > 0 ? ` (${cloudInit.errors.join('; ')})` : '';
      lines.push(
        `${' '.repeat(width + 2)}container ${state}${bootedAt ? `, booted ${bootedAt}` : ''}, cloud-init ${cloudInit.status}${errors}`,
      );
    }
    for (const service of droplet.services) lines.push(`${' '.repeat(width + 2)}${describeService(service)}`);
    if (droplet.error) lines.push(`${' '.repeat(width + 2)}error: ${droplet.error}`);
  }
  if (status.password !== undefined) lines.push(`Redis password: ${status.password}`);
  else if (status.settings) lines.push('Redis password: hidden (drillbook lab status --show-password)');
  if (status.sentinelPassword !== undefined) lines.push(`Sentinel password: ${status.sentinelPassword}`);
  else if (status.settings) lines.push('Sentinel password: hidden (drillbook lab status --show-password)');
  return lines;
}
