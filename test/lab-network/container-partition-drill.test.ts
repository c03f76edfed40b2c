// runbooks/training-partition.md, run headless on real containers (`lab up --mode container`: systemd-nspawn
// machines booted by real cloud-init): the master and the application's droplet (the run's SSH jump host, so
// the probe writes from the application's side) are cut off from the replica and the Sentinels. Without
// min-replicas-to-write the isolated master acknowledges writes for the whole partition and loses them when
// healed; with min-replicas-to-write 1 / min-replicas-max-lag 2 it stops within the lag bound, so the loss is
// bounded by the setting, not by how long the partition lasts. One lab, down-after-milliseconds 1000.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillResult } from '../../src/contract/views.js';
import {
  buildCli,
  failures,
  removeCli,
  removeLabState,
  reportOf,
  runCli,
  stepStatuses,
  tempStateHome,
} from '../e2e/run-cli.js';

const execFileAsync = promisify(execFile);
const runbook = 'runbooks/training-partition.md';
const PASSWORD = `partition-drill-${process.pid}`;
const SENTINEL_PASSWORD = `partition-sentinels-${process.pid}`;
const env = { REDIS_PASSWORD: PASSWORD, SENTINEL_PASSWORD };
const RATE = 100;
const MAX_LAG_S = 2;
const HOLD_MS = 6000;
let stateHome: string;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the container lab needs root (systemd-nspawn, namespaces)');
  await buildCli();
  stateHome = tempStateHome('drillbook-partition-drill-');
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(stateHome, 'id')]);
  const up = await runCli(['lab', 'up', '--mode', 'container', '--replicas', '1', '--down-after', '1000'], {
    stateHome,
    env,
    timeoutMs: 300_000,
  });
  if (up.code !== 0) throw new Error(`drillbook lab up failed:\n${up.stderr}${up.stdout}`);
}, 330_000);

afterAll(async () => {
  if (stateHome) await removeLabState(stateHome);
  removeCli();
}, 60_000);

describe(`${runbook} in the container lab`, () => {
  it('bounds the split brain by min-replicas-max-lag, where without it the isolated master loses the whole partition', async () => {
    const answers = {
      predict_split_lost: 'none',
      review_split: 'the isolated master kept acknowledging until it was demoted',
      predict_bounded_lost: 'about two seconds of writes',
      predict_bounded_cost: 'writes fail while no replica is linked',
      review_bounded: 'the master stopped once its replica was silent for max-lag seconds',
    };
    const result = await runCli(
      [
        'run',
        runbook,
        '--lab-mode',
        'container',
        '--yes',
        '--allow-destroy',
        '--json',
        '--var',
        `ssh_key=${path.join(stateHome, 'id.pub')}`,
        '--var',
        `max_lag=${MAX_LAG_S}`,
        ...Object.entries(answers).flatMap(([name, value]) => ['--var', `${name}=${value}`]),
      ],
      { stateHome, env, timeoutMs: 240_000 },
    );
    expect(result.code, failures(result) + result.stderr).toBe(0);
    expect(Object.entries(stepStatuses(result.events)).filter(([, status]) => status !== 'passed')).toEqual(
      [],
    );

    const { json, markdown } = reportOf(stateHome);
    const drills = (json as { drills: DrillResult[] }).drills;
    const [split, bounded] = drills as [DrillResult, DrillResult];
    expect(drills.map((d) => [d.probe, d.phases.fault?.name, d.failed_over])).toEqual([
      ['split', 'partition', true],
      ['bounded', 'partition', true],
    ]);
    // Without the setting: the old master acknowledged writes for the whole partition, and lost them.
    expect(split.settings.min_replicas_to_write).toBe('0');
    expect(split.split_brain_window_ms).toBeGreaterThan(HOLD_MS - 1500);
    expect(split.split_brain_writes).toBeGreaterThan((RATE * (HOLD_MS - 1500)) / 1000);
    expect(split.lost_acknowledged).toBeGreaterThanOrEqual(split.split_brain_writes - RATE / 10);
    // With it: the replica acknowledges the stream every second, Redis counts the lag in whole seconds and
    // re-checks it once a second, so the isolated master stops within max-lag + 2 s of the cut.
    expect(bounded.settings).toMatchObject({
      min_replicas_to_write: '1',
      min_replicas_max_lag: String(MAX_LAG_S),
    });
    const boundMs = (MAX_LAG_S + 2) * 1000;
    expect(bounded.split_brain_window_ms ?? 0).toBeLessThanOrEqual(boundMs);
    expect(bounded.split_brain_writes).toBeLessThanOrEqual((RATE * boundMs) / 1000);
    expect(bounded.lost_acknowledged).toBeLessThanOrEqual((RATE * boundMs) / 1000);
    expect(bounded.lost_acknowledged).toBeLessThan(split.lost_acknowledged);
    // …and refused writes for the rest of the partition.
    expect(bounded.failed).toBeGreaterThan(0);

    // The report states both figures with the settings in force, and the trainee's answers beside them.
    expect(markdown).toContain('min-replicas-to-write 1, min-replicas-max-lag 2');
    expect(markdown).toContain("Fault → the old master's last acknowledged write");
    expect(markdown).toContain(answers.review_split);
    expect(markdown).toContain(answers.review_bounded);
    console.log(
      [split, bounded]
        .map(
          (d) =>
            `${d.probe}: min-replicas-to-write ${d.settings.min_replicas_to_write}, max-lag ${d.settings.min_replicas_max_lag}: the old master acknowledged ${d.split_brain_writes} writes for ${d.split_brain_window_ms} ms after the cut, ${d.lost_acknowledged} acknowledged writes lost, writes failed for ${d.unavailable_ms} ms`,
        )
        .join('\n'),
    );
  }, 240_000);
});
