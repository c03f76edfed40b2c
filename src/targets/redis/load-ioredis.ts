// ioredis is loaded on first use, not at start-up: `drillbook check`, `--help` and the first frame of the
// TUI never talk to Redis, and importing it costs a large share of the cold-start budget.
import type { Redis, RedisOptions } from 'ioredis';
import { cjsExports } from '../cjs-exports.js';

const load = async () => cjsExports(await import('ioredis'), 'Redis');
let loading: ReturnType<typeof load> | undefined;

export async function createRedisClient(options: RedisOptions): Promise<Redis> {
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
  use: (client: Redis) => Promise<T>,
): Promise<T> {
  const client = await createRedisClient({
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
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}
