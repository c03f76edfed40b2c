// The shipped runbooks, end to end through the built CLI, headless as CI runs them: every one passes
// `drillbook check`; the incident checklist runs read-only against a real Sentinel cluster (127.82.1.x)
// with --var answers, and its forced failover works when chosen; the disaster-recovery runbook (lab VPC
// 127.81.0.0/24) and the training runbook (127.83.0.0/24) provision, drill and tear down a lab cluster.
// Each run has its own XDG_STATE_HOME, so its lab emulator and droplets are its own, and are stopped after.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdownReport, summarizeRun } from '../../src/engine/report.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import {
  buildCli,
  failures,
  labProcesses,
  onlyJournal,
  ROOT,
  removeCli,
  removeLabState,
  reportOf,
  runCli,
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

describe('runbooks/incident-master-down.md against a real Sentinel cluster', () => {
  const runbook = 'runbooks/incident-master-down.md';
  const forcedFailover = 'force-a-failover-only-if-you-chose-failover';
  const notes =
    'Master redis-1 answered slowly; Sentinels agreed; no action needed. Follow-up: alert on lag.';
  let cluster: TestRedisCluster;
  const stateHomes: string[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster({ subnet: '127.82.1' });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
    for (const stateHome of stateHomes) await removeLabState(stateHome);
  }, 60_000);

  const answers = (decision: string) => [
    '--var',
    `sentinels=${cluster.sentinelAddresses}`,
    '--var',
    'incident_id=INC-4711',
    '--var',
    'declared=done',
    '--var',
    'notified=done',
    '--var',
    `decision=${decision}`,
    '--var',
    `notes=${notes}`,
    '--var',
    'all_clear=done',
  ];

  async function run(extra: string[]) {
    const stateHome = tempStateHome('drillbook-e2e-incident-');
    stateHomes.push(stateHome);
    const result = await runCli(['run', runbook, '--json', ...extra], {
      stateHome,
      env: { REDIS_PASSWORD: cluster.password },
      timeoutMs: 120_000,
    });
    return { result, journal: () => onlyJournal(stateHome) };
  }

  it('runs read-only with --var answers: every step but the forced failover passes, nothing is confirmed or changed', async () => {
    const masterBefore = await cluster.currentMaster();
    const steps = (await import('../../src/runbook/parse.js')).loadRunbook(join(ROOT, runbook));
    const ids = (await steps).runbook?.steps.map((step) => step.id) ?? [];
    expect(ids).toContain(forcedFailover);
    const only = ids.filter((id) => id !== forcedFailover).flatMap((id) => ['--only', id]);

    const { result, journal } = await run([...answers('wait'), ...only]);
    expect(result.code, failures(result)).toBe(0);
    const statuses = stepStatuses(result.events);
    expect(Object.keys(statuses)).toEqual(ids.filter((id) => id !== forcedFailover));
    expect(Object.values(statuses).every((status) => status === 'passed')).toBe(true);
    // Read-only: no step needed a confirmation, and the master is where it was.
    expect(result.events.filter((event) => event.type === 'confirm.answered')).toEqual([]);
    expect(await cluster.currentMaster()).toBe(masterBefore);

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
    expect(report).toMatch(/Declare the incident in your incident channel[^\n]*\| done/);
    expect(report).not.toContain(cluster.password);
  }, 150_000);

  it('forces a failover when the operator chooses it (destructive, confirmed by --yes --allow-destroy)', async () => {
    await cluster.waitHealthy(60_000);
    const masterBefore = await cluster.currentMaster();
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
    expect(await cluster.currentMaster()).not.toBe(masterBefore);
  }, 150_000);
});

/** Step ids of a shipped runbook, in order. */
async function stepIds(runbook: string): Promise<string[]> {
  const { loadRunbook } = await import('../../src/runbook/parse.js');
  const loaded = await loadRunbook(join(ROOT, runbook));
  if (!loaded.runbook) throw new Error(`${runbook} does not parse`);
  return loaded.runbook.steps.map((step) => step.id);
}

interface DrillFigures {
  probe: string;
  failed_over: boolean;
  acknowledged: number;
  lost_acknowledged: number;
  unavailable_ms: number;
  phases: { switchMasterAllMs: number | null; fault: { name: string } | null };
}

describe('runbooks/redis-sentinel-digitalocean.md headless in the lab', () => {
  const runbook = 'runbooks/redis-sentinel-digitalocean.md';
  let stateHome: string;

  beforeAll(() => {
    stateHome = tempStateHome('drillbook-e2e-dr-');
  });

  afterAll(() => removeLabState(stateHome), 60_000);

  it('provisions, passes both drills and the recovery checks, and tears down; the report has the drill figures', async () => {
    const result = await runCli(
      [
        'run',
        runbook,
        '--target',
        'lab',
        '--yes',
        '--allow-destroy',
        '--json',
        '--var',
        'down_after_ms=1000',
        '--var',
        'failover_timeout_ms=6000',
        // The lab maps 10.81.0.0/24 onto 127.81.0.0/24: this test's own loopback range.
        '--var',
        'vpc_range=10.81.0.0/24',
      ],
      { stateHome, timeoutMs: 400_000 },
    );
    expect(result.code, failures(result)).toBe(0);
    const ids = await stepIds(runbook);
    const statuses = stepStatuses(result.events);
    expect(Object.keys(statuses)).toEqual(ids);
    expect(Object.entries(statuses).filter(([, status]) => status !== 'passed')).toEqual([]);

    const vpc = result.events.find((event) => event.type === 'action.finished' && event.id === 'vpc');
    expect(vpc).toMatchObject({ data: { ip_range: '127.81.0.0/24' } });

    const { markdown, json } = reportOf(stateHome);
    const drills = (json as { drills: DrillFigures[] }).drills;
    expect(drills.map((drill) => drill.probe)).toEqual(['drill1', 'drill2']);
    for (const drill of drills) {
      expect(drill.failed_over).toBe(true);
      expect(drill.acknowledged).toBeGreaterThan(0);
      expect(drill.phases.switchMasterAllMs).toBeGreaterThan(0);
    }
    expect(drills[0]?.phases.fault?.name).toBe('power_off');
    expect(drills[0]?.lost_acknowledged).toBe(0);
    expect(drills[1]?.phases.fault?.name).toBe('SENTINEL FAILOVER');
    expect(markdown).toContain('## Drills');
    expect(markdown).toMatch(/RTO: fault → first acknowledged write after the outage \| \d+ ms/);
    expect(markdown).toMatch(/RPO: acknowledged writes lost \| \*\*0\*\*/);

    // Teardown deleted every droplet: no redis-server or redis-sentinel of this lab is left running.
    expect(await labProcesses(stateHome)).toEqual([]);
  }, 420_000);
});

describe('runbooks/training-lab.md headless in the lab', () => {
  const runbook = 'runbooks/training-lab.md';
  let stateHome: string;

  beforeAll(() => {
    stateHome = tempStateHome('drillbook-e2e-training-');
  });

  afterAll(() => removeLabState(stateHome), 60_000);

  it('records each prediction and shows it next to what the crash, the hang and the forced failover did', async () => {
    const predictions = {
      trainee: 'Robin Trainee',
      predict_crash_seconds: '4',
      predict_crash_lost: 'none',
      predict_hang_seconds: '9',
      predict_hang_thaw: 'it stays a master until Sentinel demotes it',
      predict_forced_lost: 'some',
      predict_forced_ms: '150',
      lesson: 'clients must retry and react to +switch-master',
    };
    const result = await runCli(
      [
        'run',
        runbook,
        '--yes',
        '--allow-destroy',
        '--json',
        '--var',
        'down_after_ms=1000',
        '--var',
        'failover_timeout_ms=6000',
        '--var',
        'vpc_range=10.83.0.0/24',
        ...Object.entries(predictions).flatMap(([name, value]) => ['--var', `${name}=${value}`]),
      ],
      { stateHome, timeoutMs: 400_000 },
    );
    expect(result.code, failures(result)).toBe(0);
    const statuses = stepStatuses(result.events);
    expect(Object.keys(statuses)).toEqual(await stepIds(runbook));
    expect(Object.entries(statuses).filter(([, status]) => status !== 'passed')).toEqual([]);

    const answers = result.events.flatMap((event) => (event.type === 'prompt.answered' ? [event] : []));
    for (const value of Object.values(predictions)) {
      expect(answers.map((answer) => answer.answer)).toContain(value);
    }
    // Each review shows the prediction beside the measurement, rendered from the probe's results.
    const { json, markdown } = reportOf(stateHome);
    const drills = (json as { drills: DrillFigures[] }).drills;
    expect(drills.map((drill) => [drill.probe, drill.phases.fault?.name, drill.failed_over])).toEqual([
      ['crash', 'power_off', true],
      ['hang', 'freeze', true],
      ['forced', 'SENTINEL FAILOVER', true],
    ]);
    const reviews = answers.filter((answer) => answer.question.startsWith('You predicted'));
    expect(reviews).toHaveLength(3);
    const [crash, hang, forced] = drills;
    expect(reviews[0]?.question).toContain(
      `You predicted 4 s without writes and "none" lost. Measured: writes failed for ${crash?.unavailable_ms} ms`,
    );
    expect(reviews[1]?.question).toContain(`writes failed for ${hang?.unavailable_ms} ms`);
    expect(reviews[1]?.question).toContain('the thawed node is now a slave');
    expect(reviews[2]?.question).toContain(
      `You predicted "some" lost and 150 ms without writes. Measured: writes failed for ${forced?.unavailable_ms} ms; acknowledged writes lost: ${forced?.lost_acknowledged}`,
    );
    expect(markdown).toContain('Robin Trainee');
    expect(await labProcesses(stateHome)).toEqual([]);
  }, 420_000);
});
