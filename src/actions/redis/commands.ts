// What a Redis/Sentinel command does to the cluster: how dangerous it is, whether it is a fault worth
// putting on the drill's timeline, and which of its arguments are secrets to hide from display.
import type { Safety } from '../../contract/runbook.js';
import { quoteArgument } from './tokenize.js';

/** Shown in place of a secret argument or config value. */
export const SECRET_MASK = '••••••';

const READ_COMMANDS = new Set([
  'INFO',
  'ROLE',
  'PING',
  'ECHO',
  'TIME',
  'DBSIZE',
  'LASTSAVE',
  'GET',
  'MGET',
  'GETRANGE',
  'STRLEN',
  'EXISTS',
  'TTL',
  'PTTL',
  'TYPE',
  'SCAN',
  'KEYS',
  'RANDOMKEY',
  'HGET',
  'HMGET',
  'HGETALL',
  'HKEYS',
  'HVALS',
  'HLEN',
  'HEXISTS',
  'LRANGE',
  'LLEN',
  'LINDEX',
  'SMEMBERS',
  'SCARD',
  'SISMEMBER',
  'ZRANGE',
  'ZCARD',
  'ZSCORE',
  'ZRANK',
  'XLEN',
  'XRANGE',
  'XINFO',
  'OBJECT',
  'PUBSUB',
  'WAIT',
  'LOLWUT',
]);

/** Read-only subcommands of commands that also have writing ones. */
const READ_SUBCOMMANDS: Record<string, Set<string>> = {
  CONFIG: new Set(['GET']),
  CLIENT: new Set(['LIST', 'INFO', 'GETNAME', 'ID']),
  SLOWLOG: new Set(['GET', 'LEN']),
  MEMORY: new Set(['USAGE', 'STATS', 'DOCTOR']),
  LATENCY: new Set(['LATEST', 'HISTORY', 'DOCTOR']),
  COMMAND: new Set(['COUNT', 'INFO', 'DOCS', 'LIST', '']),
  ACL: new Set(['WHOAMI', 'LIST', 'USERS', 'CAT', 'GETUSER', 'LOG']),
  MODULE: new Set(['LIST']),
  SENTINEL: new Set([
    'MASTERS',
    'MASTER',
    'REPLICAS',
    'SLAVES',
    'SENTINELS',
    'CKQUORUM',
    'GET-MASTER-ADDR-BY-NAME',
    'MYID',
    'INFO-CACHE',
    'PENDING-SCRIPTS',
    'CONFIG GET',
  ]),
};

const DESTRUCTIVE = new Set([
  'SHUTDOWN',
  'FLUSHALL',
  'FLUSHDB',
  'FAILOVER',
  'DEBUG SEGFAULT',
  'DEBUG RELOAD',
  'SENTINEL FAILOVER',
  'SENTINEL REMOVE',
  'SENTINEL RESET',
  'CLIENT KILL',
]);

/** Commands that cause the failures a drill observes; they go on the timeline as faults. */
const FAULTS = new Set([
  'SHUTDOWN',
  'FAILOVER',
  'DEBUG SLEEP',
  'DEBUG SEGFAULT',
  'CLIENT PAUSE',
  'SENTINEL FAILOVER',
  'REPLICAOF NO',
  'SLAVEOF NO',
]);

function names(args: readonly string[]): { command: string; withSub: string } {
  const command = (args[0] ?? '').toUpperCase();
  const sub = (args[1] ?? '').toUpperCase();
  const third = (args[2] ?? '').toUpperCase();
  const withSub =
    command === 'SENTINEL' && sub === 'CONFIG' ? `${command} ${sub} ${third}` : `${command} ${sub}`;
  return { command, withSub };
}

/** Commands whose second word selects what they do (CONFIG SET vs GET, SENTINEL FAILOVER vs MASTERS …). */
const WITH_SUBCOMMANDS = new Set([
  ...Object.keys(READ_SUBCOMMANDS),
  ...[...DESTRUCTIVE].filter((name) => name.includes(' ')).map((name) => name.split(' ')[0] as string),
  'CLUSTER',
  'SCRIPT',
  'FUNCTION',
  'XGROUP',
  'OBJECT',
  'PUBSUB',
  'XINFO',
]);

/**
 * The arguments that name the command (and so decide its safety), as written: the command, its
 * subcommand when it has them, and the third word of SENTINEL CONFIG SET/GET.
 */
export function commandNameArguments(args: readonly string[]): number {
  const command = (args[0] ?? '').toUpperCase();
  if (!WITH_SUBCOMMANDS.has(command)) return 1;
  return command === 'SENTINEL' && (args[1] ?? '').toUpperCase() === 'CONFIG' ? 3 : 2;
}

export function commandSafety(args: readonly string[]): Safety {
  const { command, withSub } = names(args);
  const sub = (args[1] ?? '').toUpperCase();
  if (DESTRUCTIVE.has(command) || DESTRUCTIVE.has(withSub)) return 'destructive';
  if (READ_COMMANDS.has(command)) return 'safe';
  const reads = READ_SUBCOMMANDS[command];
  if (reads) {
    const key = command === 'SENTINEL' && sub === 'CONFIG' ? `CONFIG ${(args[2] ?? '').toUpperCase()}` : sub;
    if (reads.has(key)) return 'safe';
  }
  return 'mutating';
}

/** How a fault is named on the timeline: "SENTINEL FAILOVER", "DEBUG SLEEP", "CLIENT PAUSE", "SHUTDOWN" … */
export function faultName(args: readonly string[]): string {
  const { command, withSub } = names(args);
  return FAULTS.has(command) ? command : withSub;
}

export function isFault(args: readonly string[]): boolean {
  const { command, withSub } = names(args);
  return FAULTS.has(command) || FAULTS.has(withSub);
}

const SECRET_NAME = /pass|secret|auth(?!-?(?:clients?|method))/i;

/** Indexes of arguments that carry a secret: AUTH, HELLO … AUTH, CONFIG SET requirepass, SENTINEL SET auth-pass … */
function secretArgumentIndexes(args: readonly string[]): number[] {
  const upper = args.map((a) => a.toUpperCase());
  const indexes: number[] = [];
  if (upper[0] === 'AUTH') return args.map((_, i) => i).slice(1);
  if (upper[0] === 'HELLO') {
    const at = upper.indexOf('AUTH');
    if (at > 0) indexes.push(at + 2);
  }
  if (upper[0] === 'MIGRATE') {
    const at = upper.indexOf('AUTH');
    if (at > 0) indexes.push(at + 1);
    const at2 = upper.indexOf('AUTH2');
    if (at2 > 0) indexes.push(at2 + 2);
  }
  if (upper[0] === 'ACL' && upper[1] === 'SETUSER') {
    args.forEach((arg, i) => {
      if (i > 2 && /^[<>#!]/.test(arg)) indexes.push(i);
    });
  }
  const setAt =
    upper[0] === 'CONFIG' && upper[1] === 'SET'
      ? 2
      : upper[0] === 'SENTINEL' && upper[1] === 'SET'
        ? 3
        : upper[0] === 'SENTINEL' && upper[1] === 'CONFIG' && upper[2] === 'SET'
          ? 3
          : -1;
  if (setAt > 0) {
    for (let i = setAt; i + 1 < args.length; i += 2) {
      if (SECRET_NAME.test(args[i] as string)) indexes.push(i + 1);
    }
  }
  return indexes;
}

/** The command as shown on screen and in the journal: quoted like redis-cli, secret arguments masked. */
export function displayCommand(args: readonly string[]): string {
  const hidden = new Set(secretArgumentIndexes(args));
  return args.map((arg, i) => (hidden.has(i) ? SECRET_MASK : quoteArgument(arg))).join(' ');
}

/** CONFIG GET / SENTINEL CONFIG GET replies with secret-looking values (requirepass, masterauth …) masked. */
export function maskSecretConfig(args: readonly string[], reply: unknown): unknown {
  const upper = args.map((a) => a.toUpperCase());
  const isConfigGet =
    (upper[0] === 'CONFIG' && upper[1] === 'GET') ||
    (upper[0] === 'SENTINEL' && upper[1] === 'CONFIG' && upper[2] === 'GET');
  if (!isConfigGet || !Array.isArray(reply)) return reply;
  return reply.map((value, i) =>
    i % 2 === 1 && SECRET_NAME.test(String(reply[i - 1])) && value !== '' ? SECRET_MASK : value,
  );
}
