// runbooks/planned-switchover.md end to end through the built CLI, headless, against a real cluster
// (127.54.4.x): it passes, and its report says 0 acknowledged writes lost and how long writes were paused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import {
  buildCli,
  failures,
  removeCli,
  removeLabState,
  reportOf,
  runCli,
  stepStatuses,
  tempStateHome,
} from './run-cli.js';

let cluster: TestRedisCluster;
let stateHome: string;

beforeAll(async () => {
  await buildCli();
  cluster = await startRedisCluster({ subnet: '127.54.4' });
  stateHome = tempStateHome('drillbook-e2e-switchover-');
}, 90_000);

afterAll(async () => {
  removeCli();
  await cluster?.stop();
  if (stateHome) await removeLabState(stateHome);
}, 60_000);

describe('runbooks/planned-switchover.md headless', () => {
  it('moves the master with no acknowledged write lost, and the report states the pause it cost', async () => {
    const before = await cluster.currentMaster();
    const result = await runCli(
      [
        'run',
        'runbooks/planned-switchover.md',
        '--json',
        '--yes',
        '--allow-destroy',
        '--var',
        `sentinels=${cluster.sentinelAddresses}`,
      ],
      { stateHome, env: { REDIS_PASSWORD: cluster.password, SENTINEL_PASSWORD: '' }, timeoutMs: 120_000 },
    );
    expect(result.code, failures(result)).toBe(0);
    expect(Object.values(stepStatuses(result.events)).every((status) => status === 'passed')).toBe(true);
    const after = await cluster.currentMaster();
    expect(after).not.toBe(before);

    const { markdown, json } = reportOf(stateHome);
    const [drill] = (json as { drills: Array<Record<string, unknown>> }).drills;
    expect(drill).toMatchObject({ probe: 'switchover', lost_acknowledged: 0, failed_over: true });
    expect(markdown).toContain('| RPO: acknowledged writes lost | **0** |');
    expect(markdown).toMatch(/\| Writes paused by the switchover \(CLIENT PAUSE → UNPAUSE\) \| \d+ ms \|/);
    expect(markdown).toContain('| Fault | switchover — CLIENT PAUSE');
    for (const artefact of [result.stdout, markdown]) expect(artefact).not.toContain(cluster.password);
  }, 150_000);
});
