import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredDroplet } from '../emulator/types.js';
import type { MonitoringDroplet } from './droplet.js';
import { followRunbookMonitoring, type MonitoringDropletLab, runbookCluster } from './runbook-vpc.js';

function droplet(id: number, tags: string[], extra: Partial<StoredDroplet> = {}): StoredDroplet {
  return {
    id,
    name: `d${id}`,
    region: 'nyc1',
    sizeSlug: 's-1vcpu-1gb',
    imageId: 1,
    vpcUuid: 'runbook-vpc',
    tags,
    sshKeyIds: [],
    monitoring: true,
    createdAt: '2026-01-01T00:00:00Z',
    status: 'active',
    locked: false,
    privateIp: `10.10.0.${id}`,
    publicIp: `127.200.0.${id}`,
    frozen: false,
    ...extra,
  };
}

describe("the runbook's cluster run --monitoring follows", () => {
  it("is the active redis and sentinel droplets of one VPC, not the lab's own, each with its requirepass", () => {
    const cluster = runbookCluster([
      droplet(2, ['drillbook-lab', 'redis'], { vpcUuid: 'lab-vpc' }),
      droplet(10, ['redis-dr', 'redis'], {
        userData: 'write_files:\n  - content: |\n      requirepass node-pw\n',
      }),
      droplet(20, ['redis-dr', 'sentinel'], { userData: '      requirepass sentinel-pw\n' }),
      droplet(5, ['redis-dr-jump', 'redis-app']),
    ]);
    expect(cluster).toEqual({
      key: expect.stringMatching(/^10\.10\.0\.10:6379,10\.10\.0\.20:26379,[0-9a-f]{16}$/),
      nextTo: 10,
      monitored: {
        redisNodes: ['10.10.0.10:6379'],
        sentinels: ['10.10.0.20:26379'],
        passwords: { '10.10.0.10:6379': 'node-pw', '10.10.0.20:26379': 'sentinel-pw' },
      },
    });
  });

  it("is another cluster when a node's password changes, though its key never holds a password", () => {
    const cluster = (password: string) =>
      runbookCluster([
        droplet(10, ['redis'], { userData: `requirepass ${password}\n` }),
        droplet(20, ['sentinel'], { userData: 'requirepass sentinel-pw\n' }),
      ]);
    const before = cluster('old-node-pw');
    expect(cluster('old-node-pw')?.key).toBe(before?.key);
    expect(cluster('new-node-pw')?.key).not.toBe(before?.key);
    expect(before?.key).not.toMatch(/old-node-pw|sentinel-pw/);
  });

  it('is not there yet while a node still boots, or while only the Redis nodes exist', () => {
    expect(
      runbookCluster([droplet(10, ['redis']), droplet(20, ['sentinel'], { status: 'new' })]),
    ).toBeUndefined();
    expect(runbookCluster([droplet(10, ['redis']), droplet(11, ['redis'])])).toBeUndefined();
  });
});

// Loopback addresses of their own (the whole 127/8 is local), clear of any lab's 127.10.0.x.
const FORWARD_HOST = '127.77.0.30';
const monitoringDroplet: MonitoringDroplet = {
  id: 40,
  name: 'monitoring',
  privateIp: '10.10.0.30',
  publicIp: '127.77.0.31',
};

/** Prometheus's port on the droplet's public address: answers with its name. */
async function fakePrometheus(): Promise<Server> {
  const server = createServer((_request, response) => response.end('prometheus on the droplet'));
  await new Promise<void>((resolve) => server.listen(9090, monitoringDroplet.publicIp, resolve));
  return server;
}

interface FakeLab extends MonitoringDropletLab {
  ensured: Array<{ replace?: boolean }>;
  removed: number[];
}

function fakeLab(waitForServices: MonitoringDropletLab['waitForServices']): FakeLab {
  const lab: FakeLab = {
    ensured: [],
    removed: [],
    droplets: () => [droplet(10, ['redis']), droplet(20, ['sentinel'])],
    ensure: async (options) => {
      lab.ensured.push({ ...(options.replace !== undefined ? { replace: options.replace } : {}) });
      return monitoringDroplet;
    },
    waitForServices,
    remove: async (id) => {
      lab.removed.push(id);
    },
  };
  return lab;
}

describe("run --monitoring following the runbook's VPC", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Follows the fake lab's cluster on FORWARD_HOST, logging into lines; stopped after the test. */
  async function follow(lab: FakeLab) {
    const lines: string[] = [];
    const monitoring = await followRunbookMonitoring({
      stateDir: '/nonexistent',
      host: FORWARD_HOST,
      log: (line) => lines.push(line),
      lab,
    });
    cleanups.push(() => monitoring.stop());
    return { monitoring, lines };
  }

  it('replaces a droplet whose services never came up, says so, and forwards once the new one serves', async () => {
    const prometheus = await fakePrometheus();
    cleanups.push(() => new Promise((resolve) => prometheus.close(resolve)));
    let waits = 0;
    const lab = fakeLab(async () => {
      waits += 1;
      if (waits === 1) throw new Error('the monitoring droplet did not serve redis-exporter within 180 s');
    });
    const { monitoring, lines } = await follow(lab);
    await vi.waitFor(
      () => expect(lines).toContain("monitoring the runbook's cluster from droplet monitoring (10.10.0.30)"),
      {
        timeout: 10_000,
      },
    );
    expect(lab.ensured).toEqual([{ replace: true }, { replace: true }]);
    const failure = lines.find((line) => line.includes('did not serve redis-exporter'));
    expect(failure).toContain('This run replaces the droplet and waits again');
    expect(failure).toContain(`http://${FORWARD_HOST}:9090`);
    expect(await (await fetch(`http://${FORWARD_HOST}:9090/`)).text()).toBe('prometheus on the droplet');
    await monitoring.stop();
    expect(lab.removed).toEqual([monitoringDroplet.id]);
  });

  it('stop() aborts a wait for services that would take minutes, and says nothing failed', async () => {
    let waitSignal: AbortSignal | undefined;
    const lab = fakeLab(
      (_droplet, signal) =>
        new Promise((_resolve, reject) => {
          waitSignal = signal;
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const { monitoring, lines } = await follow(lab);
    await vi.waitFor(() => expect(waitSignal).toBeDefined());
    await monitoring.stop();
    expect(waitSignal?.aborted).toBe(true);
    expect(lab.removed).toEqual([monitoringDroplet.id]);
    expect(lines.filter((line) => line.startsWith('monitoring:'))).toEqual([]);
  });

  it('stop() aborts an ensure still waiting for the droplet it created, and deletes that droplet', async () => {
    const lab = fakeLab(async () => {});
    let ensureSignal: AbortSignal | undefined;
    lab.ensure = (options) =>
      new Promise((_resolve, reject) => {
        options.onDroplet?.(41);
        ensureSignal = options.signal;
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason));
      });
    const { monitoring, lines } = await follow(lab);
    await vi.waitFor(() => expect(ensureSignal).toBeDefined());
    await monitoring.stop();
    expect(ensureSignal?.aborted).toBe(true);
    expect(lab.removed).toEqual([41]);
    expect(lines.filter((line) => line.startsWith('monitoring:'))).toEqual([]);
  });

  it("deletes a droplet whose ensure failed part-way once the runbook's cluster is gone, so the VPC can go", async () => {
    let nodes = [droplet(10, ['redis']), droplet(20, ['sentinel'])];
    const lab = fakeLab(async () => {});
    lab.droplets = () => nodes;
    lab.ensure = async (options) => {
      options.onDroplet?.(42);
      throw new Error('droplet monitoring is not active after 60 s (new)');
    };
    const { lines } = await follow(lab);
    await vi.waitFor(() =>
      expect(lines).toContain('monitoring: droplet monitoring is not active after 60 s (new)'),
    );
    nodes = [];
    await vi.waitFor(() => expect(lab.removed).toEqual([42]), { timeout: 5_000 });
    expect(lines).toContain("deleted droplet monitoring (id 42): the runbook's cluster is gone");
  });

  it('stop() cuts a forwarded connection its client keeps open, on both sides', async () => {
    // Alertmanager's port on the droplet: a connection that stays open until the other side ends it.
    const upstreamSockets = new Set<net.Socket>();
    const alertmanager = net.createServer((socket) => {
      upstreamSockets.add(socket);
      socket.on('close', () => upstreamSockets.delete(socket));
      socket.write('alertmanager on the droplet\n');
    });
    await new Promise<void>((resolve) => alertmanager.listen(9093, monitoringDroplet.publicIp, resolve));
    cleanups.push(() => new Promise((resolve) => alertmanager.close(resolve)));
    const lab = fakeLab(async () => {});
    const { monitoring, lines } = await follow(lab);
    await vi.waitFor(() =>
      expect(lines.some((line) => line.startsWith("monitoring the runbook's"))).toBe(true),
    );
    const client = net.connect(9093, FORWARD_HOST);
    const closed = new Promise((resolve) => client.once('close', resolve));
    await new Promise((resolve) => client.once('data', resolve));
    expect(upstreamSockets.size).toBe(1);
    await monitoring.stop();
    await closed;
    await vi.waitFor(() => expect(upstreamSockets.size).toBe(0));
  });
});
