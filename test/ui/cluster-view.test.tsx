// The live cluster view: exact frames for the three moments of a failover (fixed snapshots shaped like the
// lab's), and the pane in the App: shown while a probe runs, toggled with its key, fitting 80×24.
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../src/contract/cluster.js';
import { ClusterView } from '../../src/ui/ClusterView.js';
import { ThemeContext } from '../../src/ui/theme.js';
import { lineWith, makeRunbook, renderTui } from './test-utils.js';

const sentinel = (
  n: number,
  masterAddress: string | null,
  flags: { sdown?: boolean; odown?: boolean } = {},
) => ({
  name: `sentinel-${n}`,
  address: `127.83.0.${11 + n}:26379`,
  reachable: true,
  masterAddress,
  sdown: flags.sdown ?? false,
  odown: flags.odown ?? false,
});

const before: ClusterSnapshot = {
  masterName: 'mymaster',
  nodes: [
    { name: 'redis-1', address: '127.83.0.10:6379', reachable: true, role: 'master' },
    {
      name: 'redis-2',
      address: '127.83.0.11:6379',
      reachable: true,
      role: 'replica',
      linkUp: true,
      following: '127.83.0.10:6379',
      lagBytes: 0,
    },
  ],
  sentinels: [
    sentinel(1, '127.83.0.10:6379'),
    sentinel(2, '127.83.0.10:6379'),
    sentinel(3, '127.83.0.10:6379'),
  ],
};

const during: ClusterSnapshot = {
  masterName: 'mymaster',
  nodes: [
    { name: 'redis-1', address: '127.83.0.10:6379', reachable: false, error: 'connection refused' },
    {
      name: 'redis-2',
      address: '127.83.0.11:6379',
      reachable: true,
      role: 'replica',
      linkUp: false,
      following: '127.83.0.10:6379',
    },
  ],
  sentinels: [
    sentinel(1, '127.83.0.10:6379', { sdown: true, odown: true }),
    sentinel(2, '127.83.0.10:6379', { sdown: true }),
    { ...sentinel(3, null), reachable: false, error: 'no answer within the poll' },
  ],
};

const after: ClusterSnapshot = {
  masterName: 'mymaster',
  nodes: [
    {
      name: 'redis-1',
      address: '127.83.0.10:6379',
      reachable: true,
      role: 'replica',
      linkUp: true,
      following: '127.83.0.11:6379',
      lagBytes: 1536,
    },
    { name: 'redis-2', address: '127.83.0.11:6379', reachable: true, role: 'master' },
  ],
  sentinels: [
    sentinel(1, '127.83.0.11:6379'),
    sentinel(2, '127.83.0.11:6379'),
    sentinel(3, '127.83.0.11:6379'),
  ],
};

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function frame(snapshot: ClusterSnapshot): string {
  const rendered = render(
    <ThemeContext.Provider value={{ color: false }}>
      <ClusterView snapshot={snapshot} />
    </ThemeContext.Provider>,
  );
  cleanup = rendered.unmount;
  return rendered.lastFrame() ?? '';
}

describe('cluster view', () => {
  it('before the fault: one master, its replica linked with no lag, every Sentinel naming it', () => {
    expect(frame(before)).toBe(
      [
        '● redis-1    master 127.83.0.10:6379',
        '○ redis-2    replica link up lag 0 B of 127.83.0.10:6379',
        '◆ sentinel-1 → 127.83.0.10:6379',
        '◆ sentinel-2 → 127.83.0.10:6379',
        '◆ sentinel-3 → 127.83.0.10:6379',
      ].join('\n'),
    );
  });

  it('during: the master down, the replica link down, Sentinels flagging s_down / o_down, one not answering', () => {
    expect(frame(during)).toBe(
      [
        '✗ redis-1    down connection refused',
        '○ redis-2    replica link DOWN of 127.83.0.10:6379',
        '◆ sentinel-1 → 127.83.0.10:6379 s_down o_down',
        '◆ sentinel-2 → 127.83.0.10:6379 s_down',
        '✗ sentinel-3 unreachable no answer within the poll',
      ].join('\n'),
    );
  });

  it('after: the replica is master and the old master came back as its replica', () => {
    expect(frame(after)).toBe(
      [
        '○ redis-1    replica link up lag 1.5 KiB of 127.83.0.11:6379',
        '● redis-2    master 127.83.0.11:6379',
        '◆ sentinel-1 → 127.83.0.11:6379',
        '◆ sentinel-2 → 127.83.0.11:6379',
        '◆ sentinel-3 → 127.83.0.11:6379',
      ].join('\n'),
    );
  });
});

describe('cluster pane in the TUI', () => {
  const runbook = makeRunbook([
    { id: 'start', title: 'Start the probe', actions: [{ kind: 'probe', body: 'start' }] },
    { id: 'stop', title: 'Stop the probe', actions: [{ kind: 'probe', body: 'stop' }] },
  ]);
  const probe = (running: boolean) =>
    ({
      type: 'action.finished',
      step: running ? 'start' : 'stop',
      action: 0,
      kind: 'probe',
      ok: true,
      summary: running ? 'probe crash writing 100/s to 127.83.0.10:6379 via Sentinel' : 'probe crash: done',
      durationMs: 3,
      data: { running },
    }) as const;

  it('shows while a probe runs, follows the snapshots, hides when it stops; c pins it', async () => {
    const tui = renderTui({ runbook, columns: 80, rows: 24 });
    cleanup = tui.unmount;
    tui.engine.emit({ type: 'cluster', snapshot: before });
    await tui.waitForState((s) => s.cluster !== undefined, 'the snapshot');
    expect(tui.frame()).not.toContain('Cluster mymaster');

    tui.engine.emit(probe(true));
    const shown = await tui.waitForText('Cluster mymaster');
    expect(lineWith(shown, 'redis-1')).toContain('master 127.83.0.10:6379');
    expect(shown.split('\n').every((line) => line.length <= 80)).toBe(true);
    expect(shown.split('\n').length).toBeLessThanOrEqual(24);

    tui.engine.emit({ type: 'cluster', snapshot: after });
    const changed = await tui.waitFor((f) => lineWith(f, 'redis-2').includes('master'), 'redis-2 as master');
    expect(lineWith(changed, 'redis-1')).toContain('replica link up');

    await tui.press('c');
    await tui.waitFor((f) => !f.includes('Cluster mymaster'), 'the pane hidden by c');
    await tui.press('c');
    await tui.waitForText('Cluster mymaster');

    tui.engine.emit(probe(false));
    await tui.waitForState((s) => s.probesRunning.length === 0, 'the probe stopped');
    // Pinned by c: it stays after the probe stops.
    expect(tui.frame()).toContain('Cluster mymaster');
  });

  it('without a pin the pane goes away when the last probe stops', async () => {
    const tui = renderTui({ runbook, columns: 100, rows: 30 });
    cleanup = tui.unmount;
    tui.engine.emit(probe(true));
    tui.engine.emit({ type: 'cluster', snapshot: during });
    await tui.waitForText('Cluster mymaster');
    tui.engine.emit(probe(false));
    await tui.waitFor((f) => !f.includes('Cluster mymaster'), 'the pane gone');
  });

  it('c before any snapshot says why nothing happens', async () => {
    const tui = renderTui({ runbook, columns: 80, rows: 24 });
    cleanup = tui.unmount;
    await tui.press('c');
    await tui.waitForText('no cluster snapshot yet');
  });
});
