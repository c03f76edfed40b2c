// Commands run inside a container-lab droplet's network namespace: a peer's own view of the VPC, which the host
// never routes to.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dropletNamespace } from '../../../src/lab/container/netns.js';

const execFileAsync = promisify(execFile);

export async function inDroplet(
  labKey: string,
  dropletId: number,
  command: string[],
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('ip', [
      'netns',
      'exec',
      dropletNamespace(labKey, dropletId),
      ...command,
    ]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout?: string; stderr?: string };
    return { code: failed.code, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

/** redis-cli from inside a droplet, ended by timeout(1) after 3 s: a dropped packet shows as exit code 124. */
export function redisCliIn(
  labKey: string,
  dropletId: number,
  host: string,
  port: number,
  ...args: string[]
): Promise<{ code: number; output: string }> {
  return inDroplet(labKey, dropletId, [
    'timeout',
    '3',
    'redis-cli',
    '--no-auth-warning',
    '-h',
    host,
    '-p',
    String(port),
    ...args,
  ]);
}
