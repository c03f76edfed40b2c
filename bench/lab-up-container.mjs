// bench/lab-up-container: the container lab (root, Linux). Image build from nothing (into a temporary
// cache folder), then with the image cached: `drillbook lab up --mode container` (5 droplets: 1 master,
// 1 replica, 3 Sentinels) from nothing running to a healthy cluster, each droplet's memory (PSS of every
// process in its cgroup, the nspawn launcher included) and its overlay disk (the private upper layer).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { recordSection } from './lib/import-ts.mjs';

if (process.getuid?.() !== 0 || process.platform !== 'linux') {
  console.error('bench/lab-up-container needs root on Linux (systemd-nspawn, network namespaces)');
  process.exit(1);
}

const RUNS = 2;
const run = promisify(execFile);
const cli = fileURLToPath(new URL('../bin/drillbook.js', import.meta.url));

async function drillbook(env, ...args) {
  const started = performance.now();
  const { stdout } = await run(process.execPath, [cli, ...args], { env, timeout: 600_000 });
  return { ms: performance.now() - started, stdout };
}

/** Every pid in a cgroup v2 folder and its children. */
async function cgroupPids(dir) {
  const pids = (await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map(Number);
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) pids.push(...(await cgroupPids(path.join(dir, entry.name))));
  }
  return pids;
}

async function pssKiB(pid) {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
}

async function diskBytes(dir) {
  const { stdout } = await run('du', ['-sb', dir]);
  return Number(stdout.split('\t')[0]);
}

// 1. lab up with the image cached (built first if the user's cache does not hold it yet).
await drillbook(process.env, 'lab', 'image', 'build');
const ups = [];
const pss = [];
const disk = [];
for (let i = 0; i < RUNS; i++) {
  const state = await mkdtemp(path.join(os.tmpdir(), 'drillbook-bench-lab-'));
  const env = { ...process.env, XDG_STATE_HOME: state };
  const labDir = path.join(state, 'drillbook', 'lab');
  try {
    const up = await drillbook(env, 'lab', 'up', '--mode', 'container', '--json');
    const result = JSON.parse(up.stdout);
    if (!result.health.healthy) throw new Error('lab up returned without a healthy cluster');
    ups.push(up.ms);
    const key = createHash('sha256').update(labDir).digest('hex').slice(0, 6);
    for (const droplet of result.droplets) {
      const pids = await cgroupPids(`/sys/fs/cgroup/unified/drillbook/${key}/d${droplet.id}`);
      pss.push((await Promise.all(pids.map(pssKiB))).reduce((a, b) => a + b, 0) / 1024);
      disk.push(
        (await diskBytes(path.join(labDir, 'container/containers', `d${droplet.id}`, 'upper'))) / 1e6,
      );
    }
    console.log(`run ${i + 1}: healthy in ${Math.round(up.ms)} ms`);
  } finally {
    await drillbook(env, 'lab', 'down').catch((error) => console.error(`lab down failed: ${error.message}`));
    await rm(state, { recursive: true, force: true });
  }
}

// 2. Image build from nothing (last, so its disk writes do not slow the boots measured above), in a cache folder of its own (the user's cached image is left alone).
const cache = await mkdtemp(path.join(os.tmpdir(), 'drillbook-bench-image-'));
let buildMs;
try {
  buildMs = (await drillbook({ ...process.env, XDG_CACHE_HOME: cache }, 'lab', 'image', 'build')).ms;
  console.log(`image build from nothing: ${Math.round(buildMs / 1000)} s`);
} finally {
  await rm(cache, { recursive: true, force: true });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const max = (values) => Math.max(...values);
await recordSection(
  'lab-up-container',
  `\`npm run bench -- lab-up-container\` (root) — the container lab on this 2-core machine, measured
${new Date().toISOString().slice(0, 10)}.

| | measured | target |
| --- | --- | --- |
| image build from nothing (\`lab image build\`, empty cache) | ${Math.round(buildMs / 1000)} s | ≤ 180 s |
| \`lab up --mode container\`, image cached, 5 droplets → healthy (${RUNS} runs) | ${ups.map((v) => (v / 1000).toFixed(1)).join(' / ')} s | ≤ 25 s |
| memory per droplet, PSS of its cgroup (median / max of ${pss.length}) | ${median(pss).toFixed(1)} / ${max(pss).toFixed(1)} MiB | ≤ 40 MiB |
| overlay disk per droplet, upper layer (median / max) | ${median(disk).toFixed(1)} / ${max(disk).toFixed(1)} MB | ≤ 30 MB |

Healthy means what \`lab up\` checks: CKQUORUM OK on every Sentinel, each seeing the other two and knowing the
replica, the replica's link up. The time includes starting the emulator daemon and the VPC agent, booting
the Redis nodes (real cloud-init: apt installs redis-server from the offline repository), waiting until the
replica is connected, booting the Sentinels, and Sentinel discovery.`,
);
