// The article's PHP Predis client (runbooks/app/predis-check.php) against a REAL Sentinel cluster, run the way
// the DR runbook runs it: an sh block with requires=php,php-predis and the Sentinels passed as environment —
// here (the loopback lab), and on=jump-host through a real sshd as the run's provisioned jump host, over the
// run's own SSH connection with the key ssh_key.ensure gave the droplets and the host key learned on first
// contact (no ssh binary, no known_hosts file).
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { shAction } from '../../src/actions/sh/index.js';
import { createTestContext, parsedAction } from '../../src/actions/test-context.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { requirePackages } from '../helpers/system.js';
import { startSshd, type TestSshd } from '../redis/sshd.js';

const RUNBOOKS = path.resolve(import.meta.dirname, '../../runbooks');
const BLOCK = {
  attrs: {
    requires: 'php,php-predis',
    env: 'S1=sentinels.droplets.sentinel-1.private_ip,S2=sentinels.droplets.sentinel-2.private_ip,S3=sentinels.droplets.sentinel-3.private_ip',
  },
  body: 'REDIS_SENTINELS="$S1:$SENTINEL_PORT,$S2:$SENTINEL_PORT,$S3:$SENTINEL_PORT" php app/predis-check.php\n',
};

let cluster: TestRedisCluster;
let tmp: string;
let jump: TestSshd;
/** A jump host whose sessions find no php: requires= must be judged there, not here. */
let bareJump: TestSshd;

beforeAll(async () => {
  requirePackages('php-cli', 'php-predis');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drillbook-predis-'));
  // Sentinels with a password of their own, as the DR runbook and the lab run them.
  cluster = await startRedisCluster({
    subnet: '127.70.2',
    sentinelPassword: `predis-sentinel-${process.pid}`,
  });
  jump = await startSshd({ host: '127.70.2.100', port: 2222 });
  const bareBin = path.join(tmp, 'bare-bin');
  await mkdir(bareBin);
  for (const tool of ['sh', 'bash']) await symlink(`/bin/${tool}`, path.join(bareBin, tool));
  bareJump = await startSshd({ host: '127.70.2.101', port: 2222, extraConfig: [`SetEnv PATH=${bareBin}`] });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await jump?.stop();
  await bareJump?.stop();
  await cluster?.stop();
  await rm(tmp, { recursive: true, force: true });
});

function sentinelResults() {
  const droplets: Record<string, { private_ip: string }> = {};
  for (const s of cluster.sentinels) droplets[s.name] = { private_ip: s.host };
  return { sentinels: { droplets } };
}

async function runCheck(expectMaster?: string, on?: TestSshd) {
  const block = on
    ? { attrs: { ...BLOCK.attrs, on: 'jump-host', files: 'app/predis-check.php' }, body: BLOCK.body }
    : BLOCK;
  const { spec, action } = parsedAction(shAction, block);
  const t = createTestContext({
    results: {
      ...sentinelResults(),
      ...(on
        ? {
            jump_host: { via: on.via, direct: false },
            ssh_key: { private_key: on.clientKeyFile },
          }
        : {}),
    },
    vars: {
      redis_password: cluster.password,
      sentinel_password: cluster.sentinelPassword as string,
      master_name: cluster.masterName,
      sentinel_port: String(cluster.sentinels[0]?.port),
      ...(expectMaster ? { expect_master: expectMaster } : {}),
    },
    secretVars: ['redis_password', 'sentinel_password'],
    runbook: { file: 'runbooks/redis-sentinel-digitalocean.md', baseDir: RUNBOOKS },
    action,
  });
  const outcome = await shAction.run(spec, t.ctx).finally(() => t.close());
  const stdout = t.output.filter((o) => o.stream === 'stdout').map((o) => o.line);
  const report = stdout.length ? JSON.parse(stdout.at(-1) as string) : undefined;
  return { outcome, report, t };
}

describe('predis-check.php through Sentinel', () => {
  it('reaches the master, round-trips the test key and the cached value, then follows a SENTINEL FAILOVER', async () => {
    const before = await cluster.currentMaster();
    const first = await runCheck(before);
    expect(first.outcome.error).toBeUndefined();
    expect(first.outcome.ok).toBe(true);
    expect(first.report).toMatchObject({
      server: before,
      role: 'master',
      value_ok: true,
      cache_ok: true,
      sentinels: 3,
    });

    const sentinel = await cluster.client('sentinel-1');
    await sentinel.call('SENTINEL', 'FAILOVER', cluster.masterName);
    let after = before;
    for (let i = 0; i < 200 && after === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await cluster.currentMaster();
    }
    expect(after).not.toBe(before);
    await cluster.waitHealthy();

    const second = await runCheck(after);
    expect(second.outcome.ok).toBe(true);
    expect(second.report).toMatchObject({ server: after, role: 'master', value_ok: true, cache_ok: true });

    // The script's own assertion: a stale expectation fails the block with the reason on stderr.
    const stale = await runCheck(before);
    expect(stale.outcome.ok).toBe(false);
    expect(stale.report).toMatchObject({ server: after, expected: before });
    expect(stale.outcome.error).toContain(`Predis reached ${after}, but the master should be ${before}`);

    // The password reaches PHP but never the output.
    const all = [...first.t.output, ...second.t.output, ...stale.t.output].map((o) => o.line).join('\n');
    expect(all).not.toContain(cluster.password);
    expect(all).not.toContain(cluster.sentinelPassword);
  });

  it('is skipped, not failed, with the install command when php is not on PATH', async () => {
    vi.stubEnv('PATH', tmp);
    try {
      const { outcome, t } = await runCheck();
      expect(outcome.ok).toBe(true);
      expect(outcome.summary).toBe(
        'skipped: needs php, php-predis — sudo apt-get install php-cli php-predis',
      );
      expect(outcome.data).toEqual({
        skipped: true,
        missing: ['php', 'php-predis'],
        install: 'sudo apt-get install php-cli php-predis',
      });
      expect(t.output.map((o) => o.line)).toContain(
        'php, php-predis not installed here; install with: sudo apt-get install php-cli php-predis (elsewhere: brew install php; composer require predis/predis)',
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('names only php-predis (and its package) when php is there but Predis is not', async () => {
    const fakePhp = path.join(tmp, 'php');
    await writeFile(fakePhp, '#!/bin/sh\nexit 1\n');
    await chmod(fakePhp, 0o755);
    vi.stubEnv('PATH', tmp);
    try {
      const { outcome } = await runCheck();
      expect(outcome).toMatchObject({
        ok: true,
        summary: 'skipped: needs php-predis — sudo apt-get install php-predis',
        data: { skipped: true, missing: ['php-predis'] },
      });
    } finally {
      vi.unstubAllEnvs();
      await rm(fakePhp);
    }
  });
});

describe("predis-check.php on the run's jump host (on=jump-host)", () => {
  it("runs there over the run's SSH connection with the provisioned key and the host key learned on first contact", async () => {
    const master = await cluster.currentMaster();
    const knownHosts = path.join(os.homedir(), '.ssh', 'known_hosts');
    const before = await readFile(knownHosts, 'utf8').catch(() => undefined);
    const { outcome, report, t } = await runCheck(master, jump);
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(report).toMatchObject({ server: master, role: 'master', value_ok: true, cache_ok: true });
    const info = t.output.filter((o) => o.stream === 'info').map((o) => o.line);
    expect(info).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^jump host ssh:\/\/root@127\.70\.2\.100:2222: host key SHA256:\S+ learned on first contact/,
        ),
        'running on the jump host ssh://root@127.70.2.100:2222',
      ]),
    );
    expect(t.confirmed).toEqual([]);
    // Learned for the run, not written into the operator's known_hosts.
    const after = await readFile(knownHosts, 'utf8').catch(() => undefined);
    expect(after).toBe(before);
    expect(t.output.map((o) => o.line).join('\n')).not.toContain(cluster.password);
  });

  it('checks requires= on the jump host and says there that it skipped', async () => {
    const { outcome, t } = await runCheck(undefined, bareJump);
    expect(outcome).toMatchObject({
      ok: true,
      summary:
        'skipped: needs php, php-predis on the jump host ssh://root@127.70.2.101:2222 — sudo apt-get install php-cli php-predis',
      data: {
        skipped: true,
        missing: ['php', 'php-predis'],
        on: 'the jump host ssh://root@127.70.2.101:2222',
      },
    });
    expect(t.output.map((o) => o.line)).toContain(
      'php, php-predis not installed on the jump host ssh://root@127.70.2.101:2222; install with: sudo apt-get install php-cli php-predis (elsewhere: brew install php; composer require predis/predis)',
    );
  });
});
