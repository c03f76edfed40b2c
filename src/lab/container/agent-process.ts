// Starting the VPC agent (metadata service + relay, ./vpc-agent.ts) inside the lab's VPC namespace, once
// per lab: detached, so it outlives a crash of the daemon until `lab down` kills it with the namespace.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerLabFiles } from './state.js';

async function agentPid(files: ContainerLabFiles): Promise<number | undefined> {
  const pid = Number((await readFile(files.agentPid, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('_vpc-agent') ? pid : undefined;
}

/** agentCommand runs `drillbook lab _vpc-agent`; it gets `--state-dir stateDir` appended. */
export async function ensureAgent(options: {
  files: ContainerLabFiles;
  namespace: string;
  agentCommand: string[];
  stateDir: string;
}): Promise<void> {
  const { files } = options;
  if ((await agentPid(files)) !== undefined && existsSync(files.relaySocket)) return;
  await mkdir(path.dirname(files.agentLog), { recursive: true });
  const log = openSync(files.agentLog, 'a', 0o600);
  const child = spawn(
    'ip',
    ['netns', 'exec', options.namespace, ...options.agentCommand, '--state-dir', options.stateDir],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  child.unref();
  await writeFile(files.agentPid, `${child.pid}\n`);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(files.relaySocket)) return;
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  const tail = (await readFile(files.agentLog, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-5);
  throw new Error(`the lab's VPC agent did not start:\n    ${tail.join('\n    ')}\n  log: ${files.agentLog}`);
}
