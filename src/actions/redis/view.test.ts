import { describe, expect, it } from 'vitest';
import { parseInfo } from '../../targets/redis/info.js';
import { parseRole } from '../../targets/redis/replies.js';
import { commandRows, replicationRows } from './view.js';

const masterInfo = '# Replication\r\nrole:master\r\nconnected_slaves:1\r\nmaster_repl_offset:5000\r\n';
const replicaInfo =
  '# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:6379\r\nmaster_link_status:up\r\nslave_repl_offset:4800\r\nmaster_repl_offset:4800\r\n';

describe('the redis kind view payloads', () => {
  it('replication rows: the master counts replicas, each replica its lag behind the master offset', () => {
    const rows = replicationRows([
      { node: 'redis-1', address: 'a:1', replication: parseInfo(masterInfo).replication },
      { node: 'redis-2', address: 'a:2', replication: parseInfo(replicaInfo).replication },
      { node: 'redis-3', address: 'a:3', error: 'connection refused' },
    ]);
    expect(rows).toEqual([
      { node: 'redis-1', role: 'master', offset: 5000, replicas: 1 },
      { node: 'redis-2', role: 'slave', offset: 4800, link: 'up', lag: 200 },
      { node: 'redis-3', role: '—', error: 'connection refused' },
    ]);
  });

  it('ROLE replies: a master counts its replicas, a syncing replica shows its state', () => {
    const master = ['master', 9000, [['127.60.130.11', '6379', '9000']]];
    const syncing = ['slave', '127.60.130.10', 6379, 'sync', -1];
    const rows = commandRows('redis-1', [
      { command: 'ROLE', reply: master, parsed: parseRole(master) },
      { command: 'ROLE', reply: syncing, parsed: parseRole(syncing) },
    ]);
    expect(rows[0]?.replication).toEqual({ node: 'redis-1', role: 'master', offset: 9000, replicas: 1 });
    expect(rows[1]?.replication).toMatchObject({ role: 'slave', link: 'sync' });
  });

  it('command rows: reply lines, errors, dry-run skips, INFO and ROLE as replication rows', () => {
    const role = ['slave', '127.0.0.1', 6379, 'connected', 4800];
    const rows = commandRows('redis-2', [
      { command: 'PING', reply: 'PONG' },
      { command: 'INFO replication', reply: replicaInfo, parsed: parseInfo(replicaInfo) },
      { command: 'ROLE', reply: role, parsed: parseRole(role) },
      { command: 'GET missing', reply: null },
      { command: 'SET k v', reply: undefined, error: 'READONLY' },
      { command: 'FLUSHALL', reply: undefined, skipped: true },
    ]);
    expect(rows[0]).toEqual({ command: 'PING', reply: ['PONG'] });
    expect(rows[1]?.replication).toEqual({ node: 'redis-2', role: 'slave', offset: 4800, link: 'up' });
    expect(rows[2]?.replication).toEqual({ node: 'redis-2', role: 'slave', offset: 4800, link: 'up' });
    expect(rows[3]?.reply).toEqual(['(nil)']);
    expect(rows[4]).toEqual({ command: 'SET k v', reply: [], error: 'READONLY' });
    expect(rows[5]).toEqual({ command: 'FLUSHALL', reply: [], skipped: true });
  });
});
