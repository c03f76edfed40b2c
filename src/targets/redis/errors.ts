// Turns what ioredis / Redis / Sentinel say into messages naming the node, its address and what to do next.
import type { NodeAddress } from './inventory.js';

/** An error already explained for an operator; `code` lets checks and tests tell the cases apart. */
export class RedisTargetError extends Error {
  readonly code: string;
  readonly node: string;
  readonly address: string;
  /** What Redis, Sentinel or the socket said, unexplained (e.g. "NOQUORUM 2 usable Sentinels…"). */
  readonly original: string;
  constructor(code: string, node: NodeAddress, message: string, original = message) {
    super(message);
    this.name = 'RedisTargetError';
    this.code = code;
    this.node = node.name;
    this.address = node.address;
    this.original = original;
  }
}

function label(node: NodeAddress): string {
  return node.name === node.address ? node.address : `${node.name} (${node.address})`;
}

interface Rule {
  code: string;
  test: (message: string, errno: string | undefined) => boolean;
  explain: (where: string, message: string, node: NodeAddress) => string;
}

const RULES: Rule[] = [
  {
    code: 'REFUSED',
    test: (_m, errno) => errno === 'ECONNREFUSED',
    explain: (where, _m, node) =>
      `${where}: connection refused — nothing listens on ${node.address}. Is the ${node.kind ?? 'redis'} process running and bound to that address? Start it (or power the droplet on) and re-run the step`,
  },
  {
    code: 'UNREACHABLE',
    test: (_m, errno) => errno === 'EHOSTUNREACH' || errno === 'ENETUNREACH' || errno === 'EADDRNOTAVAIL',
    explain: (where) =>
      `${where}: address unreachable from here; on DigitalOcean private addresses need the SSH jump host (--via)`,
  },
  {
    code: 'TIMEOUT',
    test: (m, errno) => errno === 'ETIMEDOUT' || /timed? ?out/i.test(m),
    explain: (where, m) =>
      `${where}: ${/command/i.test(m) ? 'command' : 'connection'} timed out — the node may be hung (frozen, DEBUG SLEEP, CLIENT PAUSE) or a firewall drops traffic; check the process and firewall, or raise connect-timeout=/command-timeout=`,
  },
  {
    code: 'AUTH',
    test: (m) =>
      /^(NOAUTH|WRONGPASS)|invalid (username-)?password|Client sent AUTH, but no password/i.test(m),
    explain: (where, m) =>
      `${where}: authentication failed (${firstWord(m)}) — the password var does not match the node's requirepass (or the ACL user); check password=/username= and the var's value`,
  },
  {
    code: 'LOADING',
    test: (m) => m.startsWith('LOADING'),
    explain: (where) =>
      `${where}: still loading its dataset into memory; wait a few seconds and retry the step`,
  },
  {
    code: 'READONLY',
    test: (m) => m.startsWith('READONLY'),
    explain: (where) =>
      `${where}: is a read-only replica, writes go to the master; ask Sentinel for the master (SENTINEL GET-MASTER-ADDR-BY-NAME) and run it there`,
  },
  {
    code: 'MASTERDOWN',
    test: (m) => m.startsWith('MASTERDOWN'),
    explain: (where) =>
      `${where}: the replica lost its link to the master and replica-serve-stale-data is off; check the master and the replication link (INFO replication)`,
  },
  {
    code: 'NOREPLICAS',
    test: (m) => m.startsWith('NOREPLICAS'),
    explain: (where) =>
      `${where}: not enough good replicas for min-replicas-to-write; check the replicas' links (INFO replication) or lower min-replicas-to-write`,
  },
  {
    code: 'UNKNOWN_COMMAND',
    test: (m) => /^ERR unknown (sub)?command/i.test(m),
    explain: (where, m, node) =>
      `${where}: ${m.replace(/^ERR /, '')}${node.kind === 'sentinel' ? ' — Sentinels accept only SENTINEL, INFO, PING, ROLE, CLIENT, ACL, AUTH, HELLO, CONFIG, SUBSCRIBE' : ''}; check the spelling, or whether this is a Sentinel rather than a Redis node`,
  },
  {
    code: 'DEBUG_DISABLED',
    test: (m) => /DEBUG command not allowed/i.test(m),
    explain: (where) =>
      `${where}: DEBUG is disabled on this node (enable-debug-command); cause the fault another way (CLIENT PAUSE, powering the droplet off) or set enable-debug-command local in redis.conf`,
  },
  {
    code: 'NO_SUCH_MASTER',
    test: (m) => /No such master with that name/i.test(m),
    explain: (where) =>
      `${where}: this Sentinel monitors no master by that name; check master= (SENTINEL MASTERS lists what it monitors)`,
  },
];

function firstWord(message: string): string {
  return message.split(/\s/)[0] ?? message;
}

/** Explains any error from talking to a node; already-explained errors pass through. */
export function translateRedisError(error: unknown, node: NodeAddress, doing?: string): RedisTargetError {
  if (error instanceof RedisTargetError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const errno = (error as { code?: unknown } | null)?.code;
  const where = doing ? `${label(node)} ${doing}` : label(node);
  for (const rule of RULES) {
    if (rule.test(message, typeof errno === 'string' ? errno : undefined)) {
      return new RedisTargetError(rule.code, node, rule.explain(where, message, node), message);
    }
  }
  return new RedisTargetError('REPLY', node, `${where}: ${message}`, message);
}

/** A Sentinel in TILT mode: its view is unreliable until it leaves TILT (~30 s after time jumps stop). */
export function tiltError(node: NodeAddress, sinceSeconds: number | undefined): RedisTargetError {
  return new RedisTargetError(
    'TILT',
    node,
    `${label(node)}: Sentinel is in TILT mode${sinceSeconds !== undefined && sinceSeconds >= 0 ? ` (for ${sinceSeconds} s)` : ''} — it does not act and its view may be stale; wait ~30 s for it to leave TILT and check the host clock/load`,
  );
}
