import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findExecutable } from '../binaries.js';
import { monitoringConfigDir, renderPrometheusConfig, writeMonitoringConfig } from './config.js';
import { formatMonitoringInfo, formatMonitoringStatus, startMonitoring } from './index.js';
import { findMonitoringBinaries, MissingMonitoringBinariesError, serviceEnv } from './services.js';

const execFileAsync = promisify(execFile);
const shipped = monitoringConfigDir();
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drillbook-monitoring-config-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** promtool and amtool come with the prometheus and prometheus-alertmanager packages CI installs. */
async function tool(name: string, args: string[]): Promise<string> {
  const file = await findExecutable(name);
  if (!file) throw new Error(`${name} not on PATH: sudo apt-get install prometheus prometheus-alertmanager`);
  const { stdout, stderr } = await execFileAsync(file, args, { cwd: shipped });
  return stdout + stderr;
}

describe('monitoring config', () => {
  it('points the shipped prometheus.yml at the lab exporter and Alertmanager, everything else kept', async () => {
    const text = await readFile(path.join(shipped, 'prometheus.yml'), 'utf8');
    const config = parse(
      renderPrometheusConfig(text, {
        prometheus: '127.10.0.30:9090',
        alertmanager: '127.10.0.30:9093',
        exporter: '127.10.0.30:9121',
      }),
    );
    expect(config.global).toEqual({ scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' });
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['127.10.0.30:9093']);
    const jobs = Object.fromEntries(
      config.scrape_configs.map((job: { job_name: string }) => [job.job_name, job]),
    );
    expect(jobs.redis.relabel_configs.at(-1)).toEqual({
      target_label: '__address__',
      replacement: '127.10.0.30:9121',
    });
    expect(jobs['redis-sentinel'].relabel_configs.at(-1).replacement).toBe('127.10.0.30:9121');
    expect(jobs['redis-exporter'].static_configs[0].targets).toEqual(['127.10.0.30:9121']);
    expect(jobs.redis.file_sd_configs[0].files).toEqual(['targets/redis-nodes.json']);
  });

  it('writes configs that promtool and amtool accept, with the password only in the exporter password file', async () => {
    const dir = path.join(tmp, 'written');
    await writeMonitoringConfig(
      dir,
      { redisNodes: ['127.10.0.10:6379'], sentinels: ['127.10.0.20:26379'], password: 'pa55word' },
      { prometheus: '127.0.0.1:9090', alertmanager: '127.0.0.1:9093', exporter: '127.0.0.1:9121' },
    );
    expect(await tool('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')])).toContain(
      'SUCCESS',
    );
    expect(await tool('amtool', ['check-config', path.join(dir, 'alertmanager.yml')])).toContain('SUCCESS');
    expect(JSON.parse(await readFile(path.join(dir, 'redis-passwords.json'), 'utf8'))).toEqual({
      'redis://127.10.0.10:6379': 'pa55word',
    });
    expect(await readFile(path.join(dir, 'prometheus.yml'), 'utf8')).not.toContain('pa55word');
    expect(JSON.parse(await readFile(path.join(dir, 'targets/sentinels.json'), 'utf8'))).toEqual([
      { targets: ['127.10.0.20:26379'], labels: { cluster: 'lab', kind: 'sentinel' } },
    ]);
  });

  it('fires each alert on the series a drill produces (promtool test rules)', async () => {
    expect(await tool('promtool', ['test', 'rules', 'redis-sentinel.rules.test.yml'])).toContain('SUCCESS');
  });
});

describe('monitoring services', () => {
  it('names the missing binaries with the apt command', async () => {
    const error = await findMonitoringBinaries(tmp).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingMonitoringBinariesError);
    expect((error as Error).message).toContain(
      'sudo apt-get install prometheus-redis-exporter prometheus-alertmanager prometheus',
    );
  });

  it('starts the services without the lab password or exporter settings in their environment', () => {
    expect(
      serviceEnv({
        PATH: '/usr/bin',
        HOME: '/root',
        REDIS_PASSWORD: 'x',
        REDIS_ADDR: 'redis://h',
        REDIS_EXPORTER_DEBUG: '1',
      }),
    ).toEqual({ PATH: '/usr/bin', HOME: '/root' });
  });

  it('prints the URLs, and which services are down', () => {
    const info = {
      dir: '/lab/monitoring',
      prometheusUrl: 'http://127.10.0.30:9090',
      alertmanagerUrl: 'http://127.10.0.30:9093',
      exporterUrl: 'http://127.10.0.30:9121',
      pids: { prometheus: 11, 'redis-exporter': 13 },
    };
    expect(formatMonitoringInfo(info)).toBe(
      'Monitoring: Prometheus http://127.10.0.30:9090, Alertmanager http://127.10.0.30:9093, redis_exporter http://127.10.0.30:9121',
    );
    expect(formatMonitoringStatus({ ...info, down: ['alertmanager'] })).toEqual([
      'monitoring:',
      '  prometheus    http://127.10.0.30:9090  (pid 11)',
      '  alertmanager  http://127.10.0.30:9093  (DOWN)',
      '  exporter      http://127.10.0.30:9121  (pid 13)',
    ]);
    expect(formatMonitoringStatus(undefined)).toEqual([]);
  });

  it('refuses to listen anywhere but loopback', async () => {
    await expect(
      startMonitoring({ stateDir: tmp, host: '0.0.0.0', redisNodes: [], sentinels: [] }),
    ).rejects.toThrow('lab monitoring listens on loopback only; 0.0.0.0 is not a 127.x.y.z address');
  });
});
