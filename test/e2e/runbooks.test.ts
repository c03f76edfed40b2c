// The shipped runbooks, end to end through the built CLI, headless as CI runs them: every one passes
// `drillbook check`; the incident checklist runs read-only against `drillbook lab up` (127.82.0.0/24)
// with --var answers (and with Sentinels that have a password: 127.82.1.x), and its forced failover
// works when chosen. The runbooks that provision, drill and tear down a lab cluster run once each, where
// they are checked in full: the disaster-recovery runbook with --monitoring in
// test/monitoring/dr-runbook.test.ts, the training runbook in a real terminal in test/e2e/tui-training.test.ts.
// Each run has its own XDG_STATE_HOME, so its lab emulator and droplets are its own, and are stopped after.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdownReport, summarizeRun } from '../../src/engine/report.js';
import { startRedisCluster } from '../helpers/redis-cluster.js';
import {
  buildCli,
  failures,
  onlyJournal,
  ROOT,
  removeCli,
  removeLabState,
  runCli,
  stepIds,
  stepStatuses,
  tempStateHome,
} from './run-cli.js';

const shipped = readdirSync(join(ROOT, 'runbooks'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `runbooks/${name}`);

beforeAll(() => buildCli(), 60_000);
afterAll(() => removeCli());

describe('drillbook check', () => {
  it('finds the three shipped runbooks', () => {
    expect(shipped).toEqual(
      expect.arrayContaining([
        'runbooks/redis-sentinel-digitalocean.md',
        'runbooks/incident-master-down.md',
        'runbooks/training-lab.md',
      ]),
    );
  });

  it.each(shipped)('%s has no errors and no warnings', async (file) => {
    const stateHome = tempStateHome('drillbook-e2e-check-');
    try {
      const result = await runCli(['check', file], { stateHome, timeoutMs: 30_000 });
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(new RegExp(`^${file}: ok \\(\\d+ steps\\)`));
      expect(result.code).toBe(0);
    } finally {
      await removeLabState(stateHome);
    }
  });
});

describe('runbooks/incident-master-down.md against the lab', () => {
  const runbook = 'runbooks/incident-master-down.md';
  const forcedFailover = 'force-a-failover-only-if-you-chose-failover';
  const notes =
    'Master redis-1 answered slowly; Sentinels agreed; no action needed. Follow-up: alert on lag.';
  const password = `incident-e2e-${process.pid}`;
  // The lab's Sentinels have a password of their own: the operator passes it as SENTINEL_PASSWORD.
  const labSentinelPassword = `incident-e2e-sentinel-${process.pid}`;
  let labHome: string;
  let sentinels: string[];
  const stateHomes: string[] = [];

  /** The master the first Sentinel names, asked directly rather than through drillbook. */
  async function currentMaster(): Promise<string> {
    const [host, port] = (sentinels[0] ?? '').split(':');
    const client = new Redis({
      host,
      port: Number(port),
      password: labSentinelPassword,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      const [ip, masterPort] = (await client.call(
        'SENTINEL',
        'GET-MASTER-ADDR-BY-NAME',
        'mymaster',
      )) as string[];
      return `${ip}:${masterPort}`;
    } finally {
      client.disconnect();
    }
  }

  beforeAll(async () => {
    // The lab as an operator brings it up: `drillbook lab up`, on this test's own loopback range.
    labHome = tempStateHome('drillbook-e2e-incident-lab-');
    const up = await runCli(['lab', 'up', '--ip-range', '127.82.0.0/24', '--down-after', '1000', '--json'], {
      stateHome: labHome,
      env: { REDIS_PASSWORD: password, SENTINEL_PASSWORD: labSentinelPassword },
      timeoutMs: 150_000,
    });
    if (up.code !== 0) throw new Error(`drillbook lab up failed:\n${up.stderr}${up.stdout}`);
    const { droplets } = JSON.parse(up.stdout) as {
      droplets: Array<{ role: string; privateIp: string; port: number }>;
    };
    sentinels = droplets.filter((d) => d.role === 'sentinel').map((d) => `${d.privateIp}:${d.port}`);
  }, 180_000);

  afterAll(async () => {
    for (const stateHome of [labHome, ...stateHomes]) if (stateHome) await removeLabState(stateHome);
  }, 90_000);

  const answers = (decision: string) =>
    Object.entries({
      sentinels: sentinels.join(','),
      incident_id: 'INC-4711',
      declared: 'done',
      notified: 'done',
      decision,
      notes,
      all_clear: 'done',
    }).flatMap(([name, value]) => ['--var', `${name}=${value}`]);

  async function run(extra: string[], env: Record<string, string> = {}) {
    const stateHome = tempStateHome('drillbook-e2e-incident-');
    stateHomes.push(stateHome);
    const result = await runCli(['run', runbook, '--json', ...extra], {
      stateHome,
      env: { REDIS_PASSWORD: password, SENTINEL_PASSWORD: labSentinelPassword, ...env },
      timeoutMs: 120_000,
    });
    return { result, journal: () => onlyJournal(stateHome) };
  }

  async function readOnlySteps(): Promise<string[]> {
    const ids = await stepIds(runbook);
    expect(ids).toContain(forcedFailover);
    return ids.filter((id) => id !== forcedFailover);
  }

  it('runs read-only with --var answers: every step but the forced failover passes, nothing is confirmed or changed', async () => {
    const masterBefore = await currentMaster();
    const steps = await readOnlySteps();
    const { result, journal } = await run([...answers('wait'), ...steps.flatMap((id) => ['--only', id])]);
    expect(result.code, failures(result)).toBe(0);
    const statuses = stepStatuses(result.events);
    expect(Object.keys(statuses)).toEqual(steps);
    expect(Object.values(statuses).every((status) => status === 'passed')).toBe(true);
    // Read-only: no step needed a confirmation, and the master is where it was.
    expect(result.events.filter((event) => event.type === 'confirm.answered')).toEqual([]);
    expect(await currentMaster()).toBe(masterBefore);

    const views = result.events.find((event) => event.type === 'action.finished' && event.id === 'views');
    expect(views).toMatchObject({
      ok: true,
      data: { agreement: { sameMaster: true, master: masterBefore } },
    });

    const summary = summarizeRun(journal());
    const answered = Object.fromEntries(summary.interactions.map((i) => [i.question, i.answer]));
    expect(answered['Incident ticket or channel id?']).toBe('INC-4711');
    expect(answered['Your decision (wait, failover or escalate)?']).toBe('wait');
    const report = renderMarkdownReport(summary);
    expect(report).toContain(notes);
    expect(report).toMatch(/Declare the incident in the incident channel[^\n]*\| done/);
    expect(report).not.toContain(password);
    expect(result.stdout).not.toContain(password);
    expect(report).not.toContain(labSentinelPassword);
    expect(result.stdout).not.toContain(labSentinelPassword);
  }, 150_000);

  it('authenticates to Sentinels that have a password of their own (SENTINEL_PASSWORD)', async () => {
    const sentinelPassword = `sentinel-e2e-${process.pid}`;
    const cluster = await startRedisCluster({ subnet: '127.82.1', password, sentinelPassword });
    try {
      const steps = await readOnlySteps();
      const withVars = answers('wait').map((arg) =>
        arg.startsWith('sentinels=') ? `sentinels=${cluster.sentinelAddresses}` : arg,
      );
      const only = steps.flatMap((id) => ['--only', id]);
      // The checklist keeps going (its checks are finding=true): every Sentinel query is a finding, exit 3.
      const { result: refused } = await run([...withVars, ...only], { SENTINEL_PASSWORD: '' });
      expect(refused.code).toBe(3);
      expect(failures(refused)).toMatch(/NOAUTH|authentication/i);

      const { result } = await run([...withVars, ...only], { SENTINEL_PASSWORD: sentinelPassword });
      expect(result.code, failures(result)).toBe(0);
      expect(Object.values(stepStatuses(result.events)).every((status) => status === 'passed')).toBe(true);
      expect(result.stdout).not.toContain(sentinelPassword);
    } finally {
      await cluster.stop();
    }
  }, 150_000);

  it('forces a failover when the operator chooses it (destructive, confirmed by --yes --allow-destroy)', async () => {
    const masterBefore = await currentMaster();
    const { result } = await run([...answers('failover'), '--yes', '--allow-destroy']);
    expect(result.code, failures(result)).toBe(0);
    expect(stepStatuses(result.events)[forcedFailover]).toBe('passed');
    const confirmed = result.events.filter((event) => event.type === 'confirm.answered');
    expect(confirmed).toEqual([
      expect.objectContaining({ step: forcedFailover, accepted: true, how: 'flag' }),
    ]);
    const switched = result.events.find(
      (event) => event.type === 'action.finished' && event.id === 'forced_switch',
    );
    expect(switched).toMatchObject({ ok: true, data: { from: masterBefore } });
    expect(await currentMaster()).not.toBe(masterBefore);
  }, 150_000);
});
