// Redis Sentinel's own scenarios (runbooks/scenarios/), each run headless through the built CLI against a
// fresh `drillbook lab up` cluster on its own loopback range (127.94–127.98.0.0/24), as CI runs them. Each
// runbook asserts what Sentinel must (and must not) do; here we also check that none of them needs an
// sh block to ask Redis or Sentinel anything.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/contract/events.js';
import {
  buildCli,
  failures,
  ROOT,
  removeCli,
  removeLabState,
  runCli,
  stepStatuses,
  tempStateHome,
} from './run-cli.js';

const scenarios = readdirSync(join(ROOT, 'runbooks', 'scenarios'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `runbooks/scenarios/${name}`);

beforeAll(() => buildCli(), 60_000);
afterAll(() => removeCli());

describe('runbooks/scenarios', () => {
  it.each(scenarios)('%s passes drillbook check and has no sh block', async (file) => {
    expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(/^```sh\b/m);
    const stateHome = tempStateHome('drillbook-e2e-scenario-check-');
    try {
      const result = await runCli(['check', file], { stateHome, timeoutMs: 30_000 });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    } finally {
      await removeLabState(stateHome);
    }
  });
});

/** Brings up a lab on its own range, runs the scenario against it, and tears the lab down. */
async function runScenario(file: string, ipRange: string): Promise<EngineEvent[]> {
  const stateHome = tempStateHome('drillbook-e2e-scenario-');
  const password = `scenario-${process.pid}`;
  // The lab's Sentinels refuse clients without their own password: the scenarios must pass it on.
  const sentinelPassword = `scenario-sentinel-${process.pid}`;
  const env = { REDIS_PASSWORD: password, SENTINEL_PASSWORD: sentinelPassword };
  try {
    const up = await runCli(['lab', 'up', '--ip-range', ipRange, '--down-after', '1000'], {
      stateHome,
      env,
      timeoutMs: 150_000,
    });
    if (up.code !== 0) throw new Error(`drillbook lab up failed:\n${up.stderr}${up.stdout}`);
    const result = await runCli(['run', file, '--target', 'lab', '--yes', '--allow-destroy', '--json'], {
      stateHome,
      env,
      timeoutMs: 240_000,
    });
    expect(result.code, failures(result)).toBe(0);
    const statuses = stepStatuses(result.events);
    expect(Object.values(statuses).length).toBeGreaterThan(0);
    expect(Object.entries(statuses).filter(([, status]) => status !== 'passed')).toEqual([]);
    expect(result.stdout).not.toContain(password);
    expect(result.stdout).not.toContain(sentinelPassword);
    return result.events;
  } finally {
    await removeLabState(stateHome);
  }
}

const finished = (events: EngineEvent[], id: string) =>
  events.find((event) => event.type === 'action.finished' && event.id === id);

describe('scenarios in the lab', () => {
  it('a restarted old master comes back as a replica of the new one', async () => {
    const events = await runScenario('runbooks/scenarios/old-master-returns.md', '127.94.0.0/24');
    expect(finished(events, 'switched')).toMatchObject({ ok: true, data: { to: '127.94.0.11:6379' } });
    expect(finished(events, 'returned')).toMatchObject({
      ok: true,
      data: { last: { role: 'slave', masterHost: '127.94.0.11' } },
    });
  }, 300_000);

  it('a replica with replica-priority 0 is never promoted: the failover is refused and a crash aborts', async () => {
    const events = await runScenario('runbooks/scenarios/replica-priority-zero.md', '127.95.0.0/24');
    const timeline = events.flatMap((event) => (event.type === 'timeline' ? [event.name] : []));
    expect(timeline).toContain('-failover-abort-no-good-slave');
    expect(timeline).not.toContain('+switch-master');
  }, 300_000);

  it('with two of three Sentinels down there is no +odown and no failover', async () => {
    const events = await runScenario('runbooks/scenarios/sentinels-two-down.md', '127.96.0.0/24');
    const timeline = events.flatMap((event) => (event.type === 'timeline' ? [event.name] : []));
    expect(timeline).toContain('+sdown');
    expect(timeline).not.toContain('+switch-master');
  }, 300_000);

  it('with one Sentinel down the failover happens, and the restarted Sentinel learns the new epoch', async () => {
    const events = await runScenario('runbooks/scenarios/sentinels-one-down.md', '127.97.0.0/24');
    expect(finished(events, 'switched')).toMatchObject({ ok: true, data: { to: '127.97.0.11:6379' } });
    const after = finished(events, 'epoch_after') as { data: { last: Record<string, number> } };
    expect(finished(events, 'learned')).toMatchObject({
      ok: true,
      data: { last: { ip: '127.97.0.11', 'config-epoch': after.data.last['config-epoch'] } },
    });
  }, 300_000);

  it('a Sentinel frozen for 5 s enters TILT, is reported in TILT, and leaves it', async () => {
    const events = await runScenario('runbooks/scenarios/tilt.md', '127.98.0.0/24');
    expect(finished(events, 'entered')).toMatchObject({ ok: true, data: { seenBy: ['sentinel-3'] } });
    expect(finished(events, 'during')).toMatchObject({
      summary: expect.stringContaining('TILT on sentinel-3'),
    });
    expect(finished(events, 'left')).toMatchObject({ ok: true });
  }, 300_000);
});
