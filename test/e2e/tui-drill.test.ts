// A failover drill in a real terminal: the built CLI in tmux runs fixtures/tui/drill.md against a real
// Sentinel cluster (a probe writes, one Sentinel forces a failover, the probe stops). The screen must show
// the cluster pane naming the first master, then the replica as master (and the old master rejoining as
// its replica), and the probe's results card with its chart once it stops.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { requirePackages } from '../helpers/system.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const socket = `drillbook-e2e-tui-drill-${process.pid}`;
const session = 'drill';
let stateDir: string;
let cluster: TestRedisCluster;
let built: { cli: string; remove: () => void } | undefined;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

const screen = () => tmux('capture-pane', '-p', '-t', session);
const keys = (...names: string[]) => tmux('send-keys', '-t', session, ...names);
const type = (text: string) => tmux('send-keys', '-t', session, '-l', text);

async function waitForScreen(
  predicate: (s: string) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = screen();
    if (predicate(current)) return current;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Screen:\n${current}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The cluster pane's line for a node: ● master, ○ replica or ✗ down, then its name (here its address). */
const nodeLine = (s: string, address: string) =>
  s.split('\n').find((line) => ['●', '○', '✗'].some((glyph) => line.includes(`${glyph} ${address} `))) ?? '';

beforeAll(async () => {
  requirePackages('tmux');
  cluster = await startRedisCluster({ subnet: '127.50.4' });
  const { buildPrivateCli } = await import('../../bench/lib/build-cli.mjs');
  built = await buildPrivateCli('e2e-tui-drill');
  stateDir = mkdtempSync(join(tmpdir(), 'drillbook-e2e-tui-drill-'));
  const varFile = join(stateDir, 'vars');
  writeFileSync(varFile, `redis_password=${cluster.password}\n`, { mode: 0o600 });
  const env = [`XDG_STATE_HOME=${stateDir}`, 'TERM=xterm-256color', `PATH=${process.env.PATH}`];
  const args = [
    'run',
    'fixtures/tui/drill.md',
    '--var',
    `sentinels=${cluster.sentinelAddresses}`,
    '--var',
    `failover_sentinel=${cluster.sentinels[0]?.address}`,
    '--var-file',
    varFile,
  ];
  const command = `env -u CI ${env.join(' ')} ${process.execPath} ${built.cli} ${args.join(' ')}; echo "EXIT=$?"; sleep 600`;
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '40', '-c', root, command);
}, 60_000);

afterAll(async () => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  await cluster?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  built?.remove();
});

describe('a failover drill in a real terminal', () => {
  it('shows the cluster change role live and the results card when the probe stops', async () => {
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
