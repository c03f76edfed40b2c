// `lab up`'s provisioning: the article's topology created through the emulator's own DigitalOcean API with
// dots-wrapper (the same client the runbooks use), then repaired where an earlier lab left gaps.

import { setTimeout as sleep } from 'node:timers/promises';
import type { IDroplet } from 'dots-wrapper/dist/droplet/index.js';
import { createApiClient, type DotsClient } from '../targets/digitalocean/client.js';
import { nodeState, sentinelState } from './health.js';
import type { LabSettings } from './state.js';
import type { LabSupervisor } from './supervisor.js';
import {
  LAB_IMAGE,
  LAB_REGION,
  LAB_SIZE,
  LAB_TAG,
  LAB_VPC_NAME,
  type PlannedDroplet,
  planTopology,
  REDIS_PORT,
  userDataFor,
} from './topology.js';

type ApiClient = DotsClient;

export interface ProvisionedDroplet extends PlannedDroplet {
  id: number;
  status: string;
  /** What `lab up` had to do for it. */
  action: 'created' | 'kept' | 'powered on' | 'restarted' | 'thawed';
}

/** The API's own message for a failed request, never the request (whose body may hold secrets). */
export function apiErrorMessage(error: unknown): string {
  const failure = error as { response?: { status?: number; data?: { message?: string } }; message?: string };
  if (failure.response) {
    return `HTTP ${failure.response.status}: ${failure.response.data?.message ?? 'no message'}`;
  }
  return failure.message ?? String(error);
}

async function api<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new Error(`lab emulator: ${what} failed: ${apiErrorMessage(error)}`);
  }
}

async function ensureVpc(client: ApiClient, ipRange: string): Promise<string> {
  const { data } = await api('listing VPCs', () => client.vpc.listVpcs({ per_page: 200 }));
  const existing = data.vpcs.find((vpc) => vpc.name === LAB_VPC_NAME);
  if (existing) return existing.id;
  const created = await api('creating the lab VPC', () =>
    client.vpc.createVpc({
      name: LAB_VPC_NAME,
      region: LAB_REGION,
      ip_range: ipRange,
      description: 'drillbook lab',
    }),
  );
  return created.data.vpc.id;
}

export async function labDroplets(client: ApiClient): Promise<IDroplet[]> {
  const { data } = await api('listing droplets', () =>
    client.droplet.listDroplets({ tag_name: LAB_TAG, per_page: 200 }),
  );
  return data.droplets;
}

export function privateIpOf(droplet: IDroplet): string | undefined {
  return droplet.networks?.v4?.find((network) => network.type === 'private')?.ip_address;
}

/** Where this machine connects to reach a droplet's private address and port (see LabConsole). */
export type Reach = (address: string, port: number) => Promise<{ host: string; port: number }>;

export const direct: Reach = async (host, port) => ({ host, port });

function dropletError(droplet: IDroplet): string | undefined {
  return (droplet as IDroplet & { lab_error?: string }).lab_error;
}

/** One poll loop for every pending droplet: all active and unlocked, or an error naming the droplet. */
async function waitUntilActive(client: ApiClient, names: string[], timeoutMs: number, signal?: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const droplets = await labDroplets(client);
    const pending: string[] = [];
    for (const name of names) {
      const droplet = droplets.find((candidate) => candidate.name === name);
      const failure = droplet ? dropletError(droplet) : undefined;
      if (droplet && failure && !droplet.locked)
        throw new Error(`droplet ${name} (${privateIpOf(droplet)}): ${failure}`);
      if (droplet?.status !== 'active' || droplet.locked) pending.push(name);
    }
    if (pending.length === 0) return droplets;
    if (Date.now() >= deadline) {
      throw new Error(`droplets not active after ${Math.round(timeoutMs / 1000)} s: ${pending.join(', ')}`);
    }
    await sleep(100);
  }
}

/** A lab-only endpoint (/v2/_lab/…), which dots-wrapper does not know. */
export async function labRequest(target: { apiUrl: string; token: string }, path: string): Promise<unknown> {
  const response = await fetch(`${target.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok)
    throw new Error(`lab emulator: POST ${path}: HTTP ${response.status}: ${body.message ?? 'no message'}`);
  return body;
}

export interface ProvisionOptions {
  apiUrl: string;
  token: string;
  settings: LabSettings;
  /** Loopback mode: tells which droplets' processes died (container droplets are checked by their power state). */
  supervisor?: LabSupervisor;
  /** Default: connect to private addresses directly (loopback mode). */
  reach?: Reach;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export async function provisionLab(options: ProvisionOptions): Promise<ProvisionedDroplet[]> {
  const { settings } = options;
  const progress = options.onProgress ?? (() => {});
  const client = await createApiClient({
    endpoint: options.apiUrl,
    token: options.token,
    requestTimeoutInMs: 30_000,
  });
  const plan = planTopology(settings);
  const vpcId = await ensureVpc(client, settings.ipRange);
  const existing = await labDroplets(client);
  const reach = options.reach ?? direct;
  const masterIp = await currentMasterIp(plan, reach);
  const actions = new Map<string, ProvisionedDroplet['action']>();

  const ensure = async (planned: PlannedDroplet) => {
    const found = existing.find((droplet) => droplet.name === planned.name);
    if (found) {
      const ip = privateIpOf(found);
      if (ip !== planned.privateIp) {
        throw new Error(
          `droplet ${planned.name} exists at ${ip}, not at ${planned.privateIp}; run \`drillbook lab down\` and \`drillbook lab up\` again`,
        );
      }
      actions.set(planned.name, await repair(client, options, found));
      return;
    }
    progress(`creating ${planned.name} (${planned.role}) at ${planned.privateIp}`);
    const userData = await userDataFor(planned, settings, masterIp);
    await api(`creating droplet ${planned.name}`, () =>
      client.droplet.createDroplet({
        name: planned.name,
        region: LAB_REGION,
        size: LAB_SIZE,
        image: LAB_IMAGE,
        vpc_uuid: vpcId,
        tags: planned.tags,
        user_data: userData,
      }),
    );
    actions.set(planned.name, 'created');
  };
  // Redis nodes first, Sentinels once the replicas are connected: a Sentinel learns replicas from the
  // master's INFO, which it sends on connecting and then only every 10 s.
  const redisNodes = plan.filter((p) => p.role !== 'sentinel');
  const sentinels = plan.filter((p) => p.role === 'sentinel');
  await Promise.all(redisNodes.map(ensure));
  await waitUntilActive(
    client,
    redisNodes.map((p) => p.name),
    60_000,
    options.signal,
  );
  if (sentinels.some((p) => !existing.some((droplet) => droplet.name === p.name))) {
    // Containers are active once systemd runs; cloud-init then installs and starts Redis, which takes longer.
    const waitMs = settings.mode === 'container' ? 60_000 : 10_000;
    const master = await reach(masterIp, REDIS_PORT);
    await waitForReplicas(master, settings.password, redisNodes.length - 1, waitMs, options.signal);
  }
  await Promise.all(sentinels.map(ensure));
  const droplets = await waitUntilActive(
    client,
    plan.map((p) => p.name),
    60_000,
    options.signal,
  );
  return plan.map((planned) => {
    const droplet = droplets.find((candidate) => candidate.name === planned.name) as IDroplet;
    return {
      ...planned,
      id: droplet.id,
      status: droplet.status,
      action: actions.get(planned.name) ?? 'kept',
    };
  });
}

/**
 * Where re-created nodes should point: the master the lab's Sentinels name now (a drill may have failed
 * over to another node), else the planned master.
 */
async function currentMasterIp(plan: PlannedDroplet[], reach: Reach): Promise<string> {
  const views = await Promise.all(
    plan
      .filter((p) => p.role === 'sentinel')
      .map(async (p) => {
        const at = await reach(p.privateIp, p.port);
        return sentinelState(at.host, at.port);
      }),
  );
  const named = views.find((view) => view.reachable && view.masterAddress)?.masterAddress;
  return named?.split(':')[0] ?? (plan[0] as PlannedDroplet).privateIp;
}

/** Best effort: after waitMs the Sentinels are started anyway, and lab up's health check has the last word. */
async function waitForReplicas(
  at: { host: string; port: number },
  password: string,
  replicas: number,
  waitMs: number,
  signal?: AbortSignal,
) {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    const master = await nodeState(at.host, at.port, password);
    if (master.role === 'master' && (master.connectedReplicas ?? 0) >= replicas) return;
    await sleep(50);
  }
}

/** An existing droplet that is off gets power_on; an active one whose processes died gets power_cycle. */
async function repair(client: ApiClient, options: ProvisionOptions, droplet: IDroplet) {
  if ((droplet as IDroplet & { lab_frozen?: boolean }).lab_frozen) {
    await labRequest(options, `/_lab/droplets/${droplet.id}/thaw`);
    return 'thawed' as const;
  }
  if (droplet.status === 'off') {
    await api(`powering on ${droplet.name}`, () => client.droplet.powerOnDroplet({ droplet_id: droplet.id }));
    return 'powered on' as const;
  }
  const services = (await options.supervisor?.status(droplet.name)) ?? [];
  if (droplet.status === 'active' && !droplet.locked && services.some((service) => !service.running)) {
    await api(`power-cycling ${droplet.name}`, () =>
      client.droplet.powerCycleDroplet({ droplet_id: droplet.id }),
    );
    return 'restarted' as const;
  }
  return 'kept' as const;
}
