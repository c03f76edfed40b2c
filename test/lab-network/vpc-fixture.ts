// A throwaway VPC for network tests: a namespace with a bridge and no uplink, droplet namespaces veth'd
// onto it, and in each a small TCP+UDP server. Names carry a per-process prefix; teardown deletes veths
// before namespaces (a namespace's veth otherwise disappears asynchronously) and kills only its own servers.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { requirePackages } from '../helpers/system.js';

export interface TestDroplet {
  id: number;
  name: string;
  namespace: string;
  privateIp: string;
  /** The test VPC has one side only; a droplet's "public" address is its private one. */
  publicIp: string;
  tags: string[];
  /** Lines the droplet's server printed ("udp <message>" per datagram, "tcp <line>" per line received). */
  heard: string[];
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

// Listens on TCP and UDP on the same port: TCP connections are accepted and held; each datagram is printed.
const SERVER = `
const net = require('node:net'), dgram = require('node:dgram');
const [host, port] = [process.argv[1], Number(process.argv[2])];
net.createServer((s) => {
  s.on('error', () => {});
  s.on('data', (d) => { for (const l of String(d).split('\\n').filter(Boolean)) process.stdout.write('tcp ' + l + '\\n'); });
}).listen(port, host);
const u = dgram.createSocket('udp4');
u.on('message', (m) => process.stdout.write('udp ' + m + '\\n'));
u.bind(port, host, () => process.stdout.write('ready\\n'));
`;

// Connects (TCP) or sends (UDP) from inside a namespace; prints open/refused/timeout.
const CLIENT = `
const net = require('node:net'), dgram = require('node:dgram');
const [proto, host, port, message] = [process.argv[1], process.argv[2], Number(process.argv[3]), process.argv[4]];
if (proto === 'udp') {
  const u = dgram.createSocket('udp4');
  u.send(message, port, host, () => { u.close(); process.stdout.write('sent'); });
} else {
  const s = net.connect({ host, port });
  const done = (what) => { process.stdout.write(what); s.destroy(); process.exit(0); };
  s.setTimeout(${700}, () => done('timeout'));
  s.on('connect', () => done('open'));
  s.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : e.code));
}
`;

// Holds one TCP connection open and sends each stdin line over it.
const HOLDER = `
const net = require('node:net');
const s = net.connect({ host: process.argv[1], port: Number(process.argv[2]) }, () => process.stdout.write('open\\n'));
s.on('error', (e) => { process.stdout.write('error ' + e.code + '\\n'); process.exit(1); });
process.stdin.on('data', (d) => s.write(d));
process.stdin.on('end', () => { s.destroy(); process.exit(0); });
`;

export interface HeldConnection {
  send(line: string): void;
  close(): void;
}

export interface TestVpc {
  namespace: string;
  gateway: string;
  droplets: TestDroplet[];
  /** TCP connect from a droplet (or from the VPC namespace itself: the operator's side). */
  connect(from: TestDroplet | 'operator', to: TestDroplet, port?: number): string;
  sendUdp(from: TestDroplet, to: TestDroplet, message: string): void;
  /** Opens a TCP connection from one droplet to another and keeps it open. */
  hold(from: TestDroplet, to: TestDroplet): Promise<HeldConnection>;
  /** Waits until the droplet's server received the line (TCP or UDP), or the time is up; true when it did. */
  heard(droplet: TestDroplet, line: string, withinMs?: number): Promise<boolean>;
  destroy(): Promise<void>;
}

export const SERVICE_PORT = 6379;

export async function createTestVpc(names: string[], subnet = '10.77.0'): Promise<TestVpc> {
  if (process.getuid?.() !== 0) throw new Error('network namespace tests need root (ip netns add)');
  requirePackages('nftables');
  const prefix = `dbkn${process.pid % 100000}`;
  const namespace = `${prefix}-vpc`;
  const gateway = `${subnet}.1`;
  const servers: ChildProcess[] = [];
  const droplets: TestDroplet[] = [];
  const made: string[] = [];
  const destroy = async () => {
    for (const server of servers) server.kill('SIGKILL');
    for (const droplet of droplets) {
      try {
        ip('-n', namespace, 'link', 'del', `v${droplet.id}`);
      } catch {}
    }
    for (const name of made.reverse()) {
      try {
        ip('netns', 'del', name);
      } catch {}
    }
  };
  try {
    ip('netns', 'add', namespace);
    made.push(namespace);
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
    ip('-n', namespace, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', namespace, 'addr', 'add', `${gateway}/24`, 'dev', 'br0');
    ip('-n', namespace, 'link', 'set', 'br0', 'up');
    for (const [index, name] of names.entries()) {
      const id = index + 1;
      const droplet: TestDroplet = {
        id,
        name,
        namespace: `${prefix}-d${id}`,
        privateIp: `${subnet}.${10 + index}`,
        publicIp: `${subnet}.${10 + index}`,
        tags: [],
        heard: [],
      };
      ip('netns', 'add', droplet.namespace);
      made.push(droplet.namespace);
      droplets.push(droplet);
      ip(
        '-n',
        namespace,
        'link',
        'add',
        `v${id}`,
        'type',
        'veth',
        'peer',
        'name',
        'eth1',
        'netns',
        droplet.namespace,
      );
      ip('-n', namespace, 'link', 'set', `v${id}`, 'master', 'br0', 'up');
      ip('-n', droplet.namespace, 'link', 'set', 'lo', 'up');
      ip('-n', droplet.namespace, 'addr', 'add', `${droplet.privateIp}/24`, 'dev', 'eth1');
      ip('-n', droplet.namespace, 'link', 'set', 'eth1', 'up');
      const server = spawn(
        'ip',
        [
          'netns',
          'exec',
          droplet.namespace,
          process.execPath,
          '-e',
          SERVER,
          droplet.privateIp,
          String(SERVICE_PORT),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('exit', (code) => reject(new Error(`server in ${droplet.namespace} exited (${code})`)));
        server.stdout?.on('data', (chunk: Buffer) => {
          for (const line of chunk.toString().split('\n').filter(Boolean)) {
            if (line === 'ready') resolve();
            else droplet.heard.push(line);
          }
        });
      });
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  const exec = (from: TestDroplet | 'operator', args: string[]) =>
    execFileSync(
      'ip',
      [
        'netns',
        'exec',
        from === 'operator' ? namespace : from.namespace,
        process.execPath,
        '-e',
        CLIENT,
        ...args,
      ],
      {
        encoding: 'utf8',
      },
    );
  return {
    namespace,
    gateway,
    droplets,
    connect: (from, to, port = SERVICE_PORT) => exec(from, ['tcp', to.privateIp, String(port)]),
    sendUdp: (from, to, message) => {
      exec(from, ['udp', to.privateIp, String(SERVICE_PORT), message]);
    },
    async hold(from, to) {
      const child = spawn(
        'ip',
        ['netns', 'exec', from.namespace, process.execPath, '-e', HOLDER, to.privateIp, String(SERVICE_PORT)],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      servers.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout?.once('data', (chunk: Buffer) =>
          chunk.toString().startsWith('open') ? resolve() : reject(new Error(chunk.toString())),
        );
      });
      return { send: (line) => child.stdin?.write(`${line}\n`), close: () => child.stdin?.end() };
    },
    async heard(droplet, line, withinMs = 1000) {
      const until = Date.now() + withinMs;
      const seen = () => droplet.heard.includes(`udp ${line}`) || droplet.heard.includes(`tcp ${line}`);
      while (Date.now() < until) {
        if (seen()) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return seen();
    },
    destroy,
  };
}

/** Namespaces whose name carries this process's prefix (what a teardown must leave none of). */
export function leftoverNamespaces(): string[] {
  const prefix = `dbkn${process.pid % 100000}`;
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0] as string)
    .filter((name) => name.startsWith(prefix));
}

/** Whether the running kernel has sch_netem, from its own config (this machine kind exposes /proc/config.gz). */
export function kernelHasNetem(): boolean {
  try {
    return gunzipSync(readFileSync('/proc/config.gz')).toString().includes('CONFIG_NET_SCH_NETEM=');
  } catch {
    // No config exposed: the kernel's module lists say whether sch_netem is built in or loadable.
    return (
      execFileSync('sh', ['-c', 'grep -c sch_netem /lib/modules/$(uname -r)/modules.* 2>/dev/null || true'], {
        encoding: 'utf8',
      }).trim() !== '0'
    );
  }
}
