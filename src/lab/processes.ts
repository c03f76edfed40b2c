// Process facts the supervisor relies on: pid files that may be stale, whose pid may have been reused by
// another program, and ports someone else may already hold.
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export async function readPidFile(pidfile: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(pidfile, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The command line of a live process; undefined when it is gone or a zombie (whose cmdline is empty). */
export async function commandLine(pid: number): Promise<string | undefined> {
  if (process.platform === 'linux') {
    try {
      const text = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      return text === '' ? undefined : text;
    } catch {
      return undefined;
    }
  }
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'command=', '-p', String(pid)]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pid in pidfile when that process is still the one started from configFile (the lab sets a process
 * title that ends with the config path); undefined for a missing or stale pid file.
 */
export async function ownedPid(pidfile: string, configFile: string): Promise<number | undefined> {
  const pid = await readPidFile(pidfile);
  if (pid === undefined) return undefined;
  const line = await commandLine(pid);
  return line?.includes(configFile) ? pid : undefined;
}

export function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The process state letter (R, S, T stopped, Z zombie …), undefined when the process is gone. */
export async function processState(pid: number): Promise<string | undefined> {
  if (process.platform === 'linux') {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      return undefined;
    }
  }
  const { stdout } = await execFileAsync('ps', ['-o', 'stat=', '-p', String(pid)]).catch(() => ({
    stdout: '',
  }));
  return stdout.trim().slice(0, 1) || undefined;
}

/** SIGSTOP and SIGCONT take effect asynchronously: resolves once the process is (or is no longer) stopped. */
export async function waitForStopped(pid: number, stopped: boolean, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await processState(pid);
    if (state === undefined || (state === 'T') === stopped) return state !== undefined;
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
}

/** True once the process is gone or a zombie: only then have its sockets been closed. */
export async function hasExited(pid: number): Promise<boolean> {
  const state = await processState(pid);
  return state === undefined || state === 'Z' || state === 'X';
}

/** Resolves true once the process has exited (or become a zombie), false after timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await hasExited(pid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

export class PortInUseError extends Error {
  constructor(
    readonly address: string,
    readonly port: number,
    readonly holder?: string,
  ) {
    super(
      `${address}:${port} is already in use${holder ? ` by ${holder}` : ''}; stop that process (or run \`drillbook lab down\` if it is a lab left from earlier) and try again`,
    );
    this.name = 'PortInUseError';
  }
}

/** Throws PortInUseError naming address:port and, when this user can see it, the process holding it. */
export async function assertPortFree(address: string, port: number): Promise<void> {
  const deadline = Date.now() + ORPHAN_SOCKET_GRACE_MS;
  // Listening sockets whose owner one walk of /proc did not find (another user's process, whose fds this
  // user cannot read, or one exiting): walking every process's fds again each retry would not find it either.
  const ownerless = new Set<string>();
  for (;;) {
    if (await canListen(address, port)) return;
    const inodes = (await listeningInodes(address, port)).filter((inode) => !ownerless.has(inode));
    const holder = inodes.length > 0 ? await socketOwner(inodes) : undefined;
    for (const inode of inodes) ownerless.add(inode);
    // No process holds it: the sockets of a process just killed are still closing with their peers
    // (FIN_WAIT), which blocks a new listener for a moment after a power cycle.
    if (holder !== undefined || Date.now() >= deadline) throw new PortInUseError(address, port, holder);
    await sleep(50);
  }
}

const ORPHAN_SOCKET_GRACE_MS = 3_000;

function canListen(address: string, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** An IPv4 address as /proc/net/tcp prints it: the 32-bit word in host (little-endian) byte order. */
function hexIpv4(address: string): string {
  return address
    .split('.')
    .map((octet) => Number(octet).toString(16).padStart(2, '0').toUpperCase())
    .reverse()
    .join('');
}

const hexPort = (port: number): string => port.toString(16).padStart(4, '0').toUpperCase();

/**
 * The local addresses, as /proc/net/tcp and /proc/net/tcp6 print them, of a listener that keeps address:port
 * from being bound: one on that address or on every address, IPv4 or (dual-stack) IPv6, or on the IPv6
 * form of that IPv4 address (::ffff:a.b.c.d).
 */
export function blockingListenAddresses(address: string, port: number): { tcp: string[]; tcp6: string[] } {
  return {
    tcp: [`${hexIpv4(address)}:${hexPort(port)}`, `${hexIpv4('0.0.0.0')}:${hexPort(port)}`],
    tcp6: [
      `${'0'.repeat(32)}:${hexPort(port)}`,
      `${'0'.repeat(16)}FFFF0000${hexIpv4(address)}:${hexPort(port)}`,
    ],
  };
}

/** The inodes of a /proc/net/tcp{,6} table's listening sockets (state 0A) on one of the local addresses. */
export function listeningSocketInodes(table: string, localAddresses: readonly string[]): string[] {
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] === '0A' && localAddresses.includes(fields[1] ?? '') && fields[9]) inodes.push(fields[9]);
  }
  return inodes;
}

async function listeningInodes(address: string, port: number): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  const wanted = blockingListenAddresses(address, port);
  const read = (table: string) => readFile(`/proc/net/${table}`, 'utf8').catch(() => '');
  return [
    ...listeningSocketInodes(await read('tcp'), wanted.tcp),
    ...listeningSocketInodes(await read('tcp6'), wanted.tcp6),
  ];
}

/** "pid 123 (redis-server)" for the first process found with one of the sockets open, by walking /proc/<pid>/fd. */
async function socketOwner(inodes: readonly string[]): Promise<string | undefined> {
  const targets = new Set(inodes.map((inode) => `socket:[${inode}]`));
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const link = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      if (targets.has(link)) {
        const program = (await commandLine(Number(entry)))?.trim().split(/\s+/)[0];
        return `pid ${entry} (${program ? path.basename(program) : 'unknown command'})`;
      }
    }
  }
  return undefined;
}

/**
 * "pid 123 (redis-server)" for the process listening on address:port (Linux only): the program alone, as
 * another program's arguments may carry a password.
 */
export async function portHolder(address: string, port: number): Promise<string | undefined> {
  const inodes = await listeningInodes(address, port);
  return inodes.length > 0 ? socketOwner(inodes) : undefined;
}
