// `drillbook lab up|status|down` as a user runs them: a real CLI process (bundled from src), a detached
// emulator daemon, real redis processes on 127.33.0.0/24, state in a temp XDG_STATE_HOME.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { createApiClient } from 'dots-wrapper';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLabTarget } from '../../src/lab/index.js';
import { labDown } from '../../src/lab/lab-down.js';
import { bundleLabCli } from './cli-bundle.js';
import { killProcessesUnder, type LabCliResult, labStateDir, processesUnder, runLabCli } from './helpers.js';

const PASSWORD = 'cli-test-password-0123';
let state: { dir: string; remove: () => Promise<void> };
let cli: string;
let labDir: string;

function lab(...args: string[]): Promise<LabCliResult> {
  return labWith({}, ...args);
}

function labWith(extraEnv: Record<string, string>, ...args: string[]): Promise<LabCliResult> {
  const env = { REDIS_PASSWORD: PASSWORD, ...extraEnv };
  return runLabCli({ cli, stateHome: state.dir, env, timeoutMs: 120_000 }, ...args);
}

/** The Sentinel password lab up generated (no SENTINEL_PASSWORD given), from the 0600 lab.json. */
async function sentinelPassword(): Promise<string> {
  return JSON.parse(await readFile(path.join(labDir, 'lab.json'), 'utf8')).sentinelPassword;
}

/** Listens on address:port the way another program would, until closed. */
async function squat(address: string, port: number): Promise<{ close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, address, resolve));
  return {
    close: () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      return closed.then(() => undefined);
    },
  };
}

async function daemonToken(): Promise<{ url: string; token: string; pid: number }> {
  return JSON.parse(await readFile(path.join(labDir, 'daemon.json'), 'utf8'));
}

beforeAll(async () => {
  state = labStateDir('drillbook-lab-cli-');
  labDir = path.join(state.dir, 'drillbook', 'lab');
  cli = await bundleLabCli('cli-test');
});

afterAll(async () => {
  await labDown(labDir).catch(() => {});
  await killProcessesUnder(state.dir);
  await state.remove();
  await rm(cli, { force: true });
});

describe('drillbook lab', () => {
  it('status says no lab is running, and exits 1', async () => {
    const result = await lab('status');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('No lab is running');
  });

  it('usage errors exit 2 and say what was wrong', async () => {
    const unknown = await lab('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command frobnicate (image, up, status, down)');
    const badNumber = await lab('up', '--replicas', 'two');
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('--replicas two: expected a whole number');
    // Values that parse but cannot be used are the operator's input too: exit 2, nothing started or saved.
    for (const [args, message] of [
      [['--replicas', '0'], '--replicas must be a whole number from 1 to'],
      [['--replicas', '10'], '--replicas must be a whole number from 1 to'],
      [['--ip-range', '10.0.0.0/24'], 'lab ip range 10.0.0.0/24 must be a loopback network'],
      [['--ip-range', '127.33.0.0/8'], 'lab ip range 127.33.0.0/8 must be a loopback network'],
      [['--down-after', '5'], '--down-after must be a whole number of milliseconds, at least 100'],
    ] as const) {
      const refused = await lab('up', ...args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toContain(message);
    }
    expect(existsSync(path.join(labDir, 'lab.json'))).toBe(false);
    expect(existsSync(path.join(labDir, 'daemon.json'))).toBe(false);
    expect(await processesUnder(state.dir)).toEqual([]);
  });

  it('up without redis binaries says how to install them and starts nothing', async () => {
    const bin = path.join(state.dir, 'bin-without-redis');
    await mkdir(bin);
    const result = await labWith({ PATH: bin }, 'up', '--ip-range', '127.33.0.0/24');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the lab needs redis-server and redis-sentinel, not found on PATH');
    expect(result.stderr).toContain('sudo apt-get install redis-server redis-sentinel');
    expect(result.stderr).toContain('brew install redis');
    await rm(bin, { recursive: true });
    expect(await processesUnder(state.dir)).toEqual([]);
    expect(existsSync(path.join(labDir, 'daemon.json'))).toBe(false);
  });

  it('an up whose emulator cannot start keeps no settings', async () => {
    const entry = path.join(state.dir, 'daemon-that-exits.mjs');
    await writeFile(entry, 'process.exit(3);\n');
    const result = await labWith({ DRILLBOOK_LAB_DAEMON_ENTRY: entry }, 'up', '--ip-range', '127.33.0.0/24');
    await rm(entry);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the lab daemon exited with code 3');
    expect(existsSync(path.join(labDir, 'lab.json'))).toBe(false);
    expect(existsSync(path.join(labDir, 'daemon.json'))).toBe(false);
    expect(await processesUnder(state.dir)).toEqual([]);
  });

  it('an up that fails part-way (a droplet address taken) stops the emulator and every process, keeps no settings', async () => {
    const squatter = await squat('127.33.0.11', 6379);
    try {
      const result = await lab('up', '--ip-range', '127.33.0.0/24', '--down-after', '1000');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('127.33.0.11:6379 is already in use');
    } finally {
      await squatter.close();
    }
    // The master had started and the emulator was running: both are gone, and so is the state.
    expect(await processesUnder(state.dir)).toEqual([]);
    expect(existsSync(path.join(labDir, 'lab.json'))).toBe(false);
    expect(existsSync(path.join(labDir, 'daemon.json'))).toBe(false);
  });

  it('an up that fails on an emulator a runbook started keeps that emulator and its droplets, not its own', async () => {
    process.env.DRILLBOOK_LAB_DAEMON_ENTRY = cli;
    const target = await resolveLabTarget({ stateDir: labDir }).finally(() => {
      delete process.env.DRILLBOOK_LAB_DAEMON_ENTRY;
    });
    const client = createApiClient({ endpoint: target.apiUrl, token: target.token });
    const mine = { name: 'runbook-node', region: 'nyc1', size: 's-1vcpu-1gb', image: 'ubuntu-24-04-x64' };
    await client.droplet.createDroplet(mine);
    const squatter = await squat('127.33.0.11', 6379);
    try {
      const result = await lab('up', '--ip-range', '127.33.0.0/24', '--down-after', '1000');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('reusing the lab emulator');
    } finally {
      await squatter.close();
    }
    const { droplets } = (await client.droplet.listDroplets({ per_page: 200 })).data;
    expect(droplets.map((d) => d.name)).toEqual(['runbook-node']);
    expect(existsSync(path.join(labDir, 'lab.json'))).toBe(false);
    // Only the emulator itself is left: the lab's own droplets' processes are gone.
    expect(await processesUnder(state.dir)).toHaveLength(1);
    await labDown(labDir);
    expect(await processesUnder(state.dir)).toEqual([]);
  });

  it('up ignores a stale daemon.json, provisions through the daemon and waits for a healthy cluster', async () => {
    await mkdir(labDir, { recursive: true });
    await writeFile(
      path.join(labDir, 'daemon.json'),
      JSON.stringify({
        url: 'http://127.0.0.1:9/v2',
        pid: process.pid,
        token: 'stale',
        ipRange: '127.33.0.0/24',
      }),
    );
    const result = await lab('up', '--ip-range', '127.33.0.0/24', '--down-after', '1000', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    expect(report.daemonStarted).toBe(true);
    expect(report.health.healthy).toBe(true);
    expect(
      report.droplets.map((d: { name: string; privateIp: string }) => `${d.name}@${d.privateIp}`),
    ).toEqual([
      'redis-1@127.33.0.10',
      'redis-2@127.33.0.11',
      'sentinel-1@127.33.0.20',
      'sentinel-2@127.33.0.21',
      'sentinel-3@127.33.0.22',
    ]);
    const { token } = await daemonToken();
    expect(result.stdout).not.toContain(token);
    expect(result.stdout).not.toContain(PASSWORD);
    // The Sentinels got a generated password of their own, kept only in the 0600 lab.json.
    expect(await sentinelPassword()).toMatch(/^[\w-]{32}$/);
    expect(result.stdout).not.toContain(await sentinelPassword());
    for (const file of ['daemon.json', 'lab.json', 'emulator.json']) {
      expect((await stat(path.join(labDir, file))).mode & 0o777).toBe(0o600);
    }
  });

  it('status reports roles, links and Sentinel views, and the password only when asked', async () => {
    const result = await lab('status', '--json');
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.password).toBeUndefined();
    const byName = Object.fromEntries(
      status.droplets.map((d: { name: string; services: unknown[] }) => [d.name, d.services[0]]),
    );
    expect(byName['redis-1'].node).toMatchObject({ role: 'master', connectedReplicas: 1 });
    expect(byName['redis-2'].node).toMatchObject({ role: 'replica', linkUp: true });
    expect(byName['sentinel-3'].sentinel).toMatchObject({
      masterAddress: '127.33.0.10:6379',
      quorumOk: true,
    });
    const text = await lab('status');
    expect(text.stdout).toContain('127.33.0.11:6379 replica of 127.33.0.10:6379, link up');
    expect(text.stdout).not.toContain(PASSWORD);
    expect(text.stdout).not.toContain(await sentinelPassword());
    expect(JSON.stringify(status)).not.toContain(await sentinelPassword());
    const shown = await lab('status', '--show-password');
    expect(shown.stdout).toContain(`Redis password: ${PASSWORD}`);
    expect(shown.stdout).toContain(`Sentinel password: ${await sentinelPassword()}`);
  });

  it("a second up refuses a SENTINEL_PASSWORD other than the running lab's, or one that cannot be written", async () => {
    const other = await labWith({ SENTINEL_PASSWORD: 'another-sentinel-password' }, 'up');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      'SENTINEL_PASSWORD differs from the password the running lab was built with; run `drillbook lab down` first, or unset it',
    );
    const spaced = await labWith({ SENTINEL_PASSWORD: 'two words' }, 'up');
    expect(spaced.code).toBe(1);
    expect(spaced.stderr).toContain('SENTINEL_PASSWORD must be one word');
    for (const result of [other, spaced]) expect(result.stderr).not.toContain(await sentinelPassword());
  });

  it('a second up repairs the lab (a dead process restarted, a deleted droplet re-created) and applies new timing', async () => {
    const { url, token } = await daemonToken();
    const client = createApiClient({ endpoint: url, token });
    const { droplets } = (await client.droplet.listDroplets({ per_page: 200 })).data;
    const replica = droplets.find((d) => d.name === 'redis-2');
    await client.droplet.deleteDroplet({ droplet_id: replica?.id as number });
    const pidfile = path.join(labDir, 'droplets/sentinel-2/run/sentinel/redis-sentinel.pid');
    process.kill(Number(await readFile(pidfile, 'utf8')), 'SIGKILL');
    const result = await lab('up', '--down-after', '1500', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.daemonStarted).toBe(false);
    expect(report.settings).toMatchObject({ downAfterMs: 1500, failoverTimeoutMs: 10_000 });
    for (const host of ['127.33.0.20', '127.33.0.21', '127.33.0.22']) {
      const sentinel = new Redis({
        host,
        port: 26379,
        password: await sentinelPassword(),
        lazyConnect: true,
        retryStrategy: () => null,
      });
      sentinel.on('error', () => {});
      try {
        await sentinel.connect();
        const fields = (await sentinel.call('SENTINEL', 'MASTER', 'mymaster')) as string[];
        expect(fields[fields.indexOf('down-after-milliseconds') + 1]).toBe('1500');
      } finally {
        sentinel.disconnect();
      }
    }
    const actions = Object.fromEntries(
      report.droplets.map((d: { name: string; action: string }) => [d.name, d.action]),
    );
    expect(actions).toEqual({
      'redis-1': 'kept',
      'redis-2': 'created',
      'sentinel-1': 'kept',
      'sentinel-2': 'restarted',
      'sentinel-3': 'kept',
    });
  });

  it('down stops every process and leaves no file', async () => {
    const result = await lab('down');
    expect(result.code).toBe(0);
    expect(await processesUnder(state.dir)).toEqual([]);
    expect(await readdir(state.dir)).toEqual([]);
  });

  it('resolveLabTarget starts one emulator daemon without provisioning anything', async () => {
    process.env.DRILLBOOK_LAB_DAEMON_ENTRY = cli;
    try {
      // Two callers at once (a runbook and `lab up`, say) share one daemon.
      const [target, concurrent] = await Promise.all([
        resolveLabTarget({ stateDir: labDir }),
        resolveLabTarget({ stateDir: labDir }),
      ]);
      expect(concurrent.apiUrl).toBe(target.apiUrl);
      expect(await processesUnder(labDir)).toHaveLength(1);
      expect(target).toMatchObject({ name: 'lab', lab: { stateDir: labDir } });
      const client = createApiClient({ endpoint: target.apiUrl, token: target.token });
      expect((await client.droplet.listDroplets({})).data.droplets).toEqual([]);
      const again = await resolveLabTarget({ stateDir: labDir });
      expect(again.apiUrl).toBe(target.apiUrl);
    } finally {
      delete process.env.DRILLBOOK_LAB_DAEMON_ENTRY;
      await labDown(labDir);
    }
    expect(await processesUnder(state.dir)).toEqual([]);
  });
});
