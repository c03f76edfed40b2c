// ioredis is loaded on first use, not at start-up: `drillbook check`, `--help` and the first frame of the
// TUI never talk to Redis, and importing it costs a large share of the cold-start budget.
import type { Redis, RedisOptions } from 'ioredis';
import { cjsExports } from '../cjs-exports.js';
import { checkReach, type HostReach } from '../host-guard.js';

const load = async () => cjsExports(await import('ioredis'), 'Redis');
let loading: ReturnType<typeof load> | undefined;

/**
 * Every ioredis client of drillbook is made here, so this is where the lab's reach is enforced: the host
 * (or each Sentinel) is checked before the client exists, and in Sentinel mode every address a Sentinel
 * names is checked before ioredis connects to it (a refusal there becomes the client's connect error).
 */
export async function createRedisClient(options: RedisOptions, reach: HostReach): Promise<Redis> {
  if (reach !== 'any') {
    if (options.sentinels?.length) {
      for (const sentinel of options.sentinels) {
        checkReach(reach, sentinel.host ?? 'localhost', sentinel.port, 'Sentinel');
      }
      const natMap = options.natMap;
      options = {
        ...options,
        natMap: (key: string) => {
          const mapped = typeof natMap === 'function' ? natMap(key) : natMap?.[key];
          const [, host = '', port] = /^(.*):(\d+)$/.exec(key) ?? [];
          const target = mapped ?? { host, port: Number(port) };
          checkReach(reach, target.host, target.port, `the address Sentinel named for ${options.name}`);
          return mapped ?? null;
        },
      };
    } else {
      checkReach(reach, options.host ?? 'localhost', options.port, 'Redis');
    }
  }
  loading ??= load();
  const { Redis: RedisClient } = await loading;
  return new RedisClient(options);
}

export interface OneShotAddress {
  host: string;
  port: number;
  password?: string;
  username?: string;
}

/**
 * Opens a client for one job and always closes it: no reconnects, no offline queue, short timeouts, and an
 * error listener so a refused connection is the caller's rejection, never an "Unhandled error event".
 */
export async function withRedisClient<T>(
  address: OneShotAddress,
  reach: HostReach,
  use: (client: Redis) => Promise<T>,
): Promise<T> {
  const client = await createRedisClient(
    {
      host: address.host,
      port: address.port,
      ...(address.password ? { password: address.password } : {}),
      ...(address.username ? { username: address.username } : {}),
      lazyConnect: true,
      connectTimeout: 1_000,
      commandTimeout: 2_000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    },
    reach,
  );
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}
