// ssh_key.ensure: the SSH key every droplet gets (so DigitalOcean emails no root passwords and the operator
// can log in): an existing key named by id or fingerprint, or a local public key file uploaded once and
// adopted by fingerprint when it is already on the account.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { allPages } from '../../targets/digitalocean/pages.js';
import type { ApiSession } from '../../targets/digitalocean/session.js';
import { DoStepError } from '../../targets/digitalocean/session.js';
import type { SpecOf } from './schema.js';

const MD5_FINGERPRINT = /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/i;
const PUBLIC_KEY =
  /^(ssh-(?:rsa|ed25519)|ecdsa-sha2-nistp(?:256|384|521)|sk-[a-z0-9@.-]+) ([A-Za-z0-9+/]+={0,2})(?:\s.*)?$/;

/** DigitalOcean's fingerprint: the MD5 of the key blob, colon-separated hex. */
export function md5Fingerprint(blob: string): string {
  return (createHash('md5').update(Buffer.from(blob, 'base64')).digest('hex').match(/../g) ?? []).join(':');
}

export function defaultPublicKeyFiles(home = homedir()): string[] {
  return [join(home, '.ssh', 'id_ed25519.pub'), join(home, '.ssh', 'id_rsa.pub')];
}

async function readPublicKey(files: string[]): Promise<{ file: string; text: string; blob: string }> {
  const problems: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = (await readFile(file, 'utf8')).trim();
    } catch (error) {
      problems.push(`${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      continue;
    }
    const match = PUBLIC_KEY.exec(text);
    if (!match) {
      throw new DoStepError(
        `${file} is not an OpenSSH public key ("ssh-ed25519 AAAA… comment"); give the .pub file, never the private key`,
      );
    }
    return { file, text, blob: match[2] as string };
  }
  throw new DoStepError(
    `no SSH public key to give the droplets (${problems.join('; ')}). Create one with \`ssh-keygen -t ed25519\`, or name a key already on the account: --var ssh_key=<fingerprint or id>`,
  );
}

/**
 * The lab needs no key of the operator's: when none exists, it makes its own pair beside its state (the
 * container lab's sshd then accepts it; the tunnel finds it through ssh_key.private_key).
 */
async function labKey(stateDir: string): Promise<string> {
  const dir = join(stateDir, 'ssh');
  const file = join(dir, 'id_ed25519');
  try {
    await readFile(`${file}.pub`);
    return `${file}.pub`;
  } catch {}
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await promisify(execFile)('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'drillbook-lab',
      '-f',
      file,
    ]);
  } catch (error) {
    throw new DoStepError(
      `no SSH key in ~/.ssh and the lab could not make one with ssh-keygen (${(error as Error).message}); install OpenSSH or pass --var ssh_key=path/to/key.pub`,
    );
  }
  return `${file}.pub`;
}

function expandHome(path: string): string {
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

export async function ensureSshKeyOp(
  session: ApiSession,
  spec: SpecOf<'ssh_key.ensure'>,
  ctx: Pick<ActionContext, 'target'>,
): Promise<ActionOutcome> {
  const key = spec.key;
  if (/^\d+$/.test(key) || MD5_FINGERPRINT.test(key)) {
    try {
      const { ssh_key } = await session.call((client) => client.sshKey.getSshKey({ ssh_key_id: key }));
      return outcome(ssh_key, false, `SSH key ${ssh_key.name} (${ssh_key.fingerprint}) found on the account`);
    } catch (error) {
      if (error instanceof DoStepError && error.apiError?.status === 404) {
        throw new DoStepError(
          `the account has no SSH key ${key}; list its keys with \`doctl compute ssh-key list\`, or give a public key file: --var ssh_key=~/.ssh/id_ed25519.pub`,
          error.apiError,
        );
      }
      throw error;
    }
  }
  const target = await ctx.target();
  const labStateDir = target.name === 'lab' ? target.lab?.stateDir : undefined;
  const candidates = key ? [expandHome(key)] : defaultPublicKeyFiles();
  const local = await readPublicKey(candidates).catch(async (error) => {
    if (key || !labStateDir) throw error;
    return readPublicKey([await labKey(labStateDir)]);
  });
  const fingerprint = md5Fingerprint(local.blob);
  const ssh_keys = await allPages(
    (query) => session.call((client) => client.sshKey.listSshKeys(query)),
    (page) => page.ssh_keys,
  );
  const existing = ssh_keys.find((candidate) => candidate.fingerprint === fingerprint);
  if (existing) {
    return outcome(
      existing,
      false,
      `SSH key ${local.file} is already on the account as ${existing.name}`,
      local.file,
    );
  }
  const { ssh_key } = await session.call(
    (client) => client.sshKey.createSshKey({ name: spec.name, public_key: local.text }),
    'rejected-only',
  );
  return outcome(ssh_key, true, `SSH key ${local.file} uploaded as ${ssh_key.name}`, local.file);
}

function outcome(
  key: { id: number; fingerprint: string; name: string },
  created: boolean,
  summary: string,
  file?: string,
): ActionOutcome {
  return {
    ok: true,
    summary: `${summary} (${key.fingerprint})`,
    data: {
      id: key.id,
      fingerprint: key.fingerprint,
      name: key.name,
      created,
      // The private half beside a .pub file: the jump host tunnel logs in with it when via_key is not set.
      ...(file ? { file, private_key: file.replace(/\.pub$/, '') } : {}),
    },
  };
}
