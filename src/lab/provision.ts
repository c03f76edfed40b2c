// `lab up`'s provisioning: the article's topology created through the emulator's own DigitalOcean API with
// dots-wrapper (the same client the runbooks use), then repaired where an earlier lab left gaps.

import { setTimeout as sleep } from 'node:timers/promises';
import type { IDroplet } from 'dots-wrapper/dist/droplet/index.js';
import { PollTimeout } from '../targets/digitalocean/poll.js';
import { type ApiSession, DoStepError } from '../targets/digitalocean/session.js';
import { openLabSession } from './api.js';
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

export interface ProvisionedDroplet extends PlannedDroplet {
  id: number;
  status: string;
  /** What `lab up` had to do for it. */
  action: 'created' | 'kept' | 'powered on' | 'restarted' | 'thawed';
}

/** A session call whose final failure (already explained by the session) also says which lab step failed. */
async function api<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DoStepError) throw new Error(`lab emulator: ${what} failed: ${error.message}`);
    throw error;
  }
}

async function ensureVpc(session: ApiSession, ipRange: string): Promise<string> {
  const { vpcs } = await api('listing VPCs', () => session.call((c) => c.vpc.listVpcs({ per_page: 200 })));
  const existing = vpcs.find((vpc) => vpc.name === LAB_VPC_NAME);
  if (existing) return existing.id;
  const created = await api('creating the lab VPC', () =>
    session.call(
      (c) =>
        c.vpc.createVpc({
          name: LAB_VPC_NAME,
          region: LAB_REGION,
          ip_range: ipRange,
          description: 'drillbook lab',
        }),
      'rejected-only',
    ),
  );
  return created.vpc.id;
}

export async function labDroplets(session: ApiSession): Promise<IDroplet[]> {
  const { droplets } = await api('listing droplets', () =>
    session.call((c) => c.droplet.listDroplets({ tag_name: LAB_TAG, per_page: 200 })),
  );
  return droplets;
}

/** Deletes every droplet `lab up` creates (tagged LAB_TAG), leaving a runbook's droplets alone. */
export async function deleteLabDroplets(options: { apiUrl: string; token: string }): Promise<void> {
  const session = await openLabSession({ apiUrl: options.apiUrl, token: options.token });
  for (const droplet of await labDroplets(session)) {
    await api(`deleting ${droplet.name}`, () =>
      session.call((c) => c.droplet.deleteDroplet({ droplet_id: droplet.id })),
    );
  }
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

// `lab up` prints its own lines; a progress line per 100 ms round would flood them.
const quietPoll = { progress: () => {}, now: () => Date.now() };

/** One poll loop for every pending droplet: all active and unlocked, or an error naming the droplet. */
async function waitUntilActive(session: ApiSession, names: string[], timeoutMs: number) {
  let droplets: IDroplet[] = [];
  let pending = names;
  try {
    await session.poll(quietPoll, {
      what: 'droplets active',
      timeoutMs,
      // Lab droplets boot in about a second: keep looking at the session's pace instead of backing off.
      maxIntervalMs: session.tuning.pollIntervalMs,
      round: async () => {
        droplets = await labDroplets(session);
        pending = [];
        for (const name of names) {
          const droplet = droplets.find((candidate) => candidate.name === name);
          const failure = droplet ? dropletError(droplet) : undefined;
          if (droplet && failure && !droplet.locked)
            return {
              done: 0,
              total: names.length,
              failure: `droplet ${name} (${privateIpOf(droplet)}): ${failure}`,
            };
          if (droplet?.status !== 'active' || droplet.locked) pending.push(name);
        }
        return { done: names.length - pending.length, total: names.length };
      },
    });
  } catch (error) {
    if (!(error instanceof PollTimeout)) throw error;
    throw new Error(
      `droplets not active after ${Math.round(timeoutMs / 1000)} s: ${pending.join(', ')}; see \`drillbook lab status\`, then run \`drillbook lab up\` again`,
    );
  }
  return droplets;
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
  const session = await openLabSession({
    apiUrl: options.apiUrl,
    token: options.token,
    ...(options.signal ? { signal: options.signal } : {}),
    notify: progress,
  });
  const plan = planTopology(settings);
  const vpcId = await ensureVpc(session, settings.ipRange);
  const existing = await labDroplets(session);
  const reach = options.reach ?? direct;
  const masterIp = await currentMasterIp(plan, reach, settings.sentinelPassword);
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
      actions.set(planned.name, await repair(session, options, found));
      return;
    }
    progress(`creating ${planned.name} (${planned.role}) at ${planned.privateIp}`);
    const userData = await userDataFor(planned, settings, masterIp);
    await api(`creating droplet ${planned.name}`, () =>
      session.call(
        (c) =>
          c.droplet.createDroplet({
            name: planned.name,
            region: LAB_REGION,
            size: LAB_SIZE,
            image: LAB_IMAGE,
            vpc_uuid: vpcId,
            tags: planned.tags,
            user_data: userData,
          }),
        'rejected-only',
      ),
    );
    actions.set(planned.name, 'created');
  };
  // Redis nodes first, Sentinels once the replicas are connected: a Sentinel learns replicas from the
  // master's INFO, which it sends on connecting and then only every 10 s.
  const redisNodes = plan.filter((p) => p.role !== 'sentinel');
  const sentinels = plan.filter((p) => p.role === 'sentinel');
  await Promise.all(redisNodes.map(ensure));
  await waitUntilActive(
    session,
    redisNodes.map((p) => p.name),
    60_000,
  );
  if (sentinels.some((p) => !existing.some((droplet) => droplet.name === p.name))) {
    // Containers are active once systemd runs; cloud-init then installs and starts Redis, which takes longer.
    const waitMs = settings.mode === 'container' ? 60_000 : 10_000;
    const master = await reach(masterIp, REDIS_PORT);
    await waitForReplicas(master, settings.password, redisNodes.length - 1, waitMs, options.signal);
  }
  await Promise.all(sentinels.map(ensure));
  const droplets = await waitUntilActive(
    session,
    plan.map((p) => p.name),
    60_000,
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
async function currentMasterIp(
  plan: PlannedDroplet[],
  reach: Reach,
  sentinelPassword: string | undefined,
): Promise<string> {
  const views = await Promise.all(
    plan
      .filter((p) => p.role === 'sentinel')
      .map(async (p) => {
        const at = await reach(p.privateIp, p.port);
        return sentinelState(at.host, at.port, sentinelPassword);
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
async function repair(session: ApiSession, options: ProvisionOptions, droplet: IDroplet) {
  if ((droplet as IDroplet & { lab_frozen?: boolean }).lab_frozen) {
    await api(`thawing ${droplet.name}`, () =>
      session.labRequest('POST', `/_lab/droplets/${droplet.id}/thaw`),
    );
    return 'thawed' as const;
  }
  if (droplet.status === 'off') {
    await api(`powering on ${droplet.name}`, () =>
      session.call((c) => c.droplet.powerOnDroplet({ droplet_id: droplet.id })),
    );
    return 'powered on' as const;
  }
  const services = (await options.supervisor?.status(droplet.name)) ?? [];
  if (droplet.status === 'active' && !droplet.locked && services.some((service) => !service.running)) {
    await api(`power-cycling ${droplet.name}`, () =>
      session.call((c) => c.droplet.powerCycleDroplet({ droplet_id: droplet.id })),
    );
    return 'restarted' as const;
  }
  return 'kept' as const;
}
