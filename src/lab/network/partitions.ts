// Lab network faults → one nftables table beside the firewall's, in the VPC namespace. Pure.
//
// A partition drops packets (it never rejects): connections across it time out, as across a real network
// split, and connections already open stall instead of closing. Its chains run before the Cloud Firewall
// (priority filter - 10), so not even the firewall's "established" acceptance lets a packet through.
//
// "The operator's side" is the VPC namespace itself: the relay that carries the host's connections to the
// droplets' public addresses connects from there. The metadata service, also there, stays reachable.
import { METADATA_SERVICE } from './firewall-compile.js';

export const FAULTS_TABLE = 'drillbook_faults';

export interface PartitionMember {
  name: string;
  addresses: readonly string[];
}

export type PartitionDirection = 'both' | 'one-way';

export interface Partition {
  /** The label heal names it by. */
  name: string;
  /** The isolated set. */
  from: readonly PartitionMember[];
  /** The other set, or the operator's side. */
  to: readonly PartitionMember[] | 'operator';
  /** one-way: only packets from `from` towards `to` are dropped. */
  direction: PartitionDirection;
}

const ipv4 = (members: readonly PartitionMember[]): string[] => [
  ...new Set(members.flatMap((member) => member.addresses.filter((address) => !address.includes(':')))),
];
const ipv6 = (members: readonly PartitionMember[]): string[] => [
  ...new Set(members.flatMap((member) => member.addresses.filter((address) => address.includes(':')))),
];
const set = (addresses: readonly string[]): string =>
  addresses.length === 1 ? (addresses[0] as string) : `{ ${addresses.join(', ')} }`;

/** A human line for timelines and errors: "redis-1 ⇹ redis-2, redis-3". */
export function describePartition(partition: Partition): string {
  const names = (members: readonly PartitionMember[]) => members.map((member) => member.name).join(', ');
  const arrow = partition.direction === 'both' ? '⇹' : '→';
  const other = partition.to === 'operator' ? "the operator's side" : names(partition.to);
  return `${names(partition.from)} ${arrow} ${other}`;
}

function partitionLines(partition: Partition): { forward: string[]; input: string[]; output: string[] } {
  const lines = { forward: [] as string[], input: [] as string[], output: [] as string[] };
  const label = `# ${partition.name}: ${describePartition(partition)}`;
  if (partition.to === 'operator') {
    lines.input.push(label);
    lines.output.push(label);
    for (const [family, addresses] of [
      ['ip', ipv4(partition.from)],
      ['ip6', ipv6(partition.from)],
    ] as const) {
      if (addresses.length === 0) continue;
      const exempt = family === 'ip' ? ` ip daddr != ${METADATA_SERVICE}` : '';
      lines.input.push(`${family} saddr ${set(addresses)}${exempt} drop`);
      if (partition.direction === 'both') {
        const exemptOut = family === 'ip' ? ` ip saddr != ${METADATA_SERVICE}` : '';
        lines.output.push(`${family} daddr ${set(addresses)}${exemptOut} drop`);
      }
    }
    return lines;
  }
  lines.forward.push(label);
  for (const [family, from, to] of [
    ['ip', ipv4(partition.from), ipv4(partition.to)],
    ['ip6', ipv6(partition.from), ipv6(partition.to)],
  ] as const) {
    if (from.length === 0 || to.length === 0) continue;
    lines.forward.push(`${family} saddr ${set(from)} ${family} daddr ${set(to)} drop`);
    if (partition.direction === 'both') {
      lines.forward.push(`${family} saddr ${set(to)} ${family} daddr ${set(from)} drop`);
    }
  }
  return lines;
}

/** The faults table for the partitions in force, or undefined when there are none (the table goes). */
export function compilePartitions(partitions: readonly Partition[]): string | undefined {
  if (partitions.length === 0) return undefined;
  const all = partitions.map(partitionLines);
  const chain = (hook: 'forward' | 'input' | 'output') =>
    [
      `  chain ${hook} {`,
      `    type filter hook ${hook} priority filter - 10; policy accept;`,
      ...all.flatMap((lines) => lines[hook]).map((line) => `    ${line}`),
      '  }',
    ].join('\n');
  return [`table inet ${FAULTS_TABLE} {`, chain('forward'), chain('input'), chain('output'), '}', ''].join(
    '\n',
  );
}

/** Why a partition cannot be made as asked, or undefined. */
export function partitionProblem(partition: Partition): string | undefined {
  if (partition.from.length === 0) return 'from= names no droplet';
  if (partition.to !== 'operator') {
    if (partition.to.length === 0) return 'to= names no droplet';
    const both = partition.from.filter((member) =>
      (partition.to as PartitionMember[]).some((other) => other.name === member.name),
    );
    if (both.length > 0)
      return `${both.map((member) => member.name).join(', ')} cannot be on both sides of a partition`;
  }
  const silent = [...partition.from, ...(partition.to === 'operator' ? [] : partition.to)].filter(
    (member) => member.addresses.length === 0,
  );
  if (silent.length > 0)
    return `${silent.map((member) => member.name).join(', ')} has no address in the lab yet (is it booted?)`;
  return undefined;
}
