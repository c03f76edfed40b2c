// The DR runbook headless with --target digitalocean, pointed (DIGITALOCEAN_API_URL) at the lab's emulator
// daemon, whose droplets are real redis-server/redis-sentinel processes: SSH key upload, VPC, jump host,
// nodes, firewalls, both drills through a real sshd bastion (--via, which overrides the provisioned jump
// host the way an operator's own bastion would), then a second run that adopts everything and creates
// nothing, and a teardown that wins DigitalOcean's 403 race on the VPC. The region already has its
// default VPC (as most accounts do), so the runbook's VPC is an ordinary, deletable one. The emulator's
// droplets run no sshd, so real sshds on their private addresses (127.84.0.10–15:22, the lab's allocation
// order) answer the cloud-init wait with a fake `cloud-init status` that reports done.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/contract/events.js';
import { resolveLabTarget } from '../../src/lab/index.js';
import {
  buildCli,
  cliPath,
  failures,
  removeCli,
  removeLabState,
  runCli,
  stepStatuses,
  tempStateHome,
} from '../e2e/run-cli.js';
import { startSshd, type TestSshd } from '../redis/sshd.js';

const runbook = 'runbooks/redis-sentinel-digitalocean.md';
let stateHome: string;
let sshd: TestSshd;
let api: { url: string; token: string };
const droplets: TestSshd[] = [];
let fakeBin: string;

beforeAll(async () => {
  await buildCli();
  stateHome = tempStateHome('drillbook-do-emulator-');
  sshd = await startSshd({ host: '127.85.0.100', port: 2222 });
  // The emulator daemon runs from the same bundle as the CLI runs below.
  process.env.DRILLBOOK_LAB_DAEMON_ENTRY = cliPath();
  const lab = await resolveLabTarget({ stateDir: join(stateHome, 'drillbook', 'lab') });
  api = { url: lab.apiUrl, token: lab.token };
  const home = await fetch(`${api.url}/vpcs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'nyc1-home', region: 'nyc1', ip_range: '10.99.0.0/24' }),
  });
  expect(home.status).toBe(201);
  fakeBin = await mkdtemp(join(tmpdir(), 'drillbook-fake-cloud-init-'));
  await writeFile(join(fakeBin, 'cloud-init'), '#!/bin/sh\necho "status: done"\n', { mode: 0o755 });
  for (let host = 10; host <= 15; host++) {
    droplets.push(
      await startSshd({
        host: `127.84.0.${host}`,
        port: 22,
        clientKeyFile: sshd.clientKeyFile,
        extraConfig: [`SetEnv PATH=${fakeBin}:/usr/bin:/bin`],
      }),
    );
  }
  // The operator's own bastion is vouched for by their known_hosts.
  await writeFile(
    join(sshd.dir, 'known_hosts'),
    `[127.85.0.100]:2222 ssh-ed25519 ${sshd.hostKey.toString('base64')}\n`,
  );
}, 120_000);

afterAll(async () => {
  for (const droplet of droplets) await droplet.stop();
  if (fakeBin) await rm(fakeBin, { recursive: true, force: true });
  await sshd?.stop();
  if (stateHome) await removeLabState(stateHome);
  removeCli();
}, 60_000);

function run(args: string[]) {
  return runCli(
    [
      'run',
      runbook,
      '--target',
      'digitalocean',
      '--yes',
      '--allow-destroy',
      '--json',
      '--via',
      sshd.via,
      ...[
        'down_after_ms=1000',
        'failover_timeout_ms=6000',
        'vpc_range=10.84.0.0/24',
        'admin_cidr=127.0.0.1/32',
        `ssh_key=${sshd.clientKeyFile}.pub`,
        `via_key=${sshd.clientKeyFile}`,
        `via_known_hosts=${join(sshd.dir, 'known_hosts')}`,
      ].flatMap((v) => ['--var', v]),
      ...args,
    ],
    {
      stateHome,
      // TMPDIR inside the state home: the PHP client's per-run known_hosts for the bastion is removed with it.
      env: { DIGITALOCEAN_API_URL: api.url, DIGITALOCEAN_ACCESS_TOKEN: api.token, TMPDIR: stateHome },
      timeoutMs: 400_000,
    },
  );
}

function finished(events: readonly EngineEvent[], id: string): Record<string, unknown> | undefined {
  const event = events.find((e) => e.type === 'action.finished' && e.id === id);
  return event && event.type === 'action.finished' ? (event.data as Record<string, unknown>) : undefined;
}

const allOutput = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'action.output' ? [e.line] : []));

async function stepIds(): Promise<string[]> {
  const { loadRunbook } = await import('../../src/runbook/parse.js');
  const { actionKinds } = await import('../../src/actions/registry.js');
  const loaded = await loadRunbook(join(process.cwd(), runbook), { kinds: actionKinds });
  if (!loaded.runbook) throw new Error(`${runbook} does not parse`);
  return loaded.runbook.steps.map((step) => step.id);
}

describe('the DR runbook with --target digitalocean against the emulator', () => {
  it('provisions and drills through the bastion; a second run adopts everything and tears down past the 403', async () => {
    const ids = await stepIds();
    const teardown = ids.at(-1) as string;
    const first = await run(ids.slice(0, -1).flatMap((id) => ['--only', id]));
    expect(first.code, failures(first)).toBe(0);
    expect(Object.values(stepStatuses(first.events)).filter((s) => s !== 'passed')).toEqual([]);
    expect(stepStatuses(first.events)[teardown]).toBeUndefined();
    expect(finished(first.events, 'ssh_key')).toMatchObject({ created: true });
    expect(finished(first.events, 'vpc')).toMatchObject({ created: true, default: false });
    expect(finished(first.events, 'jump')).toMatchObject({ created: ['redis-dr-jump'] });
    expect(finished(first.events, 'ready')).toMatchObject({ via: sshd.via });
    // Every Redis/Sentinel step went through the bastion; the PHP client ran on it.
    expect(allOutput(first.events)).toEqual(
      expect.arrayContaining([expect.stringContaining(`--via ${sshd.via} overrides redis-dr-jump`)]),
    );

    const second = await run([]);
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
    expect(allOutput(second.events)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^VPC redis-dr-vpc not deletable yet \(403: /)]),
    );
    expect(
      second.events.find((e) => e.type === 'action.finished' && e.summary === 'VPC redis-dr-vpc deleted'),
    ).toBeDefined();
    const droplets = await fetch(`${api.url}/droplets`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(((await droplets.json()) as { droplets: unknown[] }).droplets).toEqual([]);
    const vpcs = await fetch(`${api.url}/vpcs`, { headers: { authorization: `Bearer ${api.token}` } });
    expect(((await vpcs.json()) as { vpcs: Array<{ name: string }> }).vpcs.map((v) => v.name)).toEqual([
      'nyc1-home',
    ]);
    const firewalls = await fetch(`${api.url}/firewalls`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(((await firewalls.json()) as { firewalls: unknown[] }).firewalls).toEqual([]);
  }, 900_000);
});
