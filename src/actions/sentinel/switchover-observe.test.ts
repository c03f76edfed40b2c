// failoverStandOf: what a switchover that was not confirmed says about the failover it started.
import { describe, expect, it } from 'vitest';
import type { RedisPool } from '../../targets/redis/connection.js';
import { failoverStandOf } from './switchover-observe.js';

/** Options whose one Sentinel answers SENTINEL MASTER with reply (or fails with it, when it is an Error). */
function optionsAnswering(reply: unknown): Parameters<typeof failoverStandOf>[0] {
  const pool: RedisPool = {
    client: () => Promise.reject(new Error('not used')),
    call: (_node, _settings, command) => {
      expect(command).toEqual(['SENTINEL', 'MASTER', 'mymaster']);
      return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
    },
    closeAll: () => {},
  };
  return {
    pool,
    masterName: 'mymaster',
    via: {
      name: 'sentinel-1',
      host: '127.0.0.21',
      port: 26379,
      address: '127.0.0.21:26379',
      kind: 'sentinel',
    },
    sentinelSettings: { connectTimeoutMs: 100, commandTimeoutMs: 100, reach: 'loopback-only' },
  };
}

describe('failoverStandOf', () => {
  it('names the state a failover in progress is at', async () => {
    const reply = [
      'name',
      'mymaster',
      'flags',
      'master,failover_in_progress',
      'failover-state',
      'wait_promotion',
    ];
    expect(await failoverStandOf(optionsAnswering(reply))).toBe(
      'its failover is at wait_promotion (flags master,failover_in_progress)',
    );
  });

  it('says none is in progress any more, and where to read why', async () => {
    expect(await failoverStandOf(optionsAnswering(['name', 'mymaster', 'flags', 'master']))).toBe(
      "it has no failover in progress (flags master): it ended or was aborted, and its log's -failover-abort-* line says why",
    );
  });

  it('says the Sentinel did not answer, and why', async () => {
    expect(await failoverStandOf(optionsAnswering(new Error('connect ECONNREFUSED 127.0.0.21:26379')))).toBe(
      'it did not say where its failover stands (connect ECONNREFUSED 127.0.0.21:26379)',
    );
  });
});
