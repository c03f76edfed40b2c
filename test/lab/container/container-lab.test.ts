// The container lab as a user runs it (root, Linux): `drillbook lab up --mode container` boots the
// article's cluster (1 master, 1 replica, 3 Sentinels) as systemd-nspawn machines, each configured by real
// cloud-init from the shipped templates, on the private VPC 10.10.0.0/24 that the host never routes to.
// One lab for the whole file (booting is the expensive part), which the Cloud Firewall and partition tests of
// network-faults.ts share; the last test kills the daemon with -9 and checks that `lab down` leaves nothing
// behind.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createApiClient } from 'dots-wrapper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabConsole } from '../../../src/lab/container/console.js';
import {
  containerInit,
  leftPropagateDirs,
  machineName,
  machinePaths,
  nspawnPid,
} from '../../../src/lab/container/machine.js';
import { labKey } from '../../../src/lab/container/netns.js';
import { labNamespaces, ROUTE_PROTO } from '../../../src/lab/container/network.js';
import { containerLabFiles, containerStateDir } from '../../../src/lab/container/state.js';
import { nodeState } from '../../../src/lab/health.js';
import { labDown } from '../../../src/lab/lab-down.js';
import { type DaemonState, readDaemonState } from '../../../src/lab/state.js';
import { bundleLabCli } from '../cli-bundle.js';
import { labStateDir, processesUnder, runLabCli } from '../helpers.js';
import { inDroplet } from './in-droplet.js';
import { networkFaultTests } from './network-faults.js';

const execFileAsync = promisify(execFile);
const PASSWORD = 'container-test-password-0123';
const SENTINEL_PASSWORD = 'container-test-sentinel-password-0123';
const dropletIds = new Map<string, number>();
let state: { dir: string; remove: () => Promise<void> };
let cli: string;
let labDir: string;
let key: string;

function lab(...args: string[]) {
  // A first run builds the image (about 2 minutes); later runs reuse the cached one.
  return runLabCli(
    {
      cli,
      stateHome: state.dir,
      env: { REDIS_PASSWORD: PASSWORD, SENTINEL_PASSWORD },
      timeoutMs: 300_000,
    },
    ...args,
  );
}

async function statusJson() {
  const status = await lab('status', '--json');
  return JSON.parse(status.stdout);
}

async function daemon(): Promise<DaemonState> {
  const state = await readDaemonState(labDir);
  if (!state) throw new Error(`no lab daemon is recorded in ${labDir}`);
  return state;
}

async function api() {
  const { url, token } = await daemon();
  return createApiClient({ endpoint: url, token });
}

/** A droplet's id, as the first `lab up --json` listed it. */
function dropletId(name: string): number {
  const id = dropletIds.get(name);
  if (id === undefined) throw new Error(`lab up listed no droplet named ${name}`);
  return id;
}

// biome-ignore lint/suspicious/noExplicitAny: the Prometheus and Alertmanager APIs' JSON, read by the test
async function getJson(url: string): Promise<any> {
  return (await fetch(url, { signal: AbortSignal.timeout(5000) })).json();
}

beforeAll(async () => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new Error(
      'the container lab tests need root on Linux (systemd-nspawn, network namespaces); CI runs them as root',
    );
  }
  state = labStateDir('drillbook-container-');
  labDir = path.join(state.dir, 'drillbook', 'lab');
  key = labKey(labDir);
  cli = await bundleLabCli('container-test');
}, 60_000);

afterAll(async () => {
  if (!labDir) return;
  await labDown(labDir).catch(() => {});
  await state.remove();
}, 60_000);

describe('container lab', () => {
  it('boots a healthy cluster with real cloud-init from the shipped templates', async () => {
    const up = await lab('up', '--mode', 'container', '--replicas', '1', '--json');
    expect(up.stderr).not.toContain('error');
    expect(up.code, `lab up failed:\n${up.stdout}\n${up.stderr}`).toBe(0);
    const result = JSON.parse(up.stdout);
    expect(result.ok).toBe(true);
    expect(result.settings.mode).toBe('container');
    expect(result.health.healthy).toBe(true);
    expect(result.droplets.map((d: { privateIp: string }) => d.privateIp)).toEqual([
      '10.10.0.10',
      '10.10.0.11',
      '10.10.0.20',
      '10.10.0.21',
      '10.10.0.22',
    ]);
    for (const droplet of result.droplets as { name: string; id: number }[])
      dropletIds.set(droplet.name, droplet.id);
  }, 320_000);

  it('shows each droplet container, boot time and cloud-init output in lab status --json', async () => {
    const status = await statusJson();
    expect(status.mode).toBe('container');
    const master = status.droplets.find((d: { name: string }) => d.name === 'redis-1');
    expect(master.container.state).toBe('running');
    expect(Date.parse(master.container.bootedAt)).not.toBeNaN();
    expect(master.container.cloudInit).toEqual({ status: 'done', errors: [] });
    // Real cloud-init ran the template: apt installed redis-server from the offline repository.
    expect(master.container.cloudInitLog).toContain('Setting up redis-server');
    expect(master.container.cloudInitLog).toMatch(/Cloud-init v\. [\d.]+ finished/);
    expect(master.services[0].node).toMatchObject({ reachable: true, role: 'master', connectedReplicas: 1 });
    // nspawn knows the machine by a name of this lab's own (it keeps host-wide state by that name, which
    // another lab's redis-1 must not share); inside, the hostname is the droplet's.
    const nspawn = (await nspawnPid(machinePaths(containerStateDir(labDir), master.id))) as number;
    const argv = (await readFile(`/proc/${nspawn}/cmdline`, 'utf8')).split('\0');
    expect(argv[argv.indexOf('-M') + 1]).toBe(machineName(key, master.id));
    const init = await containerInit(nspawn);
    const hostname = await execFileAsync('nsenter', ['-t', String(init), '-u', 'hostname']);
    expect(hostname.stdout.trim()).toBe('redis-1');
    const text = await lab('status');
    expect(text.stdout).toContain('container mode');
    expect(text.stdout).toMatch(/container running, booted .*, cloud-init done/);
  });

  it('answers each droplet from the metadata service about itself', async () => {
    const replica = dropletId('redis-2');
    const address = await inDroplet(key, replica, [
      'curl',
      '-fsS',
      'http://169.254.169.254/metadata/v1/interfaces/private/0/ipv4/address',
    ]);
    expect(address).toEqual({ code: 0, output: '10.10.0.11' });
    const document = JSON.parse(
      (await inDroplet(key, replica, ['curl', '-fsS', 'http://169.254.169.254/metadata/v1.json'])).output,
    );
    expect(document).toMatchObject({ droplet_id: replica, hostname: 'redis-2' });
    expect(document.tags).toContain('redis');
  });

  it('gives the host an unreachable route for the VPC range while the lab is up', async () => {
    // `ip route get` asks the kernel which route a packet would take (none is sent): there is none.
    await expect(execFileAsync('ip', ['route', 'get', '10.10.0.10'])).rejects.toThrow(/No route to host/);
    const vpc = JSON.parse((await execFileAsync('ip', ['-j', 'route', 'show', '10.10.0.0/24'])).stdout);
    expect(vpc).toEqual([expect.objectContaining({ type: 'unreachable', dst: '10.10.0.0/24' })]);
    const routes = JSON.parse(
      (await execFileAsync('ip', ['-j', 'route', 'show', 'proto', ROUTE_PROTO])).stdout,
    );
    expect(routes.map((r: { dst: string }) => r.dst).sort()).toEqual(['10.10.0.0/24', '198.18.0.0/16']);
  });

  it('power_off makes peers time out (not refused), power_on brings Redis back through the bind race', async () => {
    const client = await api();
    const master = dropletId('redis-1');
    const replica = dropletId('redis-2');
    const disk = machinePaths(containerStateDir(labDir), replica);
    const redisLog = path.join(disk.merged, 'var/log/redis/redis-server.log');
    const logBefore = (await readFile(redisLog, 'utf8')).length;
    await client.droplet.powerOffDroplet({ droplet_id: replica });
    for (
      let i = 0;
      i < 100 && (await statusJson()).droplets.find((d: { id: number }) => d.id === replica).status !== 'off';
      i++
    ) {
      await sleep(200);
    }
    // From the master's namespace: a connection to the powered-off replica hangs until timeout(1) ends it.
    const probe = await inDroplet(key, master, [
      'timeout',
      '3',
      'redis-cli',
      '-h',
      '10.10.0.11',
      '-a',
      PASSWORD,
      'ping',
    ]);
    expect(probe.code).toBe(124);
    expect(probe.output).not.toContain('refused');
    await client.droplet.powerOnDroplet({ droplet_id: replica });
    const labConsole = new LabConsole(containerLabFiles(labDir).relaySocket);
    try {
      const at = await labConsole.open('10.10.0.11', 6379);
      let node = await nodeState(at.host, at.port, PASSWORD);
      for (let i = 0; i < 150 && !(node.role === 'replica' && node.linkUp); i++) {
        await sleep(200);
        node = await nodeState(at.host, at.port, PASSWORD);
      }
      expect(node).toMatchObject({
        reachable: true,
        role: 'replica',
        masterAddress: '10.10.0.10:6379',
        linkUp: true,
      });
    } finally {
      await labConsole.close();
    }
    // The race really happened: the private address came up after redis-server started, so Redis (>= 6.2)
    // exited on its bind, and the template's drop-in (Restart=always, RestartSec, no start-limit) restarted it.
    const thisBoot = (await readFile(redisLog, 'utf8')).slice(logBefore);
    const failedBind = thisBoot.search(/Could not create server TCP listening socket 10\.10\.0\.11:6379/);
    expect(failedBind, thisBoot).toBeGreaterThanOrEqual(0);
    expect(thisBoot.slice(failedBind)).toContain('Ready to accept connections');
    const init = await containerInit((await nspawnPid(disk)) as number);
    const restarts = await execFileAsync('nsenter', [
      '-t',
      String(init),
      '-a',
      'systemctl',
      'show',
      '--property=NRestarts',
      '--value',
      'redis-server',
    ]);
    expect(Number(restarts.stdout.trim())).toBeGreaterThan(0);
  }, 60_000);

  networkFaultTests(() => ({
    labDir,
    key,
    password: PASSWORD,
    sentinelPassword: SENTINEL_PASSWORD,
    dropletId,
    daemon,
  }));

  it('lab up --monitoring adds a monitoring droplet that scrapes the VPC and alerts on a failover', async () => {
    // A second `lab up` on the running lab keeps its droplets and adds the monitoring one.
    const up = await lab('up', '--monitoring', '--json');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const { monitoring } = JSON.parse(up.stdout);
    // Real cloud-init installed Prometheus, Alertmanager and redis_exporter on it from the offline repository;
    // the host reaches them only at its public (forwarded) address.
    expect(monitoring.droplet).toMatchObject({ name: 'monitoring', privateIp: '10.10.0.30' });
    expect(monitoring.prometheusUrl).toBe(`http://${monitoring.droplet.publicIp}:9090`);
    expect(monitoring.droplet.publicIp).toMatch(/^127\./);
    const targets = await getJson(`${monitoring.prometheusUrl}/api/v1/targets?state=active`);
    expect(
      targets.data.activeTargets.map((t: { labels: { instance: string } }) => t.labels.instance).sort(),
    ).toEqual([
      '10.10.0.10:6379',
      '10.10.0.11:6379',
      '10.10.0.20:26379',
      '10.10.0.21:26379',
      '10.10.0.22:26379',
      '127.0.0.1:9121',
    ]);
    // The exporter got both passwords: every node and Sentinel answers its scrape over the VPC.
    const up1 = await getJson(`${monitoring.prometheusUrl}/api/v1/query?query=min(redis_up)`);
    expect(up1.data.result[0].value[1]).toBe('1');
    expect((await statusJson()).monitoring).toMatchObject({ down: [], droplet: { name: 'monitoring' } });
    // The passwords reached the exporter without its user_data, which the metadata service gives out.
    const { sentinelPassword } = JSON.parse((await lab('status', '--show-password', '--json')).stdout);
    const metadata = JSON.parse(await readFile(containerLabFiles(labDir).metadata, 'utf8'));
    const userData: string = metadata['10.10.0.30'].user_data;
    expect(userData).toMatch(/^#cloud-config\n/);
    expect(userData).not.toContain(PASSWORD);
    expect(userData).not.toContain(sentinelPassword);

    expect(sentinelPassword).toBe(SENTINEL_PASSWORD);

    // The partition test left redis-2 master: the failover promotes redis-1.
    const labConsole = new LabConsole(containerLabFiles(labDir).relaySocket);
    try {
      const at = await labConsole.open('10.10.0.20', 26379);
      const sentinel = (...args: string[]) =>
        execFileAsync('redis-cli', ['-h', at.host, '-p', String(at.port), ...args], {
          env: { ...process.env, REDISCLI_AUTH: sentinelPassword },
        });
      const before = await sentinel('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster');
      expect(before.stdout.split('\n')[0]).toBe('10.10.0.11');
      // Sentinel promotes only a replica it has seen healthy since the heal: until then it says NOGOODSLAVE.
      let failover = await sentinel('SENTINEL', 'FAILOVER', 'mymaster');
      for (let i = 0; i < 120 && failover.stdout.includes('NOGOODSLAVE'); i++) {
        await sleep(500);
        failover = await sentinel('SENTINEL', 'FAILOVER', 'mymaster');
      }
      expect(failover.stdout).toContain('OK');
    } finally {
      await labConsole.close();
    }
    const alerts = `${monitoring.alertmanagerUrl}/api/v2/alerts?active=true&filter=alertname%3D%22RedisMasterChanged%22`;
    let fired: Array<{ labels: { instance: string } }> = [];
    for (let i = 0; i < 60 && fired.length === 0; i++) {
      await sleep(500);
      fired = await getJson(alerts);
    }
    expect(fired.map((alert) => alert.labels.instance)).toEqual(['10.10.0.10:6379']);
  }, 180_000);

  it('lab down after kill -9 of the daemon leaves no namespace, mount, cgroup, route, nft table or process', async () => {
    process.kill((await daemon()).pid, 'SIGKILL');
    await sleep(200);
    expect(await labNamespaces(key)).not.toEqual([]);
    expect(await leftPropagateDirs(key)).not.toEqual([]);
    const down = await lab('down', '--json');
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(await labNamespaces(key)).toEqual([]);
    // The machines nspawn had no chance to clean up after (SIGKILL) leave nothing of theirs either.
    expect(await leftPropagateDirs(key)).toEqual([]);
    const mounts = await readFile('/proc/self/mounts', 'utf8');
    expect(mounts).not.toContain(labDir);
    for (const root of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd']) {
      expect(existsSync(path.join(root, 'drillbook', key))).toBe(false);
    }
    const routes = JSON.parse(
      (await execFileAsync('ip', ['-j', 'route', 'show', 'proto', ROUTE_PROTO])).stdout,
    );
    expect(routes).toEqual([]);
    // The lab's nftables tables live in its VPC namespace (gone above); the host's table list names none.
    const tables = (await execFileAsync('nft', ['list', 'tables'])).stdout;
    expect(tables).not.toContain(key);
    expect(await processesUnder(labDir)).toEqual([]);
    const nspawns = (await execFileAsync('ps', ['-eo', 'args'])).stdout
      .split('\n')
      .filter((line) => line.includes('systemd-nspawn') && line.includes(labDir));
    expect(nspawns).toEqual([]);
    expect(existsSync(labDir)).toBe(false);
  }, 60_000);
});
