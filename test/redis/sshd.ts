/**
 * A real OpenSSH sshd on a loopback address for jump-host tests: its own host key, one authorized client
 * key, TCP forwarding allowed, run in the foreground and killed by pid in stop().
 *
 *   const sshd = await startSshd({ host: '127.40.5.100', port: 2222 });
 *   sshd.via            // "ssh://root@127.40.5.100:2222"  (the `via` var)
 *   sshd.clientKeyFile  // private key for via_key
 *   sshd.hostKey        // the host public key, SSH wire format (for known_hosts assertions)
 *   await sshd.stop();
 *
 * `user: 'nobody'` makes logins (and so every forwarded connection, which sshd opens as the logged-in
 * user) run as that uid: a firewall rule on `meta skuid` can then tell the tunnel's traffic from the test's.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requirePackages } from '../helpers/system.js';

const run = promisify(execFile);

export interface TestSshd {
  via: string;
  clientKeyFile: string;
  hostKey: Buffer;
  dir: string;
  stop(): Promise<void>;
}

async function keypair(file: string): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startSshd(options: {
  host: string;
  port: number;
  user?: string;
  /** Accept this existing client key (its private file; the .pub beside it) instead of a new one. */
  clientKeyFile?: string;
  /** More sshd_config lines, e.g. SetEnv PATH=… to give sessions fake commands. */
  extraConfig?: string[];
}): Promise<TestSshd> {
  requirePackages('openssh-server');
  const dir = await mkdtemp(join(tmpdir(), 'drillbook-sshd-'));
  const user = options.user ?? userInfo().username;
  // sshd reads authorized_keys as the logging-in user: another user must be able to get to it.
  if (options.user) await chmod(dir, 0o755);
  // sshd refuses to start without its privilege separation directory (systemd normally creates it).
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  await keypair(join(dir, 'host_key'));
  const clientKeyFile = options.clientKeyFile ?? join(dir, 'client_key');
  if (!options.clientKeyFile) await keypair(clientKeyFile);
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${clientKeyFile}.pub`));
  const config = [
    `Port ${options.port}`,
    `ListenAddress ${options.host}`,
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding yes',
    ...(options.extraConfig ?? []),
  ];
  await writeFile(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  while (!(await reachable(options.host, options.port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`sshd did not listen on ${options.host}:${options.port} (see ${dir})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const publicKey = (await readFile(join(dir, 'host_key.pub'), 'utf8')).split(' ')[1] ?? '';
  return {
    via: `ssh://${user}@${options.host}:${options.port}`,
    clientKeyFile,
    hostKey: Buffer.from(publicKey, 'base64'),
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
