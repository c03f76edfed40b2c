// `drillbook lab up --monitoring`, `lab status` and `lab down` as a user runs them (the lab CLI bundled from
// src, a detached emulator daemon, real processes on 127.72.0.0/24, state in a temp XDG_STATE_HOME).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown } from '../../src/lab/lab-down.js';
import { stopMonitoring } from '../../src/lab/monitoring/index.js';
import { bundleLabCli } from '../lab/cli-bundle.js';
import {
  killProcessesUnder,
  type LabCliResult,
  labStateDir,
  processesUnder,
  runLabCli,
} from '../lab/helpers.js';

let state: { dir: string; remove: () => Promise<void> };
let cli: string;

function lab(...args: string[]): Promise<LabCliResult> {
  const env = { REDIS_PASSWORD: 'lab-cli-monitoring-pass' };
  return runLabCli({ cli, stateHome: state.dir, env, timeoutMs: 180_000 }, ...args);
}

beforeAll(async () => {
  state = labStateDir('drillbook-monitoring-cli-');
  cli = await bundleLabCli('monitoring-cli');
});

afterAll(async () => {
  const labDir = path.join(state.dir, 'drillbook', 'lab');
  await stopMonitoring(labDir).catch(() => {});
  await labDown(labDir).catch(() => {});
  await killProcessesUnder(state.dir);
  await state.remove();
  await rm(cli, { force: true });
});

describe('drillbook lab --monitoring', () => {
  it('up starts monitoring on the range .30, status shows it, down stops it with the lab', async () => {
    const up = await lab('up', '--ip-range', '127.72.0.0/24', '--monitoring', '--json');
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const result = JSON.parse(up.stdout) as {
      monitoring: { prometheusUrl: string; alertmanagerUrl: string };
    };
    expect(result.monitoring).toMatchObject({
      prometheusUrl: 'http://127.72.0.30:9090',
      alertmanagerUrl: 'http://127.72.0.30:9093',
    });
    const ready = await fetch(`${result.monitoring.alertmanagerUrl}/-/ready`);
    expect(ready.status).toBe(200);

    const status = await lab('status');
    expect(status.stdout).toMatch(
      /monitoring:\n {2}prometheus {4}http:\/\/127\.72\.0\.30:9090 {2}\(pid \d+\)/,
    );
    const json = JSON.parse((await lab('status', '--json')).stdout) as { monitoring: { down: string[] } };
    expect(json.monitoring.down).toEqual([]);

    const down = await lab('down');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('Monitoring stopped: redis-exporter, alertmanager, prometheus');
    expect(await processesUnder(state.dir)).toEqual([]);
  }, 240_000);
});
