import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import { ChecksView } from '../../src/ui/views/ChecksView.js';
import { DropletsView } from '../../src/ui/views/DropletsView.js';
import { RedisView } from '../../src/ui/views/RedisView.js';
import { ReplicationView } from '../../src/ui/views/ReplicationView.js';
import { SentinelsView } from '../../src/ui/views/SentinelsView.js';
import { TimelineView } from '../../src/ui/views/TimelineView.js';
import { lineWith } from './test-utils.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function show(element: ReactElement): string {
  const rendered = render(element);
  unmount = rendered.unmount;
  return stripAnsi(rendered.lastFrame() ?? '');
}

describe('result views render their typed payloads', () => {
  it('droplets: a table with the active count', () => {
    const frame = show(
      <DropletsView
        droplets={[
          {
            name: 'redis-1',
            status: 'active',
            privateIp: '127.60.130.10',
            region: 'fra1',
            priceHourly: 0.00893,
          },
          { name: 'redis-2', status: 'new', privateIp: null, region: 'fra1', priceHourly: null },
        ]}
      />,
    );
    expect(lineWith(frame, 'redis-1')).toMatch(/redis-1\s+active\s+127\.60\.130\.10\s+fra1\s+\$0\.009\/h/);
    expect(lineWith(frame, 'redis-2')).toMatch(/redis-2\s+new\s+—\s+fra1\s+—/);
    expect(frame).toContain('1 of 2 droplets active');
  });

  it('replication: role, link, offsets, lag per node', () => {
    const frame = show(
      <ReplicationView
        nodes={[
          { node: 'redis-1', role: 'master', replicas: 2, offset: 1234 },
          { node: 'redis-2', role: 'slave', link: 'up', offset: 1234, lag: 0 },
          { node: 'redis-3', role: 'slave', link: 'down', offset: 1000, lag: 234 },
          { node: 'redis-4', role: '—', error: 'connection refused' },
        ]}
      />,
    );
    expect(lineWith(frame, 'redis-1')).toMatch(/master\s+2 replicas\s+1234/);
    expect(lineWith(frame, 'redis-2')).toMatch(/slave\s+up\s+1234\s+0/);
    expect(lineWith(frame, 'redis-3')).toMatch(/slave\s+down\s+1000\s+234/);
    expect(lineWith(frame, 'redis-4')).toContain('connection refused');
  });

  it('sentinels: agreement table, and says when they disagree', () => {
    const agree = show(
      <SentinelsView
        sentinels={[
          {
            sentinel: 'sentinel-1',
            master: '127.60.130.10:6379',
            flags: ['master'],
            quorumOk: true,
            tilt: false,
          },
          {
            sentinel: 'sentinel-2',
            master: '127.60.130.10:6379',
            flags: ['master'],
            quorumOk: true,
            tilt: false,
          },
        ]}
      />,
    );
    expect(lineWith(agree, 'sentinel-1')).toMatch(/127\.60\.130\.10:6379\s+master\s+yes\s+no/);
    expect(agree).toContain('✓ all 2 Sentinels agree on 127.60.130.10:6379');
    unmount?.();
    const disagree = show(
      <SentinelsView
        sentinels={[
          { sentinel: 'sentinel-1', master: '127.60.130.10:6379', flags: ['master'], tilt: false },
          {
            sentinel: 'sentinel-2',
            master: '127.60.130.11:6379',
            flags: ['s_down', 'master'],
            quorumOk: false,
            tilt: true,
          },
        ]}
      />,
    );
    expect(lineWith(disagree, 'sentinel-1')).toMatch(/master\s+—\s+no/);
    expect(lineWith(disagree, 'sentinel-2')).toMatch(/127\.60\.130\.11:6379\s+s_down,master\s+no\s+yes/);
    expect(disagree).toContain('✗ Sentinels disagree: 127.60.130.10:6379 vs 127.60.130.11:6379');
  });

  it('sentinels: a Sentinel that says nothing about the master (SENTINEL FAILOVER) draws no table of dashes', () => {
    expect(
      show(<SentinelsView sentinels={[{ sentinel: 'sentinel-1', master: null, flags: [], tilt: false }]} />),
    ).toBe('');
    unmount?.();
    const withQuorum = show(
      <SentinelsView
        sentinels={[{ sentinel: 'sentinel-1', master: null, flags: [], quorumOk: true, tilt: false }]}
      />,
    );
    expect(lineWith(withQuorum, 'sentinel-1')).toMatch(/yes/);
  });

  it('redis: each command with its reply, a replication row where the action parsed one', () => {
    const frame = show(
      <RedisView
        commands={[
          { command: 'PING', reply: ['PONG'] },
          {
            command: 'INFO replication',
            reply: ['# Replication'],
            replication: { node: 'redis-2', role: 'slave', link: 'up', offset: 42 },
          },
          { command: 'CONFIG SET appendonly yes', reply: [], error: 'ERR CONFIG SET failed' },
          { command: 'FLUSHALL', reply: [], skipped: true },
        ]}
      />,
    );
    expect(frame).toContain('› PING');
    expect(frame).toContain('  PONG');
    expect(lineWith(frame, 'redis-2')).toMatch(/slave\s+up\s+42/);
    expect(frame).toContain('✗ ERR CONFIG SET failed');
    expect(frame).toContain('(not sent: dry run)');
  });

  it('timeline: when, which event, who saw it', () => {
    const frame = show(
      <TimelineView
        entries={[
          {
            afterMs: 2250,
            event: '+switch-master',
            detail: 'mymaster → 127.60.130.11:6379',
            seenBy: ['sentinel-1', 'sentinel-2'],
          },
        ]}
      />,
    );
    expect(frame).toContain('2.25 s  +switch-master  mymaster → 127.60.130.11:6379');
    expect(frame).toContain('seen by sentinel-1, sentinel-2');
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
});
