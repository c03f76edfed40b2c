// Parsers on captured output (fixtures/redis, Redis 7.0.15).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { translateRedisError } from '../../src/targets/redis/errors.js';
import { parseInfo } from '../../src/targets/redis/info.js';
import { parseHostPort } from '../../src/targets/redis/inventory.js';
import { flatToMap, parseReply, parseRole } from '../../src/targets/redis/replies.js';
import { mergeKey, parseSentinelMessage } from '../../src/targets/redis/sentinel-messages.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/redis/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as unknown;

describe('INFO', () => {
  it('types the master replication section and lists each replica', () => {
    const info = parseInfo(fixture('info-master.txt'));
    expect(info.replication?.role).toBe('master');
    expect(info.replication?.connected_slaves).toBe(1);
    expect(info.replication?.slaves).toEqual([
      {
        ip: '127.49.251.12',
        port: 6379,
        state: 'online',
        offset: 473,
        lag: 1,
        address: '127.49.251.12:6379',
      },
    ]);
    expect(info.replication?.master_repl_offset).toBe(473);
    expect(info.replication?.master_replid).toBe('8b5b6e3f77593f3406a33efc8d1fce782b9dfd86');
    expect(info.server?.redis_version).toBe('7.0.15');
    expect(info.server?.tcp_port).toBe(6379);
    expect(info.persistence?.rdb_bgsave_in_progress).toBe(0);
    expect(info.keyspace?.db0).toEqual({ keys: 1, expires: 0, avg_ttl: 0 });
    expect(Object.keys(info.sections)).toEqual(
      expect.arrayContaining(['server', 'clients', 'memory', 'stats', 'cpu']),
    );
  });

  it('types a replica, with its link up or down', () => {
    const up = parseInfo(fixture('info-replica.txt')).replication;
    expect(up).toMatchObject({
      role: 'slave',
      master_host: '127.49.251.11',
      master_port: 6379,
      master_link_status: 'up',
    });
    const down = parseInfo(fixture('info-replica-link-down.txt')).replication;
    expect(down).toMatchObject({
      master_link_status: 'down',
      master_last_io_seconds_ago: -1,
      slave_repl_offset: 473,
    });
  });

  it('parses INFO sentinel with each monitored master', () => {
    const sentinel = parseInfo(fixture('info-sentinel.txt')).sentinel;
    expect(sentinel).toMatchObject({ sentinel_masters: 1, sentinel_tilt: 0 });
    expect(sentinel?.masters).toEqual([
      { name: 'mymaster', status: 'ok', address: '127.49.251.11:6379', slaves: 1, sentinels: 3 },
    ]);
  });
});

describe('ROLE and SENTINEL replies', () => {
  it('parses ROLE for master, replica and Sentinel', () => {
    expect(parseRole(json('role-master.json'))).toEqual({
      role: 'master',
      offset: 473,
      replicas: [{ ip: '127.49.251.12', port: 6379, offset: 473, address: '127.49.251.12:6379' }],
    });
    expect(parseRole(json('role-replica.json'))).toMatchObject({
      role: 'slave',
      master: '127.49.251.11:6379',
      state: 'connected',
    });
    expect(parseRole(json('role-sentinel.json'))).toEqual({ role: 'sentinel', masters: ['mymaster'] });
  });

  it('turns flat SENTINEL arrays into typed maps', () => {
    const master = parseReply(['SENTINEL', 'MASTER', 'mymaster'], json('sentinel-master.json')) as Record<
      string,
      unknown
    >;
    expect(master).toMatchObject({
      name: 'mymaster',
      ip: '127.49.251.11',
      port: 6379,
      flags: 'master',
      'num-other-sentinels': 2,
      quorum: 2,
    });
    const down = flatToMap(json('sentinel-master-sdown.json'));
    expect(down.flags).toBe('s_down,master,disconnected');
    const replicas = parseReply(
      ['sentinel', 'replicas', 'mymaster'],
      json('sentinel-replicas.json'),
    ) as Array<Record<string, unknown>>;
    expect(replicas[0]).toMatchObject({
      ip: '127.49.251.12',
      port: 6379,
      flags: 'slave',
      'master-link-status': 'ok',
    });
    expect(parseReply(['SENTINEL', 'CKQUORUM', 'mymaster'], json('sentinel-ckquorum.json'))).toMatchObject({
      ok: true,
    });
    expect(
      parseReply(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster'], json('sentinel-master-addr.json')),
    ).toEqual({
      ip: '127.49.251.11',
      port: 6379,
      address: '127.49.251.11:6379',
    });
    expect(parseReply(['CONFIG', 'GET', 'repl*'], json('config-get-repl.json'))).toMatchObject({
      'repl-timeout': '60',
    });
  });
});

describe('Sentinel messages', () => {
  it('parses instance details, @ master and +switch-master', () => {
    expect(
      parseSentinelMessage('+sdown', 'slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379'),
    ).toMatchObject({
      instance: { type: 'slave', name: '127.0.0.1:6380', ip: '127.0.0.1', port: 6380 },
      master: { name: 'mymaster', address: '127.0.0.1:6379' },
    });
    expect(parseSentinelMessage('+odown', 'master mymaster 127.0.0.1 6379 #quorum 2/2')).toMatchObject({
      instance: { type: 'master', name: 'mymaster' },
      master: { name: 'mymaster', address: '127.0.0.1:6379' },
    });
    expect(parseSentinelMessage('+switch-master', 'mymaster 127.0.0.1 6379 127.0.0.2 6379')).toMatchObject({
      from: '127.0.0.1:6379',
      to: '127.0.0.2:6379',
      master: { name: 'mymaster' },
    });
    expect(parseSentinelMessage('+new-epoch', '7').epoch).toBe(7);
    expect(mergeKey(parseSentinelMessage('+odown', 'master m 1.1.1.1 1 #quorum 3/2'))).toBe(
      mergeKey(parseSentinelMessage('+odown', 'master m 1.1.1.1 1 #quorum 2/2')),
    );
  });
});

describe('errors and addresses', () => {
  const node = { name: 'redis-1', host: '127.0.0.1', port: 6379, address: '127.0.0.1:6379' };
  it('names the node and says what to do', () => {
    const refused = translateRedisError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      node,
      'connect',
    );
    expect(refused.code).toBe('REFUSED');
    expect(refused.message).toMatch(/^redis-1 \(127\.0\.0\.1:6379\) connect: connection refused/);
    expect(translateRedisError(new Error('WRONGPASS invalid username-password pair'), node).code).toBe(
      'AUTH',
    );
    expect(
      translateRedisError(new Error("READONLY You can't write against a read only replica."), node).code,
    ).toBe('READONLY');
    expect(translateRedisError(new Error('MASTERDOWN Link with MASTER is down'), node).code).toBe(
      'MASTERDOWN',
    );
    expect(translateRedisError(new Error('NOREPLICAS Not enough good replicas to write.'), node).code).toBe(
      'NOREPLICAS',
    );
    expect(translateRedisError(new Error('LOADING Redis is loading the dataset in memory'), node).code).toBe(
      'LOADING',
    );
    expect(translateRedisError(new Error("ERR unknown command 'FOO'"), node).code).toBe('UNKNOWN_COMMAND');
    expect(translateRedisError(new Error('Command timed out'), node).code).toBe('TIMEOUT');
    expect(
      translateRedisError(
        new Error(
          'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
        ),
        node,
      ).message,
    ).toContain('DEBUG is disabled on this node (enable-debug-command)');
  });
  it('parses host:port', () => {
    expect(parseHostPort('127.40.0.1:26379')).toEqual({ host: '127.40.0.1', port: 26379 });
    expect(parseHostPort('[::1]:6379')).toEqual({ host: '::1', port: 6379 });
    expect(parseHostPort('redis-1')).toBeUndefined();
  });
});
