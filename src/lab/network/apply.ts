// Loads compiled tables into the VPC namespace. Every load is one `nft -f` transaction (replace or remove
// the table as a whole), so a droplet never sees half a firewall.
import { spawn } from 'node:child_process';
import { replaceTableScript } from './firewall-compile.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command inside a network namespace, feeding it stdin; never rejects on a non-zero exit. */
export function inNamespace(namespace: string, argv: readonly string[], stdin = ''): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', namespace, ...argv], {
      stdio: [stdin === '' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    // A command that exits without reading its input must not become an unhandled EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin);
  });
}

/**
 * Bridged IPv4/IPv6 traffic reaches the inet hooks (and conntrack) only with br_netfilter's call-iptables
 * on; it is per namespace and on by default, but a lab must not depend on a default it never checked.
 */
export async function enableBridgeFiltering(namespace: string): Promise<void> {
  const result = await inNamespace(namespace, [
    'sysctl',
    '-qw',
    'net.bridge.bridge-nf-call-iptables=1',
    'net.bridge.bridge-nf-call-ip6tables=1',
  ]);
  if (result.code !== 0) {
    throw new Error(
      `namespace ${namespace}: cannot turn on bridge filtering (${result.stderr.trim()}); the Cloud Firewall and partitions need br_netfilter (CONFIG_BRIDGE_NETFILTER) and root`,
    );
  }
}

/** Replaces (or, with body undefined, removes) one inet table in the namespace, atomically. */
export async function replaceTable(
  namespace: string,
  table: string,
  body: string | undefined,
): Promise<void> {
  const result = await inNamespace(namespace, ['nft', '-f', '-'], replaceTableScript('inet', table, body));
  if (result.code !== 0) {
    throw new Error(`namespace ${namespace}: nft refused table ${table}: ${result.stderr.trim()}`);
  }
}

/** The kernel's own answer when the qdisc is not built in, as tc prints it. */
const NO_NETEM = /Specified qdisc kind is unknown|Unknown qdisc/i;

export interface Impairment {
  delayMs?: number;
  lossPercent?: number;
}

/**
 * Puts a netem qdisc on an interface of the namespace (delay and/or loss of what leaves it), or removes
 * it when the impairment is empty. Fails naming the reason when the kernel has no sch_netem: a fault
 * that silently does nothing would let a drill pass that proves nothing.
 */
export async function setImpairment(
  namespace: string,
  device: string,
  impairment: Impairment,
): Promise<void> {
  const clear = impairment.delayMs === undefined && impairment.lossPercent === undefined;
  if (clear) {
    await inNamespace(namespace, ['tc', 'qdisc', 'del', 'dev', device, 'root']);
    return;
  }
  const result = await inNamespace(namespace, [
    'tc',
    'qdisc',
    'replace',
    'dev',
    device,
    'root',
    ...netemArgs(impairment),
  ]);
  if (result.code === 0) return;
  const reason = result.stderr.trim();
  if (NO_NETEM.test(reason)) {
    throw new Error(
      `this kernel has no sch_netem (tc: "${reason}"), so the lab cannot delay or drop packets; run the drill on a kernel with CONFIG_NET_SCH_NETEM, or use op=partition, which needs only nftables`,
    );
  }
  throw new Error(`namespace ${namespace}: tc refused netem on ${device}: ${reason}`);
}

export function netemArgs(impairment: Impairment): string[] {
  return [
    'netem',
    ...(impairment.delayMs === undefined ? [] : ['delay', `${impairment.delayMs}ms`]),
    ...(impairment.lossPercent === undefined ? [] : ['loss', `${impairment.lossPercent}%`]),
  ];
}
