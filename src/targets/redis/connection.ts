// Run-scoped pool of ioredis clients, one per node address + credentials. One-shot semantics: no automatic
// reconnects or offline queues (a dead node fails fast with a clear message); a closed client is replaced
// on next use. Everything is closed at run end (ctx.resources) and a client busy when its action is
// aborted is dropped at once.
import { createHash } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import type { RunResources } from '../../contract/action.js';
import type { HostReach } from '../host-guard.js';
import { RedisTargetError, translateRedisError } from './errors.js';
import type { NodeAddress } from './inventory.js';
import { createRedisClient } from './load-ioredis.js';
import type { SshTunnel } from './ssh-tunnel.js';

export interface ConnectionSettings {
  password?: string;
  username?: string;
  tls?: boolean;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Set when nodes are reached through an SSH jump host (the `via` var). */
  tunnel?: () => Promise<SshTunnel>;
  /** Which addresses this machine may connect to directly: loopback only on the lab target. */
  reach: HostReach;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

/** ioredis options shared by every one-shot client (pool, verifications, event stream). */
export function clientOptions(node: NodeAddress, settings: ConnectionSettings): RedisOptions {
  return {
    host: node.host,
    port: node.port,
    username: settings.username,
    password: settings.password,
    tls: settings.tls ? {} : undefined,
    lazyConnect: true,
    protocol: 2,
    connectTimeout: settings.connectTimeoutMs,
    commandTimeout: settings.commandTimeoutMs,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectionName: 'drillbook',
  };
}

/**
 * Connects a new client, failing with the real cause (refused, timeout, auth) named for the node.
 * The client always has an error listener, so nothing is ever printed as "Unhandled error event".
 */
export async function connectClient(
  node: NodeAddress,
  settings: ConnectionSettings,
  signal?: AbortSignal,
): Promise<Redis> {
  const tunnel = settings.tunnel ? await settings.tunnel() : undefined;
  const endpoint = tunnel ? await tunnel.forward(node.host, node.port) : node;
  const client = await createRedisClient(
    clientOptions({ ...node, host: endpoint.host, port: endpoint.port }, settings),
    settings.reach,
  );
  let lastError: unknown;
  client.on('error', (error) => {
    lastError = error;
  });
  const onAbort = () => client.disconnect();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    // AUTH happens during connect; a PING proves the credentials and the node really answer.
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const viaError = tunnel?.lastError(node.host, node.port);
    if (tunnel && viaError) {
      throw new RedisTargetError(
        'REFUSED',
        node,
        `${node.name === node.address ? node.address : `${node.name} (${node.address})`} connect via ${tunnel.label}: the jump host could not reach it (${viaError}); is the process running, and may the bastion reach it through the VPC firewall?`,
      );
    }
    throw translateRedisError(lastError ?? error, node, tunnel ? `connect via ${tunnel.label}` : 'connect');
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * One client for one job, through the same connection layer as the pool (tunnel included), always closed
 * afterwards. For work outside a block's pool: the drill's read-back and settings survey.
 */
export async function withNodeClient<T>(
  node: NodeAddress,
  settings: ConnectionSettings,
  use: (client: Redis) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const client = await connectClient(node, settings, signal);
  try {
    return await use(client);
  } finally {
    client.disconnect();
  }
}

export interface RedisPool {
  /** A ready client for the node, connecting on first use. */
  client(node: NodeAddress, settings: ConnectionSettings, signal?: AbortSignal): Promise<Redis>;
  /** Sends one command; an abort drops the client so nothing waits on a hung node. */
  call(
    node: NodeAddress,
    settings: ConnectionSettings,
    args: readonly string[],
    signal?: AbortSignal,
  ): Promise<unknown>;
  closeAll(): void;
}

function poolKey(node: NodeAddress, settings: ConnectionSettings): string {
  const secret = createHash('sha256')
    .update(settings.password ?? '')
    .digest('hex')
    .slice(0, 12);
  return `${node.address}|${settings.username ?? ''}|${secret}|${settings.tls ? 'tls' : 'plain'}`;
}

export function createRedisPool(): RedisPool {
  const clients = new Map<string, Promise<Redis>>();
  const drop = (key: string, client?: Redis) => {
    clients.delete(key);
    client?.disconnect();
  };
  const pool: RedisPool = {
    async client(node, settings, signal) {
      const key = poolKey(node, settings);
      const existing = clients.get(key);
      if (existing) {
        const client = await existing.catch(() => undefined);
        if (client && client.status === 'ready') return client;
        drop(key, client);
      }
      const connecting = connectClient(node, settings, signal);
      clients.set(key, connecting);
      connecting.catch(() => clients.delete(key));
      return connecting;
    },
    async call(node, settings, args, signal) {
      const client = await pool.client(node, settings, signal);
      const [command, ...rest] = args;
      if (!command) throw new Error('empty command');
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          drop(poolKey(node, settings), client);
          reject(signal?.reason ?? new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        client.call(command, ...rest).then(
          (reply) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(reply);
          },
          (error: unknown) => {
            signal?.removeEventListener('abort', onAbort);
            reject(translateRedisError(error, node, `${command.toUpperCase()}`));
          },
        );
      });
    },
    closeAll() {
      for (const [key, pending] of [...clients.entries()]) {
        clients.delete(key);
        pending.then(
          (client) => client.disconnect(),
          () => undefined,
        );
      }
    },
  };
  return pool;
}

/** The run's pool, created on first use and closed with the run's resources. */
export function runPool(resources: RunResources): RedisPool {
  return resources.get('redis.pool', createRedisPool, (pool) => pool.closeAll());
}
