// INFO text → typed sections. Every section is kept (numbers typed); replication, sentinel and keyspace
// get structured entries for the fields that are lists (slaveN, masterN, dbN).

export type InfoValue = string | number;
export type InfoSection = Record<string, InfoValue>;

export interface ReplicaEntry {
  ip: string;
  port: number;
  state: string;
  offset: number;
  lag: number;
  /** host:port */
  address: string;
}

export interface ReplicationInfo {
  role: 'master' | 'slave' | string;
  connected_slaves: number;
  slaves: ReplicaEntry[];
  master_host?: string;
  master_port?: number;
  master_link_status?: 'up' | 'down' | string;
  master_last_io_seconds_ago?: number;
  master_sync_in_progress?: number;
  master_link_down_since_seconds?: number;
  slave_repl_offset?: number;
  master_repl_offset: number;
  master_replid?: string;
  [field: string]: InfoValue | ReplicaEntry[] | undefined;
}

export interface SentinelMasterEntry {
  name: string;
  status: string;
  address: string;
  slaves: number;
  sentinels: number;
}

export interface SentinelInfo {
  sentinel_masters: number;
  sentinel_tilt: number;
  masters: SentinelMasterEntry[];
  [field: string]: InfoValue | SentinelMasterEntry[];
}

export interface ParsedInfo {
  /** Every section by lower-case name, e.g. server, clients, persistence, stats, cpu. */
  sections: Record<string, InfoSection>;
  server?: InfoSection & { redis_version?: string; redis_mode?: string; tcp_port?: number; run_id?: string };
  persistence?: InfoSection;
  replication?: ReplicationInfo;
  sentinel?: SentinelInfo;
  keyspace?: Record<string, { keys: number; expires: number; avg_ttl: number }>;
}

const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** Numbers typed, except identifiers that merely look numeric. */
export function typeValue(key: string, value: string): InfoValue {
  if (!NUMBER.test(value) || /(^|_)(id|replid|runid|sha1|version|ip|host)$/.test(key)) return value;
  const number = Number(value);
  return Number.isSafeInteger(number) || !Number.isInteger(number) ? number : value;
}

/** "a=1,b=x" → { a: 1, b: 'x' } */
function parseList(text: string): Record<string, InfoValue> {
  const fields: Record<string, InfoValue> = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields[pair.slice(0, eq)] = typeValue(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return fields;
}

export function parseInfo(text: string): ParsedInfo {
  const sections: Record<string, InfoSection> = {};
  let current: InfoSection = {};
  let currentName = 'default';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      currentName = line.slice(1).trim().toLowerCase();
      current = sections[currentName] ?? {};
      sections[currentName] = current;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!sections[currentName]) sections[currentName] = current;
    const key = line.slice(0, colon);
    current[key] = typeValue(key, line.slice(colon + 1));
  }
  const info: ParsedInfo = { sections };
  if (sections.server) info.server = sections.server;
  if (sections.persistence) info.persistence = sections.persistence;
  if (sections.replication) info.replication = replicationOf(sections.replication);
  if (sections.sentinel) info.sentinel = sentinelOf(sections.sentinel);
  if (sections.keyspace) {
    info.keyspace = {};
    for (const [db, value] of Object.entries(sections.keyspace)) {
      const fields = parseList(String(value));
      info.keyspace[db] = {
        keys: Number(fields.keys ?? 0),
        expires: Number(fields.expires ?? 0),
        avg_ttl: Number(fields.avg_ttl ?? 0),
      };
    }
  }
  return info;
}

function replicationOf(section: InfoSection): ReplicationInfo {
  const slaves: ReplicaEntry[] = [];
  const rest: Record<string, InfoValue> = {};
  for (const [key, value] of Object.entries(section)) {
    if (/^slave\d+$/.test(key) && typeof value === 'string' && value.includes('=')) {
      const fields = parseList(value);
      const ip = String(fields.ip ?? '');
      const port = Number(fields.port ?? 0);
      slaves.push({
        ip,
        port,
        state: String(fields.state ?? ''),
        offset: Number(fields.offset ?? 0),
        lag: Number(fields.lag ?? 0),
        address: `${ip}:${port}`,
      });
    } else {
      rest[key] = value;
    }
  }
  return {
    ...rest,
    role: String(section.role ?? ''),
    connected_slaves: Number(section.connected_slaves ?? 0),
    master_repl_offset: Number(section.master_repl_offset ?? 0),
    slaves,
  } as ReplicationInfo;
}

function sentinelOf(section: InfoSection): SentinelInfo {
  const masters: SentinelMasterEntry[] = [];
  const rest: Record<string, InfoValue> = {};
  for (const [key, value] of Object.entries(section)) {
    if (/^master\d+$/.test(key) && typeof value === 'string') {
      const fields = parseList(value);
      masters.push({
        name: String(fields.name ?? ''),
        status: String(fields.status ?? ''),
        address: String(fields.address ?? ''),
        slaves: Number(fields.slaves ?? 0),
        sentinels: Number(fields.sentinels ?? 0),
      });
    } else {
      rest[key] = value;
    }
  }
  return {
    ...rest,
    sentinel_masters: Number(section.sentinel_masters ?? masters.length),
    sentinel_tilt: Number(section.sentinel_tilt ?? 0),
    masters,
  };
}
