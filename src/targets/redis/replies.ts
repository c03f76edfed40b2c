// Raw RESP replies → objects: ROLE, CONFIG GET, and the SENTINEL subcommands' flat [k, v, k, v] arrays.
import { parseInfo, typeValue } from './info.js';

export type RoleReply =
  | {
      role: 'master';
      offset: number;
      replicas: Array<{ ip: string; port: number; offset: number; address: string }>;
    }
  | {
      role: 'slave';
      masterHost: string;
      masterPort: number;
      /** connect, connecting, sync, connected */
      state: string;
      offset: number;
      master: string;
    }
  | { role: 'sentinel'; masters: string[] };

export function parseRole(reply: unknown): RoleReply | undefined {
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  const role = String(reply[0]);
  if (role === 'master') {
    const replicas = Array.isArray(reply[2]) ? (reply[2] as unknown[][]) : [];
    return {
      role,
      offset: Number(reply[1] ?? 0),
      replicas: replicas.map((entry) => ({
        ip: String(entry[0]),
        port: Number(entry[1]),
        offset: Number(entry[2]),
        address: `${entry[0]}:${entry[1]}`,
      })),
    };
  }
  if (role === 'slave') {
    return {
      role,
      masterHost: String(reply[1]),
      masterPort: Number(reply[2]),
      state: String(reply[3]),
      offset: Number(reply[4] ?? -1),
      master: `${reply[1]}:${reply[2]}`,
    };
  }
  if (role === 'sentinel') {
    return { role, masters: Array.isArray(reply[1]) ? reply[1].map(String) : [] };
  }
  return undefined;
}

export type FieldMap = Record<string, string | number>;

/** [k1, v1, k2, v2, ...] → { k1: v1, ... } with numbers typed (ids, ips and names stay strings). */
export function flatToMap(reply: unknown): FieldMap {
  const map: FieldMap = {};
  if (!Array.isArray(reply)) return map;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const key = String(reply[i]);
    const value = reply[i + 1];
    map[key] = typeof value === 'number' ? value : typeSentinelValue(key, String(value));
  }
  return map;
}

const TEXT_FIELDS = new Set([
  'name',
  'ip',
  'runid',
  'flags',
  'role-reported',
  'master-link-status',
  'master-host',
]);

function typeSentinelValue(key: string, value: string): string | number {
  if (TEXT_FIELDS.has(key)) return value;
  return typeValue(key, value);
}

/** CONFIG GET / SENTINEL CONFIG GET: name → value, kept as the strings Redis returns. */
export function configMap(reply: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) map[String(reply[i])] = String(reply[i + 1]);
  } else if (reply && typeof reply === 'object') {
    for (const [key, value] of Object.entries(reply)) map[key] = String(value);
  }
  return map;
}

export interface CkquorumResult {
  ok: boolean;
  message: string;
}

/**
 * Parses what a Redis or Sentinel command returned into something a check can address; undefined when
 * the reply is already as structured as it gets.
 */
export function parseReply(args: readonly string[], reply: unknown): unknown {
  const command = (args[0] ?? '').toUpperCase();
  const sub = (args[1] ?? '').toUpperCase();
  switch (command) {
    case 'INFO':
      return typeof reply === 'string' ? parseInfo(reply) : undefined;
    case 'ROLE':
      return parseRole(reply);
    case 'CONFIG':
      return sub === 'GET' ? configMap(reply) : undefined;
    case 'SENTINEL':
      return parseSentinelReply(sub, reply);
    default:
      return undefined;
  }
}

export function parseSentinelReply(sub: string, reply: unknown): unknown {
  switch (sub) {
    case 'MASTERS':
    case 'REPLICAS':
    case 'SLAVES':
    case 'SENTINELS':
      return Array.isArray(reply) ? reply.map(flatToMap) : undefined;
    case 'MASTER':
      return flatToMap(reply);
    case 'CKQUORUM':
      return { ok: String(reply).startsWith('OK'), message: String(reply) } satisfies CkquorumResult;
    case 'GET-MASTER-ADDR-BY-NAME':
      if (!Array.isArray(reply) || reply.length < 2) return null;
      return { ip: String(reply[0]), port: Number(reply[1]), address: `${reply[0]}:${reply[1]}` };
    case 'CONFIG':
      return configMap(reply);
    default:
      return undefined;
  }
}
