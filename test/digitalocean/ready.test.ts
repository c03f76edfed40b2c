// droplets.ready: cloud-init waited for over SSH through the jump host. Real sshds stand in for the jump host
// (127.86.0.100:2222) and for two droplets' port 22 (their private addresses); each droplet sshd puts a fake
// `cloud-init` (and `tail`) first on the session PATH: one reports done, the other an error.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { startSshd, type TestSshd } from '../redis/sshd.js';
import { runDo, withEmulator } from './helpers.js';

const api = withEmulator();
let jump: TestSshd;
const nodes: TestSshd[] = [];
const bin = tempDir('drillbook-ready-bin-');

async function fakeCommands(dir: string, status: 'done' | 'error'): Promise<void> {
  const cloudInit = join(dir, 'cloud-init');
  await writeFile(
    cloudInit,
    status === 'done' ? '#!/bin/sh\necho "status: done"\n' : '#!/bin/sh\necho "status: error"\nexit 1\n',
  );
  const tail = join(dir, 'tail');
  await writeFile(tail, '#!/bin/sh\necho "E: Unable to locate package redis-server"\n');
  await chmod(cloudInit, 0o755);
  await chmod(tail, 0o755);
}

beforeAll(async () => {
  const vpc = await runDo(
    'op: vpc.ensure\nname: ready-vpc\nregion: nyc1\nip_range: 10.86.0.0/24\nif_default: accept',
    api.target,
  );
  expect(vpc.outcome.ok, vpc.outcome.error).toBe(true);
  const droplets = await runDo(
    'op: droplets.ensure\nnames: [node-ok, node-bad]\nregion: nyc1\nsize: s-1vcpu-1gb\nimage: ubuntu-24-04-x64\nvpc: ready-vpc\ntags: [ready]\ninventory: false',
    api.target,
  );
  expect(droplets.outcome.ok, droplets.outcome.error).toBe(true);
  jump = await startSshd({ host: '127.86.0.100', port: 2222 });
  for (const [name, status] of [
    ['node-ok', 'done'],
    ['node-bad', 'error'],
  ] as const) {
    const dir = join(bin, name);
    await mkdir(dir);
    await fakeCommands(dir, status);
    const host = (droplets.outcome.data as { droplets: Record<string, { private_ip: string }> }).droplets[
      name
    ]?.private_ip as string;
    nodes.push(
      await startSshd({
        host,
        port: 22,
        clientKeyFile: jump.clientKeyFile,
        extraConfig: [`SetEnv PATH=${dir}:/usr/bin:/bin`],
      }),
    );
  }
  await writeFile(
    join(jump.dir, 'known_hosts'),
    `[127.86.0.100]:2222 ssh-ed25519 ${jump.hostKey.toString('base64')}\n`,
  );
}, 60_000);

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await jump?.stop();
});

const vars = () => ({
  via: jump.via,
  via_key: jump.clientKeyFile,
  via_known_hosts: join(jump.dir, 'known_hosts'),
});

describe('droplets.ready', () => {
  it('waits for cloud-init on each droplet over SSH through the jump host', async () => {
    const run = await runDo('op: droplets.ready\nnames: [node-ok]', api.target, { vars: vars() });
    expect(run.outcome.ok, run.outcome.error).toBe(true);
    expect(run.outcome.summary).toBe(
      'cloud-init done on 1 droplets (checked via ssh://root@127.86.0.100:2222)',
    );
    expect(run.t.output.map((o) => o.line)).toContain('node-ok (127.86.0.10): status: done');
    await run.t.close();
  });

  it('names the droplet whose cloud-init failed and shows the tail of its log', async () => {
    const run = await runDo('op: droplets.ready\nnames: [node-ok, node-bad]', api.target, { vars: vars() });
    expect(run.outcome.ok).toBe(false);
    expect(run.outcome.error).toContain('cloud-init did not finish cleanly on 1 of 2 droplets:');
    expect(run.outcome.error).toContain(
      'node-bad (127.86.0.11): cloud-init status exited 1 (status: error); last lines of /var/log/cloud-init-output.log:\nE: Unable to locate package redis-server',
    );
    await run.t.close();
  });

  it('waits for a new jump host whose public side accepts and drops SSH until its sshd is up', async () => {
    // As the container lab's public forwarder does (and a booting droplet's port, one hop later): the
    // connection is accepted, then dropped before any SSH banner — "Connection lost before handshake".
    const dropper = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropper.listen(2222, '127.86.0.101', resolve));
    let late: TestSshd | undefined;
    const sshdComesUp = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await new Promise((resolve) => dropper.close(resolve));
      late = await startSshd({ host: '127.86.0.101', port: 2222, clientKeyFile: jump.clientKeyFile });
    })();
    try {
      const run = await runDo('op: droplets.ready\nnames: [node-ok]', api.target, {
        results: {
          jump_host: { via: 'ssh://root@127.86.0.101:2222', direct: false },
          ssh_key: { private_key: jump.clientKeyFile },
        },
      });
      expect(run.outcome.ok, run.outcome.error).toBe(true);
      expect(run.outcome.summary).toBe(
        'cloud-init done on 1 droplets (checked via ssh://root@127.86.0.101:2222)',
      );
      await run.t.close();
    } finally {
      await sshdComesUp;
      await late?.stop();
    }
  });

  it('without a jump host on DigitalOcean, says how to get one', async () => {
    const run = await runDo('op: droplets.ready\nnames: [node-ok]', api.target);
    expect(run.outcome.error).toMatch(/needs SSH to the droplets: provision a jump host first/);
  });
});
