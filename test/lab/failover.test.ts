// The lab behaves like production: the emulator (in-process) with the real supervisor, the article's cluster
// provisioned through the API on 127.32.0.0/24, and failures caused through the API fail over for real.

import { setTimeout as sleep } from 'node:timers/promises';
import { createApiClient } from 'dots-wrapper';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLabSession } from '../../src/lab/api.js';
import { type Emulator, startEmulator } from '../../src/lab/emulator/index.js';
import { clusterHealth, nodeState, waitForHealthy } from '../../src/lab/health.js';
import { labDroplets, provisionLab } from '../../src/lab/provision.js';
import type { LabSettings } from '../../src/lab/state.js';
import { LabSupervisor } from '../../src/lab/supervisor.js';
import { destroyAll, killProcessesUnder, labStateDir, processesUnder } from './helpers.js';

const NET = '127.32.0';
const TOKEN = 'failover-test-token';
const settings: LabSettings = {
  ipRange: `${NET}.0/24`,
  replicas: 1,
  downAfterMs: 1000,
  failoverTimeoutMs: 10_000,
  password: 'failover-test-password',
  sentinelPassword: 'failover-test-sentinel-password',
};
const cluster = {
  nodes: [10, 11].map((host) => ({ host: `${NET}.${host}`, port: 6379 })),
  sentinels: [20, 21, 22].map((host) => ({ host: `${NET}.${host}`, port: 26379 })),
  password: settings.password,
  sentinelPassword: settings.sentinelPassword,
};
const NAMES = ['redis-1', 'redis-2', 'sentinel-1', 'sentinel-2', 'sentinel-3'];

let lab: { dir: string; remove: () => Promise<void> };
let supervisor: LabSupervisor;
let emulator: Emulator;
let client: ReturnType<typeof createApiClient>;
let session: Awaited<ReturnType<typeof openLabSession>>;
const provisionLines: string[] = [];

async function masterBySentinel(host: string): Promise<string> {
  const sentinel = new Redis({
    host,
    port: 26379,
    password: settings.sentinelPassword,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  sentinel.on('error', () => {});
  try {
    await sentinel.connect();
    const [ip, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[];
    return `${ip}:${port}`;
  } finally {
    sentinel.disconnect();
  }
}

/** Polls until every Sentinel names `address` as master (failover takes a few seconds). */
async function sentinelsAgreeOn(address: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = await Promise.all(
      cluster.sentinels.map((s) => masterBySentinel(s.host).catch((e: Error) => e.message)),
    );
    if (seen.every((master) => master === address)) return;
    await sleep(200);
  }
  throw new Error(`Sentinels still name ${seen.join(', ')}, expected ${address}`);
}

async function dropletId(name: string): Promise<number> {
  const droplet = (await labDroplets(session)).find((d) => d.name === name);
  if (!droplet) throw new Error(`no droplet ${name}`);
  return droplet.id;
}

async function completed(actionId: number): Promise<void> {
  for (;;) {
    const { action } = (await client.action.getAction({ action_id: actionId })).data;
    if (action.status === 'completed') return;
    if (action.status === 'errored') throw new Error(`action ${actionId} errored`);
    await sleep(50);
  }
}

beforeAll(async () => {
  lab = labStateDir('drillbook-failover-');
  supervisor = new LabSupervisor({ labDir: lab.dir });
  emulator = await startEmulator({
    token: TOKEN,
    runtime: supervisor,
    bootDelayMs: 50,
    actionDelayMs: 50,
    defaultVpcRange: settings.ipRange,
  });
  client = createApiClient({ endpoint: emulator.url, token: TOKEN });
  session = await openLabSession({ apiUrl: emulator.url, token: TOKEN });
  // The first droplet listing fails with a 503: provisioning retries it through its ApiSession, saying so.
  emulator.faults.add({ method: 'GET', path: '/v2/droplets', kind: 'status', status: 503, times: 1 });
  await provisionLab({
    apiUrl: emulator.url,
    token: TOKEN,
    settings,
    supervisor,
    onProgress: (line) => provisionLines.push(line),
  });
  await waitForHealthy(cluster, { timeoutMs: 30_000 });
});

afterAll(async () => {
  await emulator?.close();
  if (supervisor) await destroyAll(supervisor, NAMES);
  await killProcessesUnder(lab.dir);
  await lab.remove();
});

describe('lab failover through the API', () => {
  it('provisions the article topology: all Sentinels name the master, replica link up, CKQUORUM OK', async () => {
    expect(provisionLines.filter((line) => line.includes('retrying in'))).toEqual([
      expect.stringMatching(
        /^GET \/v2\/droplets\?page=1&per_page=200&tag_name=drillbook-lab → 503 .*\(retry 1 of 5\)$/,
      ),
    ]);
    for (const sentinel of cluster.sentinels)
      expect(await masterBySentinel(sentinel.host)).toBe(`${NET}.10:6379`);
    const health = await clusterHealth(cluster);
    expect(health.problems).toEqual([]);
    expect(health.nodes[1]).toMatchObject({ role: 'replica', linkUp: true, masterAddress: `${NET}.10:6379` });
    expect(health.sentinels.every((s) => s.quorumOk && s.otherSentinels === 2)).toBe(true);
  });

  it('power_off of the master makes the Sentinels fail over to the replica', async () => {
    const { action } = (await client.droplet.powerOffDroplet({ droplet_id: await dropletId('redis-1') }))
      .data;
    await completed(action.id);
    expect((await supervisor.status('redis-1'))[0]?.running).toBe(false);
    await sentinelsAgreeOn(`${NET}.11:6379`);
    expect((await nodeState(`${NET}.11`, 6379, settings.password)).role).toBe('master');
  });

  it('power_on brings the old master back as a replica of the new one', async () => {
    const { action } = (await client.droplet.powerOnDroplet({ droplet_id: await dropletId('redis-1') })).data;
    await completed(action.id);
    const health = await waitForHealthy(cluster, { timeoutMs: 30_000 });
    expect(health.nodes[0]).toMatchObject({ role: 'replica', masterAddress: `${NET}.11:6379`, linkUp: true });
  });

  it('a frozen master is failed over, and demoted to replica once thawed', async () => {
    const frozenId = await dropletId('redis-2');
    await session.labRequest('POST', `/_lab/droplets/${frozenId}/freeze`);
    await sentinelsAgreeOn(`${NET}.10:6379`);
    await session.labRequest('POST', `/_lab/droplets/${frozenId}/thaw`);
    const health = await waitForHealthy(cluster, { timeoutMs: 30_000 });
    expect(health.nodes[1]).toMatchObject({ role: 'replica', masterAddress: `${NET}.10:6379`, linkUp: true });
  });

  it('deleting the droplets through the API leaves no process and no droplet folder', async () => {
    await Promise.all(
      NAMES.map(async (name) => client.droplet.deleteDroplet({ droplet_id: await dropletId(name) })),
    );
    expect(await processesUnder(lab.dir)).toEqual([]);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(`${lab.dir}/droplets`)).toEqual([]);
  });
});
