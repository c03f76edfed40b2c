// After a drill: wait until the cluster has settled on one master with every live replica linked to it, then
// read back every probe key from that master. Acknowledged writes that are missing are the real RPO.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { type ConnectionSettings, withNodeClient } from '../targets/redis/connection.js';
import { formatAddress } from '../targets/redis/inventory.js';
import type { HostPort } from './probe.js';
import type { WriteRecord } from './probe-stats.js';

export interface SettleOptions {
  sentinels: HostPort[];
  masterName: string;
  /** How Redis and Sentinel are reached (credentials, timeouts, the run's jump host). */
  redis: ConnectionSettings;
  sentinel: ConnectionSettings;
  timeoutMs: number;
  /** When the timeout started (Date.now()); by default, now. The cluster is looked at once even past it. */
  since?: number;
  signal: AbortSignal;
}

export interface ReadBack {
  master: string;
  /** Acknowledged writes whose keys are not on the master. */
  lostAcknowledged: { count: number; firstKeys: string[] };
  /** Writes reported failed or indeterminate whose keys are there anyway. */
  unacknowledgedPresent: { count: number; firstKeys: string[] };
}

const KEYS_SHOWN = 5;
const BATCH = 500;

/** A one-job client for an address, through the run's connection layer (and its tunnel). */
export function withClient<T>(
  address: HostPort,
  settings: ConnectionSettings,
  use: (client: Redis) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const text = formatAddress(address.host, address.port);
  return withNodeClient({ name: text, address: text, ...address }, settings, use, signal);
}

export function sentinelFields(flat: unknown): Record<string, string> {
  const list = Array.isArray(flat) ? (flat as string[]) : [];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = String(list[i + 1]);
  return out;
}

/** Returns why the cluster is not settled yet, or the settled master address. */
async function settledMaster(options: SettleOptions): Promise<{ master?: HostPort; reason?: string }> {
  const answers = await Promise.allSettled(
    options.sentinels.map((sentinel) =>
      withClient(
        sentinel,
        options.sentinel,
        (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', options.masterName),
        options.signal,
      ),
    ),
  );
  const addresses = answers.flatMap((a) =>
    a.status === 'fulfilled' && Array.isArray(a.value) ? [`${a.value[0]}:${a.value[1]}`] : [],
  );
  const majority = Math.floor(options.sentinels.length / 2) + 1;
  const agreed = addresses.find((a) => addresses.filter((b) => b === a).length >= majority);
  if (!agreed)
    return { reason: `Sentinels do not agree on a master yet (${addresses.join(', ') || 'no answers'})` };
  const [host, port] = agreed.split(':');
  const master = { host: host ?? '', port: Number(port) };

  const role = await withClient(master, options.redis, (c) => c.call('ROLE'), options.signal).catch(
    (error: Error) => error,
  );
  if (role instanceof Error) return { reason: `master ${agreed} does not answer: ${role.message}` };
  if (!Array.isArray(role) || role[0] !== 'master') return { reason: `${agreed} is not ROLE master yet` };

  const sentinel = options.sentinels[0];
  if (!sentinel) return { reason: 'no Sentinels configured' };
  const replicas = await withClient(
    sentinel,
    options.sentinel,
    (c) => c.call('SENTINEL', 'REPLICAS', options.masterName),
    options.signal,
  ).catch(() => []);
  for (const replica of (replicas as unknown[]).map(sentinelFields)) {
    const name = `${replica.ip}:${replica.port}`;
    // A replica Sentinel holds down (the crashed old master, before it is powered on again) cannot link to
    // anything; waiting for it would fail every crash drill that confirms recovery before restoring it.
    if (/s_down/.test(replica.flags ?? '')) continue;
    if (/disconnected/.test(replica.flags ?? '')) return { reason: `replica ${name} is ${replica.flags}` };
    if (replica['master-link-status'] !== 'ok')
      return { reason: `replica ${name} link to the master is not up yet` };
    if (`${replica['master-host']}:${replica['master-port']}` !== agreed) {
      return { reason: `replica ${name} still follows ${replica['master-host']}:${replica['master-port']}` };
    }
  }
  return { master };
}

export async function waitForSettledMaster(options: SettleOptions): Promise<HostPort> {
  const deadline = (options.since ?? Date.now()) + options.timeoutMs;
  let reason: string;
  for (;;) {
    options.signal.throwIfAborted();
    const state = await settledMaster(options);
    if (state.master) return state.master;
    reason = state.reason ?? 'not settled';
    if (Date.now() >= deadline) break;
    await sleep(200, undefined, { signal: options.signal });
  }
  throw new Error(
    `the cluster did not settle on one master with every replica linked within ${options.timeoutMs} ms: ${reason}. ` +
      'Check the Sentinel timeline for a failover that never completed (quorum, auth-pass, down-after-milliseconds).',
  );
}

export async function readBack(
  master: HostPort,
  records: readonly WriteRecord[],
  options: Pick<SettleOptions, 'redis' | 'signal'>,
): Promise<ReadBack> {
  const present = new Set<string>();
  await withClient(
    master,
    options.redis,
    async (client) => {
      for (let i = 0; i < records.length; i += BATCH) {
        const batch = records.slice(i, i + BATCH);
        const pipeline = client.pipeline();
        for (const record of batch) pipeline.exists(record.key);
        const replies = (await pipeline.exec()) ?? [];
        replies.forEach(([error, value], index) => {
          const record = batch[index];
          if (error)
            throw new Error(
              `reading back ${record?.key} from ${master.host}:${master.port}: ${error.message}`,
            );
          if (record && value === 1) present.add(record.key);
        });
      }
    },
    options.signal,
  );
  const lost = records.filter((r) => r.outcome === 'acknowledged' && !present.has(r.key)).map((r) => r.key);
  const extra = records.filter((r) => r.outcome !== 'acknowledged' && present.has(r.key)).map((r) => r.key);
  return {
    master: `${master.host}:${master.port}`,
    lostAcknowledged: { count: lost.length, firstKeys: lost.slice(0, KEYS_SHOWN) },
    unacknowledgedPresent: { count: extra.length, firstKeys: extra.slice(0, KEYS_SHOWN) },
  };
}
