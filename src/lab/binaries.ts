// Finding redis-server / redis-sentinel, and saying exactly how to install them when they are missing.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LabService } from './cloud-init.js';

const execFileAsync = promisify(execFile);

export type LabBinaries = Record<LabService, string>;

export async function findExecutable(
  name: string,
  searchPath = process.env.PATH ?? '',
): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export const INSTALL_HINT = [
  'Install Redis 7 or later:',
  '  Debian/Ubuntu:  sudo apt-get install redis-server redis-sentinel',
  '  macOS:          brew install redis',
  '  Fedora/RHEL:    sudo dnf install redis   (redis-sentinel is included)',
  '  other systems:  https://redis.io/docs/latest/operate/oss_and_stack/install/',
].join('\n');

export class MissingBinariesError extends Error {
  constructor(
    readonly missing: LabService[],
    extraHint?: string,
  ) {
    super(
      `the lab needs ${missing.join(' and ')}, not found on PATH.\n${INSTALL_HINT}${extraHint ? `\n${extraHint}` : ''}`,
    );
    this.name = 'MissingBinariesError';
  }
}

export async function findLabBinaries(): Promise<{ found: Partial<LabBinaries>; missing: LabService[] }> {
  const found: Partial<LabBinaries> = {};
  const missing: LabService[] = [];
  for (const name of ['redis-server', 'redis-sentinel'] as const) {
    const where = await findExecutable(name);
    if (where) found[name] = where;
    else missing.push(name);
  }
  return { found, missing };
}

export async function requireLabBinaries(): Promise<LabBinaries> {
  const { found, missing } = await findLabBinaries();
  if (missing.length > 0) throw new MissingBinariesError(missing);
  return found as LabBinaries;
}

/** True when `lab up` may install the packages itself: root on Debian or Ubuntu with apt-get. */
export async function canInstallWithApt(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const release = await readFile('/etc/os-release', 'utf8').catch(() => '');
  if (!/^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release)) return false;
  return (await findExecutable('apt-get')) !== undefined;
}

export async function installWithApt(output: (line: string) => void): Promise<void> {
  output('Installing redis-server and redis-sentinel with apt-get …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execFileAsync('apt-get', ['update'], { env });
  await execFileAsync('apt-get', ['install', '-y', 'redis-server', 'redis-sentinel'], { env });
}

export interface InstallPolicy {
  /** yes = install missing binaries with apt (root on Debian/Ubuntu); ask = use `confirm`. */
  installDeps: 'yes' | 'ask' | 'no';
  confirm?: (question: string) => Promise<boolean>;
}

/** Makes sure redis-server and redis-sentinel exist, installing them with apt when the policy allows. */
export async function ensureLabBinaries(
  policy: InstallPolicy,
  progress: (line: string) => void,
): Promise<void> {
  const { missing } = await findLabBinaries();
  if (missing.length === 0) return;
  const aptPossible = await canInstallWithApt();
  if (policy.installDeps !== 'no' && aptPossible) {
    const agreed =
      policy.installDeps === 'yes' ||
      (policy.confirm !== undefined &&
        (await policy.confirm(`Install ${missing.join(' and ')} with apt-get now? [y/N] `)));
    if (agreed) {
      await installWithApt(progress);
      const after = await findLabBinaries();
      if (after.missing.length === 0) return;
      throw new MissingBinariesError(after.missing);
    }
  }
  throw new MissingBinariesError(
    missing,
    aptPossible
      ? 'Or let drillbook install them: add --install-deps (drillbook lab up / drillbook run)'
      : undefined,
  );
}
