// The settings a failover's numbers depend on, read from the live cluster so the report states what was in
// force during the drill rather than what a config file intended.

import type { SettingsInForce } from '../contract/views.js';
import type { ConnectionSettings } from '../targets/redis/connection.js';
import type { HostPort } from './probe.js';
import { sentinelFields, withClient } from './readback.js';

export type { SettingsInForce };

interface Reach {
  redis: ConnectionSettings;
  sentinel: ConnectionSettings;
  signal?: AbortSignal;
}

export async function readSettings(
  sentinel: HostPort,
  master: HostPort,
  masterName: string,
  reach: Reach,
): Promise<SettingsInForce> {
  const settings: SettingsInForce = {};
  const unreadable: string[] = [];
  try {
    const fields = await withClient(
      sentinel,
      reach.sentinel,
      async (c) => sentinelFields(await c.call('SENTINEL', 'MASTER', masterName)),
      reach.signal,
    );
    settings.quorum = fields.quorum;
    settings.down_after_milliseconds = fields['down-after-milliseconds'];
    settings.failover_timeout = fields['failover-timeout'];
    settings.parallel_syncs = fields['parallel-syncs'];
  } catch (error) {
    unreadable.push(
      `SENTINEL MASTER ${masterName} on ${sentinel.host}:${sentinel.port}: ${(error as Error).message}`,
    );
  }
  try {
    await withClient(
      master,
      reach.redis,
      async (c) => {
        const info = String(await c.call('INFO', 'server'));
        settings.redis_version = /redis_version:(\S+)/.exec(info)?.[1];
        for (const name of ['appendonly', 'appendfsync', 'min-replicas-to-write', 'min-replicas-max-lag']) {
          const reply = (await c.call('CONFIG', 'GET', name)) as string[];
          const key = name.replaceAll('-', '_') as keyof SettingsInForce;
          (settings as Record<string, unknown>)[key] = reply[1];
        }
      },
      reach.signal,
    );
  } catch (error) {
    unreadable.push(`CONFIG GET on ${master.host}:${master.port}: ${(error as Error).message}`);
  }
  if (unreadable.length > 0) settings.unreadable = unreadable;
  return settings;
}
