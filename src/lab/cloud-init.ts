// Reads the part of a #cloud-config that the lab can honour: the files it writes and the Redis services it
// runs. Shell in runcmd is never executed: the lab recognises systemctl lines and nothing else.
import { parse } from 'yaml';

export type LabService = 'redis-server' | 'redis-sentinel';

export interface CloudInitFile {
  /** Absolute path on the droplet, e.g. /etc/redis/redis.conf. */
  path: string;
  content: string;
  /** Octal mode string as written, e.g. "0640". */
  permissions?: string;
}

export interface CloudInitPlan {
  files: CloudInitFile[];
  /** Services enabled or started, in first-mention order. */
  services: LabService[];
}

export class CloudInitError extends Error {
  constructor(droplet: string, message: string) {
    super(`droplet ${droplet}: user_data: ${message}`);
    this.name = 'CloudInitError';
  }
}

const SERVICE_NAMES: Record<string, LabService> = {
  'redis-server': 'redis-server',
  'redis-server.service': 'redis-server',
  redis: 'redis-server',
  'redis.service': 'redis-server',
  'redis-sentinel': 'redis-sentinel',
  'redis-sentinel.service': 'redis-sentinel',
  sentinel: 'redis-sentinel',
};

/** Installing the Debian package starts its service, as apt does on Ubuntu. */
const PACKAGE_SERVICES: Record<string, LabService> = {
  'redis-server': 'redis-server',
  redis: 'redis-server',
  'redis-sentinel': 'redis-sentinel',
};

const STARTING_VERBS = new Set(['enable', 'start', 'restart', 'reload-or-restart', 'try-restart']);
const STOPPING_VERBS = new Set(['disable', 'stop', 'mask']);

function commandText(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry) && entry.every((part) => typeof part === 'string')) return entry.join(' ');
  return undefined;
}

/** Services named by `systemctl <verb> [--now] unit...` commands, split on shell separators. */
function systemctlEffects(command: string): Array<{ service: LabService; starts: boolean }> {
  const effects: Array<{ service: LabService; starts: boolean }> = [];
  for (const segment of command.split(/&&|\|\||;|\n/)) {
    const words = segment.trim().split(/\s+/);
    const at = words.findIndex((word) => word === 'systemctl' || word.endsWith('/systemctl'));
    if (at < 0) continue;
    const rest = words.slice(at + 1).filter((word) => !word.startsWith('-'));
    const verb = rest[0];
    if (!verb) continue;
    const starts = STARTING_VERBS.has(verb);
    if (!starts && !STOPPING_VERBS.has(verb)) continue;
    for (const unit of rest.slice(1)) {
      const service = SERVICE_NAMES[unit];
      if (service) effects.push({ service, starts });
    }
  }
  return effects;
}

function packageName(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry.split('=')[0];
  if (Array.isArray(entry) && typeof entry[0] === 'string') return entry[0];
  return undefined;
}

export function parseCloudInit(droplet: string, userData: string): CloudInitPlan {
  if (!userData.startsWith('#cloud-config')) {
    throw new CloudInitError(
      droplet,
      'the lab only understands #cloud-config user_data (the first line must be "#cloud-config")',
    );
  }
  let document: unknown;
  try {
    document = parse(userData);
  } catch (error) {
    // Only the first line: the parser's code frame would quote user_data, which may hold secrets.
    const headline = ((error as Error).message.split('\n')[0] ?? '').replace(/:$/, '');
    throw new CloudInitError(droplet, `not valid YAML: ${headline}`);
  }
  const config = (document ?? {}) as Record<string, unknown>;
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new CloudInitError(droplet, 'the #cloud-config document must be a mapping');
  }

  const files: CloudInitFile[] = [];
  const writeFiles = config.write_files ?? [];
  if (!Array.isArray(writeFiles)) throw new CloudInitError(droplet, 'write_files must be a list');
  writeFiles.forEach((entry, index) => {
    const file = entry as Record<string, unknown>;
    if (typeof file?.path !== 'string' || !file.path.startsWith('/')) {
      throw new CloudInitError(droplet, `write_files[${index}].path must be an absolute path`);
    }
    if (file.encoding !== undefined && file.encoding !== 'text/plain') {
      throw new CloudInitError(
        droplet,
        `write_files[${index}] (${file.path}): encoding ${String(file.encoding)} is not supported by the lab; write plain text`,
      );
    }
    const content = file.content ?? '';
    if (typeof content !== 'string') {
      throw new CloudInitError(droplet, `write_files[${index}] (${file.path}): content must be text`);
    }
    const permissions = typeof file.permissions === 'string' ? file.permissions : undefined;
    files.push({ path: file.path, content, ...(permissions ? { permissions } : {}) });
  });

  const enabled = new Map<LabService, boolean>();
  const packages = config.packages ?? [];
  if (!Array.isArray(packages)) throw new CloudInitError(droplet, 'packages must be a list');
  for (const entry of packages) {
    const service = PACKAGE_SERVICES[packageName(entry) ?? ''];
    if (service && !enabled.has(service)) enabled.set(service, true);
  }
  const runcmd = config.runcmd ?? [];
  if (!Array.isArray(runcmd)) throw new CloudInitError(droplet, 'runcmd must be a list');
  for (const entry of runcmd) {
    const command = commandText(entry);
    if (!command) continue;
    for (const { service, starts } of systemctlEffects(command)) enabled.set(service, starts);
  }
  const services = [...enabled.entries()].filter(([, on]) => on).map(([service]) => service);
  return { files, services };
}
