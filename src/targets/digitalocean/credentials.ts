// Where the DigitalOcean token and API URL come from, in the order doctl users expect:
// DIGITALOCEAN_ACCESS_TOKEN, then DIGITALOCEAN_TOKEN, then doctl's config file.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { TargetInfo } from '../../contract/action.js';

export const DEFAULT_API_URL = 'https://api.digitalocean.com/v2';

/** Raised when no usable token is found; the message names every place that was looked at, never a token. */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

interface Environment {
  [name: string]: string | undefined;
}

export interface ResolveOptions {
  /** doctl auth context (like `doctl --context`); defaults to DIGITALOCEAN_CONTEXT, then the file's `context`. */
  context?: string;
  /** For tests: the environment to read instead of process.env. */
  env?: Environment;
}

export function doctlConfigPath(env: Environment = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'doctl', 'config.yaml');
}

/** The sources in lookup order, for error messages that tell the operator where to put a token. */
export function describeTokenSources(env: Environment = process.env): string {
  return `DIGITALOCEAN_ACCESS_TOKEN, DIGITALOCEAN_TOKEN, or doctl's config file ${doctlConfigPath(env)} (access-token, or auth-contexts with --context)`;
}

/** The API base URL including /v2; a doctl-style URL without the version gets it appended. */
export function resolveApiUrl(env: Environment = process.env): string {
  const configured = env.DIGITALOCEAN_API_URL?.trim();
  if (!configured) return DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw new CredentialsError(
      `DIGITALOCEAN_API_URL "${configured}" is not a URL; set it like https://api.digitalocean.com/v2 or unset it`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v2') ? path : `${path}/v2`;
  return url.toString().replace(/\/+$/, '');
}

interface DoctlConfig {
  'access-token'?: unknown;
  'auth-contexts'?: unknown;
  context?: unknown;
}

async function readDoctlConfig(path: string): Promise<DoctlConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CredentialsError(`cannot read doctl's config ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed: unknown = parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as DoctlConfig) : {};
  } catch (error) {
    // The YAML error can quote the offending line, which may hold a token: report the position only.
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new CredentialsError(
      `doctl's config ${path} is not valid YAML${line ? ` (line ${line})` : ''}; fix it or set DIGITALOCEAN_ACCESS_TOKEN`,
    );
  }
}

function tokenFromDoctl(
  config: DoctlConfig,
  path: string,
  requestedContext: string | undefined,
): { token: string; source: string } | undefined {
  const context = requestedContext ?? (typeof config.context === 'string' ? config.context : undefined);
  if (context && context !== 'default') {
    const contexts = config['auth-contexts'];
    const token =
      contexts && typeof contexts === 'object' ? (contexts as Record<string, unknown>)[context] : undefined;
    if (typeof token === 'string' && token.trim()) {
      return { token: token.trim(), source: `doctl auth context "${context}" in ${path}` };
    }
    const known =
      contexts && typeof contexts === 'object' ? Object.keys(contexts as Record<string, unknown>) : [];
    throw new CredentialsError(
      `doctl auth context "${context}" has no token in ${path} (known contexts: ${known.length ? known.join(', ') : 'none'}); run \`doctl auth init --context ${context}\` or pick another context`,
    );
  }
  const token = config['access-token'];
  if (typeof token === 'string' && token.trim()) {
    return { token: token.trim(), source: `access-token in ${path}` };
  }
  return undefined;
}

/** Resolves the DigitalOcean target; reads no network. The token is never part of any message. */
export async function resolveDigitalOceanTarget(options: ResolveOptions = {}): Promise<TargetInfo> {
  const env = options.env ?? process.env;
  const apiUrl = resolveApiUrl(env);
  const requestedContext = options.context ?? (env.DIGITALOCEAN_CONTEXT?.trim() || undefined);
  // As in doctl, a token given through the environment wins over any config-file context.
  for (const name of ['DIGITALOCEAN_ACCESS_TOKEN', 'DIGITALOCEAN_TOKEN']) {
    const token = env[name]?.trim();
    if (token) return { name: 'digitalocean', apiUrl, token, tokenSource: name };
  }
  const path = doctlConfigPath(env);
  const config = await readDoctlConfig(path);
  const found = config ? tokenFromDoctl(config, path, requestedContext) : undefined;
  if (found) return { name: 'digitalocean', apiUrl, token: found.token, tokenSource: found.source };
  throw new CredentialsError(
    `no DigitalOcean API token found: looked in ${describeTokenSources(env)}; create a token at https://cloud.digitalocean.com/account/api/tokens and export DIGITALOCEAN_ACCESS_TOKEN, or run \`doctl auth init\``,
  );
}
