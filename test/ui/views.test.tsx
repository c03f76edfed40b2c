import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import { ChecksView } from '../../src/ui/views/ChecksView.js';
import { DropletsView } from '../../src/ui/views/DropletsView.js';
import { KeyValueView } from '../../src/ui/views/KeyValueView.js';
import { RedisView } from '../../src/ui/views/RedisView.js';
import { ReplicationView } from '../../src/ui/views/ReplicationView.js';
import { SentinelsView } from '../../src/ui/views/SentinelsView.js';
import { lineWith } from './test-utils.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function show(element: ReactElement): string {
  const rendered = render(element);
  unmount = rendered.unmount;
  return stripAnsi(rendered.lastFrame() ?? '');
}

describe('result views', () => {
  it('droplets: a table from a DigitalOcean-shaped list, with the active count', () => {
    const frame = show(
      <DropletsView
        data={{
          droplets: [
            {
              name: 'redis-1',
              status: 'active',
              region: { slug: 'fra1' },
              size: { price_hourly: 0.00893 },
              networks: { v4: [{ type: 'private', ip_address: '127.60.130.10' }] },
            },
            {
              name: 'redis-2',
              status: 'new',
              region: 'fra1',
              private_ip: '127.60.130.11',
              price_hourly: 0.00893,
            },
          ],
        }}
      />,
    );
    expect(lineWith(frame, 'redis-1')).toMatch(/redis-1\s+active\s+127\.60\.130\.10\s+fra1\s+\$0\.009\/h/);
    expect(lineWith(frame, 'redis-2')).toMatch(/redis-2\s+new\s+127\.60\.130\.11/);
    expect(frame).toContain('1 of 2 droplets active');
  });

  it('droplets: a name-keyed map works too', () => {
    const frame = show(
      <DropletsView data={{ 'redis-3': { status: 'active', private_ip: '127.60.130.12' } }} />,
    );
    expect(lineWith(frame, 'redis-3')).toContain('127.60.130.12');
  });

  it('replication: role, link, offsets, lag per node', () => {
    const frame = show(
      <ReplicationView
        data={{
          'redis-1': { role: 'master', connected_slaves: 2, master_repl_offset: 1234 },
          'redis-2': { role: 'slave', master_link_status: 'up', slave_repl_offset: 1234, lag: 0 },
          'redis-3': { role: 'slave', master_link_status: 'down', slave_repl_offset: 1000, lag: 234 },
        }}
      />,
    );
    expect(lineWith(frame, 'redis-1')).toMatch(/master\s+2 replicas\s+1234/);
    expect(lineWith(frame, 'redis-2')).toMatch(/slave\s+up\s+1234\s+0/);
    expect(lineWith(frame, 'redis-3')).toMatch(/slave\s+down\s+1000\s+234/);
  });

  it('sentinels: agreement table, and says when they disagree', () => {
    const agree = show(
      <SentinelsView
        data={[
          {
            sentinel: 'sentinel-1',
            master: '127.60.130.10:6379',
            flags: 'master',
            quorumOk: true,
            tilt: false,
          },
          {
            sentinel: 'sentinel-2',
            master_ip: '127.60.130.10',
            master_port: 6379,
            flags: 'master',
            ckquorum: 'OK 3 usable Sentinels',
            tilt: 0,
          },
        ]}
      />,
    );
    expect(lineWith(agree, 'sentinel-1')).toMatch(/127\.60\.130\.10:6379\s+master\s+yes\s+no/);
    expect(lineWith(agree, 'sentinel-2')).toMatch(/127\.60\.130\.10:6379\s+master\s+yes\s+no/);
    expect(agree).toContain('✓ all 2 Sentinels agree on 127.60.130.10:6379');
    unmount?.();
    const disagree = show(
      <SentinelsView
        data={{
          sentinels: {
            s1: { master: '127.60.130.10:6379', tilt: true },
            s2: { master: '127.60.130.11:6379' },
          },
        }}
      />,
    );
    expect(disagree).toContain('✗ Sentinels disagree: 127.60.130.10:6379 vs 127.60.130.11:6379');
    expect(lineWith(disagree, 's1')).toMatch(/yes\s*$/);
  });

  it('sentinels: a command that says nothing about the master (SENTINEL FAILOVER) draws no table of dashes', () => {
    const data = {
      node: '127.60.130.21:26379',
      address: '127.60.130.21:26379',
      commands: [{ command: 'SENTINEL FAILOVER mymaster', reply: 'OK' }],
      tilt: false,
    };
    expect(show(<SentinelsView data={data} />)).toBe('');
    unmount?.();
    const withMaster = {
      ...data,
      commands: [{ command: 'SENTINEL CKQUORUM mymaster', reply: 'OK 3 usable Sentinels' }],
    };
    expect(lineWith(show(<SentinelsView data={withMaster} />), '127.60.130.21:26379')).toMatch(/yes/);
  });

  it("sentinels: reads the sentinel kind's data with its agreement", () => {
    const frame = show(
      <SentinelsView
        data={{
          sentinels: [
            {
              node: 'sentinel-1',
              address: '127.60.130.21:26379',
              commands: [{ command: 'SENTINEL CKQUORUM mymaster', reply: 'OK 3 usable Sentinels' }],
              tilt: false,
            },
            {
              node: 'sentinel-2',
              address: '127.60.130.22:26379',
              commands: [{ command: 'SENTINEL CKQUORUM mymaster', error: 'NOQUORUM 1 usable Sentinels' }],
              tilt: true,
            },
          ],
          agreement: {
            sameMaster: false,
            master: null,
            masters: { 'sentinel-1': '127.60.130.10:6379', 'sentinel-2': '127.60.130.11:6379' },
            flags: { 'sentinel-1': ['master'], 'sentinel-2': ['s_down', 'master'] },
            tilt: ['sentinel-2'],
          },
        }}
      />,
    );
    expect(lineWith(frame, 'sentinel-1')).toMatch(/127\.60\.130\.10:6379\s+master\s+yes\s+no/);
    expect(lineWith(frame, 'sentinel-2')).toMatch(/127\.60\.130\.11:6379\s+s_down,master\s+no\s+yes/);
    expect(frame).toContain('✗ Sentinels disagree: 127.60.130.10:6379 vs 127.60.130.11:6379');
  });

  it('redis: each command with its reply, INFO replication as the replication table', () => {
    const frame = show(
      <RedisView
        data={{
          node: 'redis-2',
          address: '127.60.130.11:6379',
          commands: [
            { command: 'PING', reply: 'PONG' },
            {
              command: 'INFO replication',
              reply: '# Replication',
              parsed: { role: 'slave', master_link_status: 'up', slave_repl_offset: 42 },
            },
            {
              command: 'CONFIG SET appendonly yes',
              error: 'ERR CONFIG SET failed (possibly related to argument appendonly)',
            },
          ],
        }}
      />,
    );
    expect(frame).toContain('› PING');
    expect(frame).toContain('  PONG');
    expect(lineWith(frame, 'redis-2')).toMatch(/slave\s+up\s+42/);
    expect(frame).toContain('✗ ERR CONFIG SET failed (possibly related to argument appendonly)');
  });

  it('checks: ✓/✗ with expected vs actual for failures', () => {
    const frame = show(
      <ChecksView
        checks={[
          { ok: true, description: 'redis-2 master_link_status', expected: 'up', actual: 'up' },
          {
            ok: false,
            description: 'sentinels agree',
            expected: '== 127.60.130.11',
            actual: '127.60.130.10',
            where: 's1',
          },
        ]}
      />,
    );
    expect(frame).toContain('✓ redis-2 master_link_status = up');
    expect(frame).toContain('✗ sentinels agree @ s1');
    expect(frame).toContain('expected == 127.60.130.11, actual 127.60.130.10');
  });

  it('unknown shapes fall back to a key/value table', () => {
    const frame = show(<KeyValueView data={{ endpoint: { host: 'h', port: 1 }, tags: ['a', 'b'] }} />);
    expect(frame).toMatch(/endpoint\.host\s+h/);
    expect(frame).toMatch(/tags\s+a, b/);
  });

  it('replication from ROLE replies: a replica connected reads link up, a master counts its replicas', () => {
    const frame = show(
      <ReplicationView
        data={{
          nodes: [
            {
              node: 'redis-1',
              role: 'master',
              offset: 9000,
              replicas: [{ address: '127.60.130.11:6379', offset: 9000 }],
            },
            {
              node: 'redis-2',
              role: 'slave',
              state: 'connected',
              offset: 9000,
              master: '127.60.130.10:6379',
            },
            { node: 'redis-3', role: 'slave', state: 'sync', offset: -1, master: '127.60.130.10:6379' },
          ],
        }}
      />,
    );
    expect(lineWith(frame, 'redis-1')).toMatch(/master\s+1 replicas\s+9000/);
    expect(lineWith(frame, 'redis-2')).toMatch(/slave\s+up\s+9000/);
    expect(lineWith(frame, 'redis-3')).toMatch(/slave\s+sync/);
  });

  it('key/value: run-clock times and durations read as people write them, other fractions to a tenth', () => {
    const frame = show(
      <KeyValueView data={{ event: '+switch-master', t: 29101.636646, waited_ms: 45.25, load: 0.123456 }} />,
    );
    expect(frame).toMatch(/^t\s+29\.1 s$/m);
    expect(frame).toMatch(/^waited_ms\s+45 ms$/m);
    expect(frame).toMatch(/^load\s+0\.1$/m);
  });

  it('a droplets view given something else still shows it', () => {
    expect(show(<DropletsView data={{ created: 0 }} />)).toMatch(/created\s+0/);
  });
});
