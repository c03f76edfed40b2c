// "Client discovery": connect the way an application does (ioredis in Sentinel mode), write and read back a
// unique key, and report which master the client reached.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CheckResult } from '../../contract/action.js';
import { type AddressMap, addressMap } from '../../targets/redis/address-map.js';
import type { ConnectionSettings } from '../../targets/redis/connection.js';
import type { NodeAddress } from '../../targets/redis/inventory.js';
import { createRedisClient } from '../../targets/redis/load-ioredis.js';

export interface DiscoveryResult {
  ok: boolean;
  /** host:port of the master the client reached. */
  reached: string | null;
  key: string;
  checks: CheckResult[];
  error?: string;
}

export interface DiscoveryOptions {
  sentinels: readonly NodeAddress[];
  masterName: string;
  redis: ConnectionSettings;
  sentinel: ConnectionSettings;
  runId: string;
  /**
   * Addresses Sentinels may name (master, replicas), forwarded in advance when going through a jump host:
   * ioredis translates them synchronously (natMap), so the forwards must exist before it asks.
   */
  candidates?: readonly string[];
  signal?: AbortSignal;
}

/**
 * A Sentinel-mode client like an application's, but that gives up instead of retrying forever. Through a
 * jump host, it talks to the Sentinels' local forwards and translates every address they name (the
 * connection layer's address map, shared with the probe).
 */
export async function sentinelModeClient(
  options: Omit<DiscoveryOptions, 'runId' | 'signal'>,
): Promise<{ client: Redis; addresses: AddressMap }> {
  const addresses = await addressMap(options.redis);
  const sentinels = await Promise.all(options.sentinels.map((s) => addresses.endpoint(s)));
  await addresses.prepare(options.candidates ?? []);
  const client = await createRedisClient(
    {
      sentinels,
      updateSentinels: addresses.via === undefined,
      name: options.masterName,
      role: 'master',
      username: options.redis.username,
      password: options.redis.password,
      sentinelUsername: options.sentinel.username,
      sentinelPassword: options.sentinel.password,
      tls: options.redis.tls ? {} : undefined,
      enableTLSForSentinelMode: options.redis.tls,
      natMap: addresses.natMap,
      lazyConnect: true,
      protocol: 2,
      connectTimeout: options.redis.connectTimeoutMs,
      commandTimeout: options.redis.commandTimeoutMs,
      sentinelCommandTimeout: options.sentinel.commandTimeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
      connectionName: 'drillbook-discovery',
    },
    options.redis.reach,
  );
  return { client, addresses };
}

export async function verifyDiscovery(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const key = `drillbook:discovery:${options.runId}:${randomBytes(6).toString('hex')}`;
  const value = randomBytes(12).toString('hex');
  const { client, addresses } = await sentinelModeClient(options);
  let lastError: unknown;
  client.on('error', (error) => {
    lastError = error;
  });
  const onAbort = () => client.disconnect();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const via = `a Sentinel-mode client (${options.masterName} via ${options.sentinels.map((s) => s.address).join(', ')})`;
  try {
    await client.connect();
    const socket = (client as unknown as { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
    const reached = socket?.remoteAddress
      ? addresses.nodeAddressOf(socket.remoteAddress, socket.remotePort ?? 0)
      : null;
    await client.set(key, value, 'PX', 60_000);
    const readBack = await client.get(key);
    await client.del(key);
    const checks: CheckResult[] = [
      {
        ok: readBack === value,
        description: `${via} writes and reads back ${key}`,
        expected: 'the value it wrote',
        actual:
          readBack === value
            ? `read back from ${reached ?? 'the master'}`
            : `read ${readBack === null ? 'nothing' : 'a different value'}`,
        where: reached ?? undefined,
      },
    ];
    return { ok: readBack === value, reached, key, checks };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const cause =
      lastError instanceof Error &&
      !(error instanceof Error && /READONLY|WRONGPASS|NOAUTH/.test(error.message))
        ? lastError
        : error;
    const text = cause instanceof Error ? cause.message : String(cause);
    const hint = /the lab target never connects/.test(text)
      ? 'go through the jump host'
      : /All sentinels are unreachable/i.test(text)
        ? 'no Sentinel answered; check they run and the sentinels list'
        : /WRONGPASS|NOAUTH|invalid password/i.test(text)
          ? 'authentication failed; check the redis/Sentinel password vars'
          : /READONLY/.test(text)
            ? 'the Sentinels named a replica as master; failover may be in progress'
            : 'check SENTINEL GET-MASTER-ADDR-BY-NAME and that the master is reachable from here';
    return {
      ok: false,
      reached: null,
      key,
      error: `${via}: ${text}; ${hint}`,
      checks: [
        {
          ok: false,
          description: `${via} writes and reads back a key`,
          expected: 'the value it wrote',
          actual: `${text} (${hint})`,
        },
      ],
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    client.disconnect();
    addresses.close();
  }
}
