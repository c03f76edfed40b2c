// The path a user takes, with real processes on 127.71.0.0/24: the lab (`labUp`: emulator daemon + the
// article's cluster), lab monitoring on 127.71.0.30, then runbooks/snippets/app-and-monitoring.md through the
// real parser and engine against --target lab: the PHP client reaches the master, SENTINEL FAILOVER, the PHP
// client follows the new master, Alertmanager shows the failover alert (on the run's timeline), Prometheus
// shows the replica link recovered. Then monitoring and the lab stop, leaving no process.

import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionKinds } from '../../src/actions/registry.js';
import type { Interaction } from '../../src/contract/action.js';
import type { EngineEvent } from '../../src/contract/events.js';
import { createEngine } from '../../src/engine/engine.js';
import { labDown, labUp, resolveLabTarget } from '../../src/lab/index.js';
import { stopMonitoring } from '../../src/lab/monitoring/index.js';
import { startLabMonitoring } from '../../src/lab/monitoring/lab.js';
import { loadRunbook } from '../../src/runbook/parse.js';
import { bundleLabCli } from '../lab/cli-bundle.js';
import { killProcessesUnder, labStateDir, processesUnder } from '../lab/helpers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SNIPPET = path.join(repo, 'runbooks/snippets/app-and-monitoring.md');
const PASSWORD = 'monitoring-e2e-password-42';
const SENTINEL_PASSWORD = 'monitoring-e2e-sentinel-42';
let state: { dir: string; remove: () => Promise<void> };
let labDir: string;
let cli: string;
const savedEntry = process.env.DRILLBOOK_LAB_DAEMON_ENTRY;

beforeAll(async () => {
  state = labStateDir('drillbook-monitoring-lab-');
  labDir = path.join(state.dir, 'lab');
  // The emulator daemon is a detached process started from a CLI entry; the lab tests' bundle is one.
  cli = await bundleLabCli('monitoring-snippet');
  process.env.DRILLBOOK_LAB_DAEMON_ENTRY = cli;
});

afterAll(async () => {
  await stopMonitoring(labDir).catch(() => {});
  await labDown(labDir).catch(() => {});
  await killProcessesUnder(state.dir);
  await state.remove();
  await rm(cli, { force: true });
  if (savedEntry === undefined) delete process.env.DRILLBOOK_LAB_DAEMON_ENTRY;
  else process.env.DRILLBOOK_LAB_DAEMON_ENTRY = savedEntry;
});

const yes: Interaction = {
  confirm: async () => true,
  ask: async (request) => {
    throw new Error(`unexpected prompt: ${request.question}`);
  },
};

/** When an entry happened on the run's clock: `at` for entries reported after the fact, else `t`. */
type Timeline = Extract<EngineEvent, { type: 'timeline' }>;
const when = (e: Timeline | undefined) => (e ? (e.at ?? e.t) : Number.NaN);

describe('app and monitoring snippet in the lab', () => {
  it('passes every step: PHP before and after a failover, the alert fired, the link recovered', async () => {
    const up = await labUp({
      stateDir: labDir,
      ipRange: '127.71.0.0/24',
      downAfterMs: 1000,
      installDeps: 'no',
      env: { ...process.env, REDIS_PASSWORD: PASSWORD, SENTINEL_PASSWORD },
    });
    const monitoring = await startLabMonitoring(labDir, up.droplets);
    expect(monitoring.prometheusUrl).toBe('http://127.71.0.30:9090');
    // startLabMonitoring returns once every droplet (and the exporter) has been scraped.
    const targets = (await (await fetch(`${monitoring.prometheusUrl}/api/v1/targets`)).json()) as {
      data: { activeTargets: Array<{ lastScrape: string; labels: { instance: string } }> };
    };
    expect(targets.data.activeTargets.map((t) => t.labels.instance).sort()).toEqual([
      '127.71.0.10:6379',
      '127.71.0.11:6379',
      '127.71.0.20:26379',
      '127.71.0.21:26379',
      '127.71.0.22:26379',
      '127.71.0.30:9121',
    ]);
    expect(targets.data.activeTargets.every((t) => Date.parse(t.lastScrape) > 0)).toBe(true);

    const parsed = await loadRunbook(SNIPPET, { kinds: actionKinds });
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (!parsed.runbook) throw new Error('no runbook');
    const engine = await createEngine({
      kinds: actionKinds,
      runbook: parsed.runbook,
      target: 'lab',
      resolveTarget: () => resolveLabTarget({ stateDir: labDir }),
      vars: {
        redis_password: PASSWORD,
        sentinel_password: SENTINEL_PASSWORD,
        prometheus_url: monitoring.prometheusUrl,
        alertmanager_url: monitoring.alertmanagerUrl,
      },
      yes: true,
      allowDestroy: true,
      interaction: yes,
      journalPath: state.dir,
      operator: 'tester',
    });
    const events: EngineEvent[] = [];
    engine.subscribe((event) => events.push(event));
    await engine.start();
    const status = await engine.runAll();
    await engine.finish();
    const failed = events.filter((e) => e.type === 'action.finished' && !e.ok);
    expect(failed).toEqual([]);
    expect(status).toBe('passed');

    const finishedActions = events.filter(
      (e): e is Extract<EngineEvent, { type: 'action.finished' }> => e.type === 'action.finished',
    );
    const summary = (id: string) => finishedActions.find((e) => e.id === id)?.summary;
    expect(summary('php_before')).toMatch(/^exit 0 in .*; json\.server contains/);
    expect(summary('php_after')).toMatch(/^exit 0 in .*; json\.server == \{\{ switch1\.to \}\}$/);
    // The evidence the report shows: the server Predis reached, as a check against Sentinel's new master.
    expect(finishedActions.find((e) => e.id === 'php_after')?.checks).toEqual([
      {
        ok: true,
        description: 'json.server == {{ switch1.to }}',
        expected: '== {{ switch1.to }} (= 127.71.0.11:6379)',
        actual: '127.71.0.11:6379',
      },
    ]);
    expect(summary('failover_alert')).toMatch(
      /^200 OK in \d+ ms, 1 items; json\.0\.status\.state == active$/,
    );
    expect(summary('link_recovered')).toMatch(/^200 OK/);
    const reports = events
      .filter((e): e is Extract<EngineEvent, { type: 'action.output' }> => e.type === 'action.output')
      .map((e) => e.line)
      .filter((line) => line.startsWith('{"server"'))
      .map((line) => JSON.parse(line));
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatchObject({
      server: '127.71.0.10:6379',
      role: 'master',
      value_ok: true,
      cache_ok: true,
    });
    expect(reports[1]).toMatchObject({
      server: '127.71.0.11:6379',
      role: 'master',
      value_ok: true,
      cache_ok: true,
    });

    const timeline = events.filter((e): e is Timeline => e.type === 'timeline');
    const switched = timeline.find((e) => e.source === 'sentinel' && e.name === '+switch-master');
    const alert = timeline.find((e) => e.source === 'alert' && e.name === 'RedisMasterChanged');
    expect(alert?.detail).toContain('instance=127.71.0.11:6379');
    // The rule sees the promotion itself (REPLICAOF NO ONE) at the next scrape and evaluation (1 s each);
    // Sentinel announces +switch-master once its INFO refresh sees the new role, so either may come first
    // (measured here: within ±0.2 s of each other).
    expect(when(alert)).toBeGreaterThan(when(switched) - 3000);
    expect(when(alert) - when(switched)).toBeLessThan(15_000);
    const journal = await readFile(engine.journalPath, 'utf8');
    expect(journal).not.toContain(PASSWORD);
    expect(journal).not.toContain(SENTINEL_PASSWORD);

    expect(await stopMonitoring(labDir)).toEqual(['redis-exporter', 'alertmanager', 'prometheus']);
    await labDown(labDir);
    expect(await processesUnder(state.dir)).toEqual([]);
  }, 300_000);
});
