// ioredis is loaded on first use, not at start-up: `drillbook check`, `--help` and the first frame of the
// TUI never talk to Redis, and importing it costs a large share of the cold-start budget.
import type { Redis, RedisOptions } from 'ioredis';

const load = () => import('ioredis');
let loading: ReturnType<typeof load> | undefined;

export async function createRedisClient(options: RedisOptions): Promise<Redis> {
  loading ??= load();
  const { Redis: RedisClient } = await loading;
  return new RedisClient(options);
}
