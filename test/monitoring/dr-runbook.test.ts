// Issue 9's "done when", end to end with the shipped CLI bundle and real processes: the DR runbook builds its
// own cluster on 127.91.0.0/24 through the lab emulator while `--monitoring` (on 127.91.0.30) follows the
// droplets it boots, so its Prometheus and Alertmanager checks run instead of being skipped: every node is
// scraped, the failover alert fires after each failover, the replica link recovers, and the PHP client
// reaches the new master each time. The report carries the alerts on its timeline.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/contract/events.js';
import { monitoringStatus, stopMonitoring } from '../../src/lab/monitoring/index.js';
import {
  buildCli,
  failures,
  generatedSecrets,
  onlyJournal,
  removeCli,
  removeLabState,
  reportOf,
  runCli,
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

describe('DR runbook in the lab with --monitoring', () => {
  it('passes the monitoring checks without skipping them and the PHP client follows each new master', async () => {
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

    const finished = run.events.filter((e): e is Finished => e.type === 'action.finished');
    const action = (id: string) => {
      const found = finished.filter((e) => e.id === id).at(-1);
      if (!found) throw new Error(`no action.finished for ${id}`);
      return found;
    };
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

    const { markdown } = reportOf(stateHome);
    const alertRows = markdown.split('\n').filter((line) => /\| alert \| RedisMasterChanged \|/.test(line));
    expect(alertRows.some((row) => row.includes(switched('switch1')))).toBe(true);
    expect(alertRows.some((row) => row.includes(switched('switch2')))).toBe(true);

    // The runbook's generated password reached the exporter only through its 0600 password map.
    const password = generatedSecrets(stateHome).redis_password ?? '';
    const sentinelPassword = generatedSecrets(stateHome).sentinel_password ?? '';
    expect(password.length).toBeGreaterThan(0);
    expect(sentinelPassword.length).toBeGreaterThan(0);
    const journal = JSON.stringify(onlyJournal(stateHome));
    for (const artefact of [run.stdout, run.stderr, markdown, journal]) {
      expect(artefact).not.toContain(password);
      expect(artefact).not.toContain(sentinelPassword);
    }
    const status = await monitoringStatus(labDir());
    expect(status?.down).toEqual([]);
    const passwordFile = join(labDir(), 'monitoring', 'redis-passwords.json');
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);

    expect(await stopMonitoring(labDir())).toEqual(['redis-exporter', 'alertmanager', 'prometheus']);
    await removeLabState(stateHome);
    expect(await processesUnder(stateHome)).toEqual([]);
  }, 420_000);
});
