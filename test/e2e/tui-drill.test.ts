// A failover drill in a real terminal: the built CLI in tmux runs fixtures/tui/drill.md against a real
// Sentinel cluster (a probe writes, one Sentinel forces a failover, the probe stops). The screen must show
// the cluster pane naming the first master, then the replica as master (and the old master rejoining as
// its replica), and the probe's results card with its chart once it stops.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startTuiTerminal, type TuiTerminal } from '../helpers/tmux.js';

let stateDir: string;
let cluster: TestRedisCluster;
let terminal: TuiTerminal | undefined;

/** The cluster pane's line for a node: ● master, ○ replica or ✗ down, then its name (here its address). */
const nodeLine = (s: string, address: string) =>
  s.split('\n').find((line) => ['●', '○', '✗'].some((glyph) => line.includes(`${glyph} ${address} `))) ?? '';

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.50.4' });
  stateDir = tempDir('drillbook-e2e-tui-drill-');
  const varFile = join(stateDir, 'vars');
  writeFileSync(varFile, `redis_password=${cluster.password}\n`, { mode: 0o600 });
  terminal = await startTuiTerminal({
    name: 'e2e-tui-drill',
    args: [
      'run',
      'fixtures/tui/drill.md',
      '--var',
      `sentinels=${cluster.sentinelAddresses}`,
      '--var',
      `failover_sentinel=${cluster.sentinels[0]?.address}`,
      '--var-file',
      varFile,
    ],
    env: { XDG_STATE_HOME: stateDir },
    rows: 40,
    timeoutMs: 30_000,
    pollMs: 100,
  });
}, 60_000);

afterAll(async () => {
  terminal?.close();
  await cluster?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('a failover drill in a real terminal', () => {
  it('shows the cluster change role live and the results card when the probe stops', async () => {
    const { keys, type, waitForScreen } = terminal as TuiTerminal;
    const oldMaster = cluster.node('redis-1').address;
    const replica = cluster.node('redis-2').address;
    await waitForScreen((s) => s.includes('○ 1. Start the probe'), 'the step list');

    keys('Enter');
    let s = await waitForScreen(
      (x) => x.includes('Cluster mymaster'),
      'the cluster pane while the probe runs',
    );
    s = await waitForScreen((x) => nodeLine(x, oldMaster).includes('master'), 'redis-1 as master');
    expect(nodeLine(s, replica)).toContain(`replica link up lag`);
    expect(s).toContain(`→ ${oldMaster}`);

    keys('Enter');
    await waitForScreen(
      (x) => x.includes('2. Force a failover') && x.includes('✓ 1. Start the probe'),
      'step 2',
    );
    keys('Enter');
    await waitForScreen((x) => x.includes('Type ') && x.includes('to proceed'), 'the typed confirmation');
    type(cluster.sentinels[0]?.address ?? '');
    keys('Enter');
    s = await waitForScreen(
      (x) => nodeLine(x, replica).includes('master'),
      'the replica promoted in the pane',
    );
    s = await waitForScreen((x) => x.includes(`→ ${replica}`), 'the Sentinels naming the new master');
    await waitForScreen((x) => x.includes('✓ 2. Force a failover'), 'step 2 passed', 60_000);

    keys('Enter');
    await waitForScreen(
      (x) => x.includes('3. Stop the probe') && x.includes('○ 3. Stop the probe'),
      'step 3',
    );
    keys('Enter');
    s = await waitForScreen((x) => x.includes('Drill results — failed over'), 'the results card', 90_000);
    expect(s).toMatch(/RTO\s+\d/);
    expect(s).toMatch(/Acked writes lost \d+ · old master acked \d+ after the fault/);
    // The card's chart and phase legend, below the figures: scroll the detail pane down to them.
    keys('Tab');
    keys('NPage', 'NPage', 'NPage');
    s = await waitForScreen((x) => x.includes('━ acked ━ not acked'), 'the chart of the card');
    s = await waitForScreen((x) => x.includes('F fault (SENTINEL FAILOVER) 0'), 'the phase legend');

    // The pane went away with the probe; c brings it back to watch the old master rejoin.
    expect(s).not.toContain('Cluster mymaster');
    keys('c');
    await waitForScreen(
      (x) =>
        nodeLine(x, oldMaster).includes('replica link up') &&
        nodeLine(x, oldMaster).includes(`of ${replica}`),
      'the old master rejoined as a replica of the new one',
      60_000,
    );
  }, 240_000);
});
