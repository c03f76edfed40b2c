// The jump host a runbook provisions (droplets.ensure jump_host: true): what it publishes on DigitalOcean,
// on the loopback lab (direct, said so) and under --via; and that the run's tunnel then goes through it
// without --via, learning its host key on first contact (shown, never asked, never written to known_hosts).
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAction } from '../../src/actions/redis/index.js';
import { createTestContext, parsedAction } from '../../src/actions/test-context.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { startSshd, type TestSshd } from '../redis/sshd.js';
import { runDo, withEmulator } from './helpers.js';

const api = withEmulator();
let sshd: TestSshd;
let cluster: TestRedisCluster;

beforeAll(async () => {
  sshd = await startSshd({ host: '127.87.0.100', port: 2222 });
  cluster = await startRedisCluster({ subnet: '127.87.1' });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await sshd?.stop();
});

const jumpBody =
  'op: droplets.ensure\nnames: [jump]\nregion: nyc1\nsize: s-1vcpu-512mb-10gb\nimage: ubuntu-24-04-x64\ntags: [jump]\ninventory: false\njump_host: true';

describe('jump_host: true', () => {
  it('publishes ssh://root@<public ip>:22 on DigitalOcean, direct on the loopback lab, the override under --via', async () => {
    const real = await runDo(jumpBody, api.target);
    expect(real.outcome.ok, real.outcome.error).toBe(true);
    const published = real.t.published.find((p) => p.path === 'jump_host')?.value as Record<string, unknown>;
    expect(published).toMatchObject({
      name: 'jump',
      direct: false,
      via: expect.stringMatching(/^ssh:\/\/root@127\.200\.\d+\.\d+:22$/),
    });
    expect(real.t.published.some((p) => p.path.startsWith('inventory.'))).toBe(false);

    const lab = await runDo(jumpBody, { ...api.target, name: 'lab' });
    expect(lab.t.published.find((p) => p.path === 'jump_host')?.value).toMatchObject({
      via: '',
      direct: true,
    });
    expect(lab.t.output.map((o) => o.line)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^jump host jump: the loopback lab runs no sshd/)]),
    );

    const override = await runDo(jumpBody, api.target, { vars: { via: sshd.via } });
    expect(override.t.published.find((p) => p.path === 'jump_host')?.value).toMatchObject({ via: sshd.via });
    expect(override.t.output.map((o) => o.line)).toContain(
      `jump host jump: --via ${sshd.via} overrides jump`,
    );
  });

  it('later Redis steps tunnel through the provisioned jump host, its key learned on first contact', async () => {
    const knownHosts = join(sshd.dir, 'never-written');
    const t = createTestContext({
      results: { inventory: cluster.inventory, jump_host: { via: sshd.via, direct: false } },
      vars: { redis_password: cluster.password, via_key: sshd.clientKeyFile, via_known_hosts: knownHosts },
      secretVars: ['redis_password'],
    });
    try {
      const { spec, action } = parsedAction(redisAction, { attrs: { node: 'redis-1' }, body: 'ROLE' });
      const outcome = await redisAction.run(spec, { ...t.ctx, action: { ...t.ctx.action, ...action } });
      expect(outcome.ok, outcome.error).toBe(true);
      expect(t.confirmed).toEqual([]);
      expect(t.output.map((o) => o.line)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^jump host ssh:\/\/root@127\.87\.0\.100:2222: host key SHA256:\S+ learned on first contact/,
          ),
        ]),
      );
      await expect(access(knownHosts)).rejects.toThrow();
    } finally {
      await t.close();
    }
  });

  it('a changed key in known_hosts is still refused for a provisioned jump host', async () => {
    const changed = join(sshd.dir, 'known_hosts_changed');
    const other = Buffer.from(sshd.hostKey);
    other[other.length - 1] = (other[other.length - 1] ?? 0) ^ 0xff;
    await writeFile(changed, `[127.87.0.100]:2222 ssh-ed25519 ${other.toString('base64')}\n`);
    const t = createTestContext({
      results: { inventory: cluster.inventory, jump_host: { via: sshd.via, direct: false } },
      vars: { redis_password: cluster.password, via_key: sshd.clientKeyFile, via_known_hosts: changed },
      secretVars: ['redis_password'],
      confirms: [false],
    });
    try {
      const { spec, action } = parsedAction(redisAction, { attrs: { node: 'redis-1' }, body: 'PING' });
      const outcome = await redisAction.run(spec, { ...t.ctx, action: { ...t.ctx.action, ...action } });
      expect(outcome.error).toContain('HOST KEY CHANGED');
    } finally {
      await t.close();
    }
  });
});
