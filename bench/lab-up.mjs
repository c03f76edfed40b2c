// bench/lab-up: wall time of `drillbook lab up` (the built CLI) from nothing running to a healthy cluster
// (CKQUORUM OK on every Sentinel, each seeing the other two and knowing the replica, replica link up), and
// of a second `lab up` on a healthy lab. Runs on 127.36.0.0/24 with its own XDG_STATE_HOME.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { recordSection } from './lib/import-ts.mjs';

const RUNS = 3;
const run = promisify(execFile);
const cli = fileURLToPath(new URL('../bin/drillbook.js', import.meta.url));

async function lab(env, ...args) {
  const started = performance.now();
  const { stdout } = await run(process.execPath, [cli, 'lab', ...args], { env, timeout: 180_000 });
  return { ms: performance.now() - started, stdout };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cold = [];
const warm = [];
for (let i = 0; i < RUNS; i++) {
  const state = await mkdtemp(path.join(os.tmpdir(), 'drillbook-bench-lab-'));
  const env = { ...process.env, XDG_STATE_HOME: state };
  try {
    const first = await lab(env, 'up', '--ip-range', '127.36.0.0/24', '--down-after', '1000', '--json');
    if (!JSON.parse(first.stdout).health.healthy)
      throw new Error('lab up returned without a healthy cluster');
    const second = await lab(env, 'up', '--json');
    cold.push(first.ms);
    warm.push(second.ms);
    console.log(`run ${i + 1}: cold ${Math.round(first.ms)} ms, second up ${Math.round(second.ms)} ms`);
  } finally {
    await lab(env, 'down').catch((error) => console.error(`lab down failed: ${error.message}`));
    await rm(state, { recursive: true, force: true });
  }
}

const row = (label, values) =>
  `| ${label} | ${values.map((v) => Math.round(v)).join(' / ')} | ${Math.round(median(values))} |`;
await recordSection(
  'lab-up',
  `\`npm run bench -- lab-up\` — ${RUNS} runs of \`drillbook lab up --down-after 1000\` (the built CLI, a fresh state folder
each time): the emulator daemon started, 1 master + 1 replica + 3 Sentinels provisioned through its API (boot
delay 1 s per droplet batch), until the cluster is healthy; then a second \`lab up\` on the healthy lab.
Wall time of the CLI process in ms, measured ${new Date().toISOString().slice(0, 10)}.

| | runs | median |
| --- | --- | --- |
${row('cold: nothing running → healthy', cold)}
${row('second up on a healthy lab', warm)}

Where the cold time goes: two emulator boot delays (Redis nodes, then Sentinels once the replica is
connected, 1 s each), the master's diskless-sync delay (\`repl-diskless-sync-delay\`, 5 s by default, kept because
the template is the production one) before the replica link is up, and Sentinel discovery (hello messages every 2 s).`,
);
