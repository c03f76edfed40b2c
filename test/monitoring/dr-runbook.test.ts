// The DR runbook end to end, headless, with the shipped CLI bundle and real processes (issue 9's "done when"):
// it builds its own cluster on 127.91.0.0/24 through the lab emulator while `--monitoring` (on 127.91.0.30)
// follows the droplets it boots, so its Prometheus and Alertmanager checks run instead of being skipped.
// Every step passes — provisioning, the three drills (crash, forced failover, zero-loss switchover), every
// node scraped, the failover alert after each failover, the replica link recovered, the PHP client reaching
// each new master, the teardown — and no droplet process is left. The report carries the drill figures
// (RPO/RTO) and the alerts on its timeline; the generated passwords appear in no output, journal or report.
// This is the DR runbook's only loopback run: a second one without --monitoring cost CI over a minute, and
// what it alone showed, that the monitoring checks pass as skipped when nothing answers, is
// test/runbook/dr-without-monitoring.test.ts.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/contract/events.js';
import { monitoringStatus, stopMonitoring } from '../../src/lab/monitoring/index.js';
import {
  buildCli,
  failures,
  generatedSecrets,
  labProcesses,
  onlyJournal,
  type ReportedDrill,
  removeCli,
  removeLabState,
  reportOf,
  runCli,
  stepIds,
  stepStatuses,
  tempStateHome,
} from '../e2e/run-cli.js';
import { processesUnder } from '../lab/helpers.js';

const RUNBOOK = 'runbooks/redis-sentinel-digitalocean.md';
const MONITORING_HOST = '127.91.0.30';
type Finished = Extract<EngineEvent, { type: 'action.finished' }>;

let stateHome: string;
const labDir = () => join(stateHome, 'drillbook', 'lab');

beforeAll(async () => {
  stateHome = tempStateHome('drillbook-dr-monitoring-');
  await buildCli();
}, 60_000);

afterAll(async () => {
  // Monitoring first (lab down's library call leaves it to the CLI), then every droplet and the emulator.
  await stopMonitoring(labDir()).catch(() => {});
  await removeLabState(stateHome);
  removeCli();
}, 60_000);

describe('runbooks/redis-sentinel-digitalocean.md headless in the lab with --monitoring', () => {
  it('provisions, passes the drills, the monitoring checks (none skipped) and the PHP client on each new master, and tears down; the report has the drill figures and the alerts', async () => {
    const run = await runCli(
      [
        'run',
        RUNBOOK,
        '--target',
        'lab',
        '--monitoring',
        '--monitoring-host',
        MONITORING_HOST,
        '--yes',
        '--allow-destroy',
        '--json',
        ...['down_after_ms=1000', 'failover_timeout_ms=6000', 'vpc_range=10.91.0.0/24'].flatMap((v) => [
          '--var',
          v,
        ]),
        '--var',
        `prometheus_url=http://${MONITORING_HOST}:9090`,
        '--var',
        `alertmanager_url=http://${MONITORING_HOST}:9093`,
      ],
      { stateHome, timeoutMs: 400_000 },
    );
    expect(run.code, failures(run)).toBe(0);
    expect(run.stderr).toContain(`Monitoring: Prometheus http://${MONITORING_HOST}:9090`);
    const statuses = stepStatuses(run.events);
    expect(Object.keys(statuses)).toEqual(await stepIds(RUNBOOK));
    expect(Object.entries(statuses).filter(([, status]) => status !== 'passed')).toEqual([]);

    const finished = run.events.filter((e): e is Finished => e.type === 'action.finished');
    const action = (id: string) => {
      const found = finished.filter((e) => e.id === id).at(-1);
      if (!found) throw new Error(`no action.finished for ${id}`);
      return found;
    };
    // The lab maps the runbook's 10.91.0.0/24 onto 127.91.0.0/24: this test's own loopback range.
    expect(action('vpc')).toMatchObject({ data: { ip_range: '127.91.0.0/24' } });
    for (const id of ['scraped', 'failover_alert', 'link_recovered', 'failover_alert2']) {
      const result = action(id);
      expect(result.ok, `${id}: ${result.error ?? result.summary}`).toBe(true);
      expect(result.summary, id).toMatch(/^200 OK in \d+ ms/);
      expect(result.data, id).not.toMatchObject({ skipped: true });
      expect(
        result.checks?.every((check) => check.ok),
        id,
      ).toBe(true);
    }
    // Alertmanager answered with the failover alert for the new master, after each drill.
    const switched = (id: string) => (action(id).data as { to: string }).to;
    for (const [alertId, switchId] of [
      ['failover_alert', 'switch1'],
      ['failover_alert2', 'switch2'],
    ] as const) {
      const alerts = (action(alertId).data as { json: Array<{ labels: Record<string, string> }> }).json;
      expect(alerts[0]?.labels).toMatchObject({
        alertname: 'RedisMasterChanged',
        instance: switched(switchId),
      });
    }

    // The PHP client: the first master before, then each switched master after its failover.
    expect(action('php_before').checks?.[0]).toMatchObject({
      ok: true,
      actual: expect.stringMatching(/^127\.91\.0\./),
    });
    for (const [phpId, switchId] of [
      ['php_after', 'switch1'],
      ['php_before2', 'switch1'],
      ['php_after2', 'switch2'],
    ] as const) {
      const php = action(phpId);
      expect(php.ok, `${phpId}: ${php.error ?? php.summary}`).toBe(true);
      expect(php.checks?.[0]).toMatchObject({ ok: true, actual: switched(switchId) });
    }
    expect(switched('switch1')).not.toBe(switched('switch2'));

    const { markdown, json } = reportOf(stateHome);
    const alertRows = markdown.split('\n').filter((line) => /\| alert \| RedisMasterChanged \|/.test(line));
    expect(alertRows.some((row) => row.includes(switched('switch1')))).toBe(true);
    expect(alertRows.some((row) => row.includes(switched('switch2')))).toBe(true);

    const drills = (json as { drills: ReportedDrill[] }).drills;
    expect(drills.map((drill) => drill.probe)).toEqual(['drill1', 'drill2', 'drill3']);
    for (const drill of drills) {
      expect(drill.failed_over).toBe(true);
      expect(drill.acknowledged).toBeGreaterThan(0);
      expect(drill.phases.switchMasterAllMs).toBeGreaterThan(0);
    }
    expect(drills[0]?.phases.fault?.name).toBe('power_off');
    expect(drills[1]?.phases.fault?.name).toBe('SENTINEL FAILOVER');
    // The coordinated switchover, same load as the forced failover: nothing acknowledged is lost.
    expect(drills[2]?.phases.fault?.name).toBe('switchover');
    expect(drills[2]?.lost_acknowledged).toBe(0);
    expect(markdown).toContain('## Drills');
    for (const drill of drills) {
      expect(markdown).toContain(`| RPO: acknowledged writes lost | **${drill.lost_acknowledged}**`);
    }
    // The crash and the forced failover have an outage to recover from; the switchover may have none (paused
    // writes wait instead of failing), and then its row says so with a dash.
    expect(
      markdown.match(/RTO: fault → first acknowledged write after the outage \| (\d+ ms|—)/g),
    ).toHaveLength(3);
    expect(
      markdown.match(/RTO: fault → first acknowledged write after the outage \| \d+ ms/g)?.length,
    ).toBeGreaterThanOrEqual(2);

    // The generated Redis and Sentinel passwords went into the droplets' cloud-init, and to the exporter only
    // through its 0600 password map, never into output, the journal or the report; every Sentinel client
    // above (sentinel blocks, probe, event feed, PHP) authenticated with them.
    const password = generatedSecrets(stateHome).redis_password ?? '';
    const sentinelPassword = generatedSecrets(stateHome).sentinel_password ?? '';
    expect(password).toHaveLength(40);
    expect(sentinelPassword).toHaveLength(40);
    const journal = JSON.stringify(onlyJournal(stateHome));
    for (const artefact of [run.stdout, run.stderr, markdown, JSON.stringify(json), journal]) {
      expect(artefact).not.toContain(password);
      expect(artefact).not.toContain(sentinelPassword);
    }
    const status = await monitoringStatus(labDir());
    expect(status?.down).toEqual([]);
    const passwordFile = join(labDir(), 'monitoring', 'redis-passwords.json');
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);

    // The runbook's teardown deleted every droplet: no redis-server or redis-sentinel of this lab is left
    // running (monitoring, which the run leaves up, is stopped next).
    expect(await labProcesses(stateHome)).toEqual([]);
    expect(await stopMonitoring(labDir())).toEqual(['redis-exporter', 'alertmanager', 'prometheus']);
    await removeLabState(stateHome);
    expect(await processesUnder(stateHome)).toEqual([]);
  }, 420_000);
});
