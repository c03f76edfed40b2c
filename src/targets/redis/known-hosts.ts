// Host key checking against an OpenSSH known_hosts file (plain and hashed "|1|salt|hash" entries), and
// appending a key the operator accepted, as ssh does on first use.
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** How known_hosts names a host: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** "SHA256:…" as ssh-keygen -l prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH wire-format public key (e.g. "ssh-ed25519"). */
export function keyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString('ascii');
}

function matchesPattern(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  return pattern === name;
}

export type HostKeyStatus = 'known' | 'unknown' | 'changed';

/** Whether known_hosts lists this key for the host (missing file = unknown). */
export async function checkHostKey(
  file: string,
  host: string,
  port: number,
  key: Buffer,
): Promise<HostKeyStatus> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return 'unknown';
  }
  const name = knownHostsName(host, port);
  const type = keyType(key);
  let sawHost = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/);
    const offset = fields[0]?.startsWith('@') ? 1 : 0;
    if (fields[0] === '@revoked') continue;
    const [hosts, entryType, entryKey] = fields.slice(offset);
    if (!hosts || !entryType || !entryKey) continue;
    const negated = hosts.split(',').some((p) => p.startsWith('!') && matchesPattern(p.slice(1), name));
    if (negated || !hosts.split(',').some((p) => matchesPattern(p, name))) continue;
    if (entryType !== type) continue;
    sawHost = true;
    if (Buffer.from(entryKey, 'base64').equals(key)) return 'known';
  }
  return sawHost ? 'changed' : 'unknown';
}

export async function rememberHostKey(file: string, host: string, port: number, key: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await appendFile(file, `${knownHostsName(host, port)} ${keyType(key)} ${key.toString('base64')}\n`, {
    mode: 0o600,
  });
}
