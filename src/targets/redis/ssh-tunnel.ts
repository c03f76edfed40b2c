// Reaching VPC-private addresses through an SSH jump host (`via=ssh://user@bastion[:port]`): one SSH
// connection per run, one local listener per remote address, each accepted socket forwarded with
// direct-tcpip. The host key is checked against known_hosts; an unknown key is shown to the operator.
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { ClientChannel, ConnectConfig } from 'ssh2';
import type { ActionContext } from '../../contract/action.js';
import { checkReach, type HostReach, hostReach } from '../host-guard.js';
import { checkHostKey, fingerprint, knownHostsName, rememberHostKey } from './known-hosts.js';

export interface JumpHost {
  user: string;
  host: string;
  port: number;
}

/** ssh://user@host[:port] → JumpHost; throws a message saying how to write it. */
export function parseVia(text: string): JumpHost {
  const match = /^ssh:\/\/([^@/\s]+)@(\[[0-9a-fA-F:.]+\]|[^:/\s]+)(?::(\d{1,5}))?\/?$/.exec(text.trim());
  if (!match)
    throw new Error(`via "${text}" is not ssh://user@host[:port]; e.g. --via ssh://root@203.0.113.7`);
  return {
    user: match[1] as string,
    host: (match[2] as string).replace(/^\[|\]$/g, ''),
    port: Number(match[3] ?? 22),
  };
}

export interface SshTunnelOptions {
  jump: JumpHost;
  /** Private key file; else the ssh-agent at SSH_AUTH_SOCK; else ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
  keyFile?: string;
  agent?: string;
  knownHostsFile: string;
  /**
   * A jump host the run itself just created has a key nobody can know yet: set this to accept an unknown
   * key on first contact (it is called with the fingerprint, to show and journal it) and pin it for the
   * run, instead of asking. A key that differs from known_hosts is still refused.
   */
  trustOnFirstUse?: (fingerprint: string) => void;
  /** Asked when the bastion's key is not in known_hosts; true = trust it (and remember it). */
  confirmHostKey: (question: string) => Promise<boolean>;
  readyTimeoutMs: number;
  /** On the lab target the jump host itself must be a loopback (public) address. */
  reach: HostReach;
}

export interface SshTunnel {
  /** "ssh://user@host:port", for messages. */
  readonly label: string;
  /** A local address that reaches host:port from the jump host (opened on first use). */
  forward(host: string, port: number): Promise<{ host: string; port: number }>;
  /** The local address for host:port when a forward is already open (for ioredis natMap). */
  lookup(host: string, port: number): { host: string; port: number } | undefined;
  /** The remote host:port a local forward stands for (to name what a client's socket reached). */
  remoteOf(localPort: number): string | undefined;
  /** Why the jump host last failed to reach host:port, if it did. */
  lastError(host: string, port: number): string | undefined;
  /** A raw stream to host:port opened from the jump host (for SSH to a node behind it: ssh-exec.ts). */
  stream(host: string, port: number): Promise<Duplex>;
  /**
   * Runs a command on the jump host itself over this connection (same login, same host key): the channel
   * carries its stdin, stdout, stderr and exit status (sh blocks with on=jump-host: actions/sh/remote.ts).
   */
  exec(command: string): Promise<ClientChannel>;
  /** The login the jump host accepted, reused to log in to nodes behind it (same user, same key). */
  readonly login: { username: string; privateKey?: Buffer; agent?: string };
  /** How many connections went through each forward (remote host:port → count). */
  readonly connections: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

async function defaultKey(): Promise<Buffer | undefined> {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    try {
      return await readFile(join(homedir(), '.ssh', name));
    } catch {}
  }
  return undefined;
}

/** What to check when the jump host does not let us in. */
function unreachableHint(message: string): string {
  if (/authentication/i.test(message))
    return " — check the user and that the key is in the bastion's authorized_keys";
  if (/timed out|ETIMEDOUT|EHOSTUNREACH|ECONNREFUSED|ENETUNREACH/i.test(message)) {
    return ' — the jump host did not answer on SSH: its firewall lets only admin_cidr in (is it your current public address? `curl -4 https://ifconfig.me`), and a new droplet needs a minute to start sshd';
  }
  return '';
}

export async function openSshTunnel(options: SshTunnelOptions): Promise<SshTunnel> {
  const { jump } = options;
  checkReach(options.reach, jump.host, jump.port, 'jump host');
  const label = `ssh://${jump.user}@${knownHostsName(jump.host, jump.port).replace(/^\[(.*)\]/, '$1')}`;
  const privateKey = options.keyFile
    ? await readFile(options.keyFile)
    : options.agent
      ? undefined
      : await defaultKey();
  if (!privateKey && !options.agent) {
    throw new Error(
      `${label}: no SSH key — start ssh-agent (SSH_AUTH_SOCK) or set the via_key var to a private key file`,
    );
  }
  // ssh2 is loaded only when a run goes through a jump host (it is large; most runs never need it).
  const { Client } = await import('ssh2');
  const client = new Client();
  let hostKeyProblem: string | undefined;
  const config: ConnectConfig = {
    host: jump.host,
    port: jump.port,
    username: jump.user,
    privateKey,
    agent: privateKey ? undefined : options.agent,
    readyTimeout: options.readyTimeoutMs,
    keepaliveInterval: 10_000,
    hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
      void (async () => {
        const status = await checkHostKey(options.knownHostsFile, jump.host, jump.port, key);
        if (status === 'known') return verify(true);
        if (status === 'changed') {
          hostKeyProblem = `${label}: HOST KEY CHANGED — ${options.knownHostsFile} has a different ${fingerprint(key).slice(0, 7)} key for ${knownHostsName(jump.host, jump.port)}; someone may be intercepting, or the bastion was rebuilt. Check with its owner, then remove the old line`;
          return verify(false);
        }
        if (options.trustOnFirstUse) {
          options.trustOnFirstUse(fingerprint(key));
          return verify(true);
        }
        const trusted = await options.confirmHostKey(
          `The authenticity of ${knownHostsName(jump.host, jump.port)} can't be established. Its key fingerprint is ${fingerprint(key)}. Trust it and add it to ${options.knownHostsFile}?`,
        );
        if (!trusted) {
          hostKeyProblem = `${label}: host key not trusted (${fingerprint(key)}); compare it with the bastion's own \`ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub\``;
          return verify(false);
        }
        await rememberHostKey(options.knownHostsFile, jump.host, jump.port, key);
        verify(true);
      })().catch(() => verify(false));
    },
  };
  // ssh2 can report more than one error for one failed connection (a handshake timeout, then the socket
  // closing): only the first is the answer, the rest must not escape as an uncaught error.
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', (error) => {
      client.end();
      reject(new Error(hostKeyProblem ?? `${label}: ${error.message}${unreachableHint(error.message)}`));
    });
    client.connect(config);
  });

  const servers = new Map<string, Promise<{ server: Server; port: number }>>();
  const sockets = new Set<Socket>();
  const errors = new Map<string, string>();
  const connections = new Map<string, number>();
  const local = new Map<string, number>();
  const remote = new Map<number, string>();

  const open = (host: string, port: number) => {
    const key = `${host}:${port}`;
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      connections.set(key, (connections.get(key) ?? 0) + 1);
      const refuse = (message: string) => {
        errors.set(key, message);
        socket.destroy();
      };
      try {
        client.forwardOut('127.0.0.1', socket.remotePort ?? 0, host, port, (error, channel) => {
          if (error) {
            refuse(error.message);
            return;
          }
          errors.delete(key);
          channel.on('error', () => socket.destroy());
          socket.pipe(channel).pipe(socket);
          socket.on('close', () => channel.close());
        });
      } catch (error) {
        // ssh2 throws "Not connected" once the jump host's connection is gone (the droplet was deleted or
        // rebooted): a client reconnecting through the forward gets a closed socket, not a crash of the run.
        refuse(`${label}: ${(error as Error).message}`);
      }
    });
    return new Promise<{ server: Server; port: number }>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const boundPort = typeof address === 'object' && address ? address.port : 0;
        local.set(key, boundPort);
        remote.set(boundPort, key);
        resolve({ server, port: boundPort });
      });
    });
  };

  return {
    label,
    login: { username: jump.user, privateKey, agent: privateKey ? undefined : options.agent },
    stream: (host, port) =>
      new Promise<Duplex>((resolve, reject) => {
        // Throws "Not connected" once the jump host's connection is gone: rejected like a refused channel.
        client.forwardOut('127.0.0.1', 0, host, port, (error, channel) =>
          error
            ? reject(new Error(`${label} could not reach ${host}:${port}: ${error.message}`))
            : resolve(channel),
        );
      }),
    exec: (command) =>
      new Promise<ClientChannel>((resolve, reject) => {
        client.exec(command, (error, channel) =>
          error ? reject(new Error(`${label}: could not run a command: ${error.message}`)) : resolve(channel),
        );
      }),
    connections,
    async forward(host, port) {
      const key = `${host}:${port}`;
      let entry = servers.get(key);
      if (!entry) {
        entry = open(host, port);
        servers.set(key, entry);
      }
      return { host: '127.0.0.1', port: (await entry).port };
    },
    lookup(host, port) {
      const boundPort = local.get(`${host}:${port}`);
      return boundPort ? { host: '127.0.0.1', port: boundPort } : undefined;
    },
    remoteOf: (localPort) => remote.get(localPort),
    lastError: (host, port) => errors.get(`${host}:${port}`),
    async close() {
      for (const socket of sockets) socket.destroy();
      const all = await Promise.allSettled([...servers.values()]);
      await Promise.all(
        all.map((result) =>
          result.status === 'fulfilled'
            ? new Promise((resolve) => result.value.server.close(resolve))
            : undefined,
        ),
      );
      servers.clear();
      client.end();
    },
  };
}

interface TunnelHolder {
  current?: Promise<SshTunnel>;
}

/** The jump host a `do` step provisioned (`jump_host: true` publishes jump_host.via), if any. */
function provisionedVia(ctx: Pick<ActionContext, 'resolve'>): string | undefined {
  try {
    const via = ctx.resolve('jump_host.via');
    return typeof via === 'string' && via ? via : undefined;
  } catch {
    return undefined;
  }
}

/** The private key beside the public one ssh_key.ensure gave the droplets, when it came from a file. */
function provisionedKey(ctx: Pick<ActionContext, 'resolve'>): string | undefined {
  try {
    const file = ctx.resolve('ssh_key.private_key');
    return typeof file === 'string' && file ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run's tunnel: the `via` var (the CLI's --via sets it), else the jump host the runbook provisioned,
 * else undefined (direct). Vars: via_key (key file), via_known_hosts (default ~/.ssh/known_hosts). An
 * unknown host key is confirmed with the operator — except for the runbook's own new jump host, whose key
 * is learned on first contact, shown and journaled. A tunnel that failed to open is tried again by the
 * next action rather than remembered as failed.
 */
export function runTunnel(
  ctx: Pick<ActionContext, 'vars' | 'resources' | 'interaction' | 'step' | 'signal' | 'resolve' | 'output'>,
): (() => Promise<SshTunnel>) | undefined {
  const provisioned = ctx.vars.via ? undefined : provisionedVia(ctx);
  const via = ctx.vars.via || provisioned;
  if (!via) return undefined;
  // Registered now, before the pool or event stream that will use it, so the run closes it after them.
  const holder = ctx.resources.get(
    'redis.ssh-tunnel',
    (): TunnelHolder => ({}),
    async (value) => {
      await (await value.current?.catch(() => undefined))?.close();
    },
  );
  return () => {
    if (!holder.current) {
      holder.current = openSshTunnel({
        jump: parseVia(via),
        keyFile: ctx.vars.via_key || (provisioned ? provisionedKey(ctx) : undefined),
        agent: process.env.SSH_AUTH_SOCK || undefined,
        knownHostsFile: ctx.vars.via_known_hosts || join(homedir(), '.ssh', 'known_hosts'),
        readyTimeoutMs: 10_000,
        reach: hostReach(ctx),
        ...(provisioned
          ? {
              trustOnFirstUse: (fingerprint: string) =>
                ctx.output(
                  `jump host ${via}: host key ${fingerprint} learned on first contact (the runbook created this droplet; compare with its console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)`,
                  'info',
                ),
            }
          : {}),
        confirmHostKey: (question) =>
          ctx.interaction.confirm({ step: ctx.step.id, safety: 'mutating', message: question }, ctx.signal),
      });
      holder.current.catch(() => {
        holder.current = undefined;
      });
    }
    return holder.current;
  };
}
