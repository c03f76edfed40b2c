// The DR runbook headless, end to end, in the container lab: droplets are systemd-nspawn machines booted by
// real cloud-init on a VPC the host cannot reach, so every Redis/Sentinel step, the drills' probes and the
// PHP client can only work through the jump host the runbook provisions (the lab's connection layer refuses
// any private address from the host). Two runs on one lab, as an operator would do it:
//   1. `--target lab --lab-mode container`: provisions (SSH key, VPC, jump host, nodes, firewalls), waits
//      for cloud-init through the jump host, verifies, runs the three drills and the PHP client on the
//      jump host — everything but the teardown;
//   2. `--target digitalocean` pointed at the same lab's emulator (DIGITALOCEAN_API_URL, the code path of a
//      real account: admin_cidr and ssh_key given, no lab defaults): adopts everything and creates nothing,
//      crashes the master again (Drill 1 alone: the planned drills cross the same connections and would
//      only repeat run 1 for a minute), and tears down past the VPC's 403 ("still has members").
// Run 1 asks for --monitoring: a monitoring droplet joins the runbook's VPC once its cluster is up, and the
// runbook's Prometheus/Alertmanager checks run against it (the droplet is deleted when run 1 ends).
// The region already has its default VPC (as most accounts do), so the runbook's VPC is an ordinary,
// deletable one. Short drill timings through the runbook's own variables keep it to a few minutes.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetInfo } from '../../../src/contract/action.js';
import type { EngineEvent } from '../../../src/contract/events.js';
import { ensureImage } from '../../../src/lab/container/image.js';
import { PUBLIC_SIDE_GATEWAY } from '../../../src/lab/container/netns.js';
import { resolveLabTarget } from '../../../src/lab/index.js';
import {
  buildCli,
  cliPath,
  failures,
  removeCli,
  removeLabState,
  runCli,
  stepIds,
  stepStatuses,
  tempStateHome,
} from '../../e2e/run-cli.js';

const runbook = 'runbooks/redis-sentinel-digitalocean.md';
const timings = ['down_after_ms=1000', 'failover_timeout_ms=6000'];
// Generated secrets are kept per runbook and target: the digitalocean run adopts the cluster the lab run
// built, so both are given the passwords it was built with, as an operator would with --var.
const passwords = [
  `redis_password=dr-redis-${process.pid}-0123456789`,
  `sentinel_password=dr-sentinel-${process.pid}-0123456789`,
];
// Not the range's .30, which a loopback lab's monitoring (another test file's) may hold.
const monitoringHost = '127.10.0.130';
let stateHome: string;
let labDir: string;
let api: TargetInfo;

beforeAll(async () => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new Error(
      'the container lab needs root on Linux (systemd-nspawn, network namespaces); CI runs it as root',
    );
  }
  await ensureImage();
  await buildCli();
  stateHome = tempStateHome('drillbook-container-dr-');
  labDir = join(stateHome, 'drillbook', 'lab');
  process.env.DRILLBOOK_LAB_DAEMON_ENTRY = cliPath();
  api = await resolveLabTarget({ stateDir: labDir, mode: 'container' });
  const home = await call('POST', '/vpcs', { name: 'nyc1-home', region: 'nyc1', ip_range: '10.99.0.0/24' });
  expect(home.status).toBe(201);
}, 400_000);

afterAll(async () => {
  if (stateHome) await removeLabState(stateHome);
  removeCli();
}, 120_000);

function call(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${api.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

async function listed<T>(path: string, key: string): Promise<T[]> {
  return ((await (await call('GET', path)).json()) as Record<string, T[]>)[key] ?? [];
}

function run(target: string[], vars: string[], steps: string[] = [], env: Record<string, string> = {}) {
  return runCli(
    [
      'run',
      runbook,
      ...target,
      '--yes',
      '--allow-destroy',
      '--json',
      ...[...timings, ...passwords, ...vars].flatMap((v) => ['--var', v]),
      ...steps,
    ],
    { stateHome, env, timeoutMs: 420_000 },
  );
}

function finished(events: readonly EngineEvent[], id: string): Record<string, unknown> | undefined {
  const event = events.find((e) => e.type === 'action.finished' && e.id === id);
  return event && event.type === 'action.finished' ? (event.data as Record<string, unknown>) : undefined;
}

function outputOf(events: readonly EngineEvent[], step?: string): string[] {
  return events.flatMap((e) => (e.type === 'action.output' && (!step || e.step === step) ? [e.line] : []));
}

describe('the DR runbook in the container lab', () => {
  it('runs through the jump host it provisions with --target lab, then --target digitalocean adopts it, drills and tears down past the 403', async () => {
    const ids = await stepIds(runbook);
    const teardown = ids.at(-1) as string;

    const first = await run(
      ['--target', 'lab', '--lab-mode', 'container', '--monitoring-host', monitoringHost],
      [`prometheus_url=http://${monitoringHost}:9090`, `alertmanager_url=http://${monitoringHost}:9093`],
      ids.slice(0, -1).flatMap((id) => ['--only', id]),
    );
    expect(first.code, failures(first)).toBe(0);
    expect(Object.values(stepStatuses(first.events)).filter((s) => s !== 'passed')).toEqual([]);
    expect(stepStatuses(first.events)[teardown]).toBeUndefined();
    expect(finished(first.events, 'ssh_key')).toMatchObject({ created: true });
    expect(finished(first.events, 'vpc')).toMatchObject({ created: true, default: false });
    expect(finished(first.events, 'jump')).toMatchObject({ created: ['redis-dr-jump'] });
    const jump = first.events.flatMap((e) => (e.type === 'action.output' ? [e.line] : []));
    const via = /later Redis and Sentinel steps go through (ssh:\/\/root@127\.200\.\d+\.\d+:22)/.exec(
      jump.join('\n'),
    )?.[1];
    expect(via, 'the jump host is reached on its public (loopback-forwarded) address').toBeDefined();
    // The tunnel names the jump host without the default port.
    const label = via?.replace(/:22$/, '');
    expect(finished(first.events, 'ready')).toMatchObject({ via: label });
    expect(jump).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^jump host ssh:\/\/root@127\.200\.\S+ host key SHA256:\S+ learned on first contact/,
        ),
      ]),
    );
    // The PHP client ran on the jump host (not skipped), and reached the master inside the VPC.
    for (const id of ['php_before', 'php_after', 'php_before2', 'php_after2']) {
      const data = finished(first.events, id) as {
        skipped?: boolean;
        json?: { server?: string; role?: string };
      };
      expect(data?.skipped, id).toBeUndefined();
      expect(data?.json, id).toMatchObject({
        role: 'master',
        server: expect.stringMatching(/^10\.10\.0\.\d+:6379$/),
      });
    }
    // Monitoring ran on a droplet run --monitoring added to the runbook's VPC: Prometheus saw every node up
    // and the failovers fired their alerts (none of these checks skipped as unreachable).
    for (const id of ['scraped', 'failover_alert', 'link_recovered', 'failover_alert2']) {
      const data = finished(first.events, id);
      expect(data?.skipped, `${id}: ${data?.reason} (${data?.url})\n${failures(first)}`).toBeUndefined();
    }
    const alerts = finished(first.events, 'failover_alert')?.json as
      | Array<{ labels: { alertname: string }; status: { state: string } }>
      | undefined;
    expect(alerts?.[0]).toMatchObject({
      labels: { alertname: 'RedisMasterChanged' },
      status: { state: 'active' },
    });
    expect(outputOf(first.events, 'connect-the-way-the-application-does')).toContain(
      `running on the jump host ${label}`,
    );

    // The same runbook against the same emulator as a real account: nothing created, Drill 1, teardown.
    const drill2 = ids.indexOf('drill-2-forced-failover');
    if (drill2 < 0)
      throw new Error(`${runbook} has no step drill-2-forced-failover to stop the second run before`);
    const afterDrill1 = ids.slice(drill2, -1);
    const second = await run(
      ['--target', 'digitalocean'],
      [`admin_cidr=${PUBLIC_SIDE_GATEWAY}/32`, `ssh_key=${join(labDir, 'ssh', 'id_ed25519.pub')}`],
      ids.filter((id) => !afterDrill1.includes(id)).flatMap((id) => ['--only', id]),
      { DIGITALOCEAN_API_URL: api.apiUrl, DIGITALOCEAN_ACCESS_TOKEN: api.token as string },
    );
    expect(second.code, failures(second)).toBe(0);
    expect(Object.values(stepStatuses(second.events)).filter((s) => s !== 'passed')).toEqual([]);
    expect(finished(second.events, 'ssh_key')).toMatchObject({ created: false });
    expect(finished(second.events, 'vpc')).toMatchObject({ created: false });
    for (const id of ['jump', 'master', 'replica', 'sentinels']) {
      expect(finished(second.events, id), id).toMatchObject({ created: [] });
    }
    for (const id of ['jump_firewall', 'firewall']) {
      expect(finished(second.events, id), id).toMatchObject({ outcome: 'unchanged' });
    }
    expect(finished(second.events, 'ready')).toMatchObject({ via: label });
    expect(afterDrill1.map((id) => stepStatuses(second.events)[id])).toEqual(
      afterDrill1.map(() => undefined),
    );
    expect(finished(second.events, 'php_before2')).toMatchObject({ json: { role: 'master' } });
    expect(outputOf(second.events)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^VPC redis-dr-vpc not deletable yet \(403: /)]),
    );
    expect(
      second.events.find((e) => e.type === 'action.finished' && e.summary === 'VPC redis-dr-vpc deleted'),
    ).toBeDefined();
    expect(await listed('/droplets', 'droplets')).toEqual([]);
    expect(await listed('/firewalls', 'firewalls')).toEqual([]);
    expect((await listed<{ name: string }>('/vpcs', 'vpcs')).map((v) => v.name)).toEqual(['nyc1-home']);
  }, 900_000);
});
