// judgeAgreement with a Sentinel down: by default a failing check of its own; answering=majority judges the ones
// that answer, as long as they are more than half. judgeSentinelHealth across the Sentinels: the same
// down-after-milliseconds on each.
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings, RedisPool } from '../../targets/redis/connection.js';
import type { SentinelState } from '../../targets/redis/sentinel-survey.js';
import { judgeAgreement, judgeSentinelHealth } from './verify-sentinel.js';

const settings: ConnectionSettings = { connectTimeoutMs: 100, commandTimeoutMs: 100, reach: 'loopback-only' };

/** Every node answers ROLE master: only the Sentinels' side is judged here. */
const pool: RedisPool = {
  client: () => Promise.reject(new Error('not used')),
  call: () => Promise.resolve(['master', 0, []]),
  closeAll: () => {},
};

function sentinel(node: string, error?: string): SentinelState {
  return {
    node,
    address: node,
    tilt: false,
    masterAddress: error ? null : '127.0.0.12:6379',
    ...(error ? { error } : {}),
  };
}

const oneDown = [
  sentinel('127.0.0.21:26379', 'connect ECONNREFUSED'),
  sentinel('127.0.0.22:26379'),
  sentinel('127.0.0.23:26379'),
];

describe('judgeAgreement', () => {
  it('fails on a Sentinel that does not answer, by default', async () => {
    const { checks } = await judgeAgreement(oneDown, 'mymaster', pool, settings);
    expect(checks.filter((c) => !c.ok).map((c) => c.description)).toEqual(['127.0.0.21:26379 answers']);
  });

  it('answering=majority: the two that answer agree, and the one that does not is named in the count', async () => {
    const { checks, master } = await judgeAgreement(
      oneDown,
      'mymaster',
      pool,
      settings,
      undefined,
      'majority',
    );
    expect(checks.every((c) => c.ok)).toBe(true);
    expect(master).toBe('127.0.0.12:6379');
    expect(checks[0]).toMatchObject({
      description: 'Sentinels answering',
      expected: 'at least 2 of 3 (a majority)',
      actual: '2 (not answering: 127.0.0.21:26379: connect ECONNREFUSED)',
    });
  });

  it('answering=majority still fails when only a minority answers', async () => {
    const states = [sentinel('a', 'down'), sentinel('b', 'down'), sentinel('c')];
    const { checks } = await judgeAgreement(states, 'mymaster', pool, settings, undefined, 'majority');
    expect(checks.filter((c) => !c.ok)).toEqual([
      expect.objectContaining({
        description: 'Sentinels answering',
        actual: '1 (not answering: a: down; b: down)',
      }),
    ]);
  });
});

describe('judgeSentinelHealth', () => {
  /** A healthy Sentinel of three, with its own down-after-milliseconds. */
  function healthy(node: string, downAfterMs: number): SentinelState {
    return {
      ...sentinel(node),
      ckquorum: { ok: true, message: 'OK 3 usable Sentinels' },
      master: {
        flags: 'master',
        'num-other-sentinels': 2,
        'num-slaves': 1,
        'down-after-milliseconds': downAfterMs,
      },
      sentinels: [],
      replicas: [{ ip: '127.0.0.13', port: 6379, flags: 'slave', 'master-link-status': 'ok' }],
    };
  }

  it('passes when every Sentinel judges the master down after the same time', () => {
    const checks = judgeSentinelHealth(
      [healthy('s1', 5000), healthy('s2', 5000), healthy('s3', 5000)],
      'mymaster',
      1,
    );
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.at(-1)).toMatchObject({
      description: 'Sentinels agree on down-after-milliseconds for mymaster',
      actual: '5000 on all 3',
    });
  });

  it('names a Sentinel a switchover cut short left raised, and the command that puts it back', () => {
    const checks = judgeSentinelHealth(
      [healthy('s1', 5000), healthy('s2', 10500), healthy('s3', 5000)],
      'mymaster',
      1,
    );
    expect(checks.filter((c) => !c.ok)).toEqual([
      expect.objectContaining({
        description: 'Sentinels agree on down-after-milliseconds for mymaster',
        actual: expect.stringMatching(
          /^s1 5000, s2 10500, s3 5000; .*SENTINEL SET mymaster down-after-milliseconds <the others' value> on the odd one out$/,
        ),
      }),
    ]);
  });
});
