// bench/provision: wall time for the `do` action's droplets.ensure (the product's provisioning path: one
// create request, one shared poll loop) to bring 5 droplets to active vs 1, against the lab emulator with
// the real supervisor booting each droplet (a redis-server from the shipped template) and the lab's default
// 1 s boot delay. The action runs in createTestContext: the engine's own ActionContext (createActionContext)
// with a scripted operator, so what is measured is what the engine runs. Target: 5 / 1 ≤ 1.3. Also counts
// API requests: polling should grow with time, not with the number of droplets. Droplets on 127.37.0.0/24.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs, recordSection } from './lib/import-ts.mjs';

const RUNS = 3;
const TOKEN = 'bench-provision-token';
const repo = fileURLToPath(new URL('..', import.meta.url));
const src = (file) => path.join(repo, 'src', file);
const { startEmulator } = await importTs(src('lab/emulator/index.ts'));
const { LabSupervisor } = await importTs(src('lab/supervisor.ts'));
const { doKind } = await importTs(src('actions/do/index.ts'));
const { createTestContext, parsedAction } = await importTs(src('actions/test-context.ts'));

async function provision(count) {
  const labDir = await mkdtemp(path.join(os.tmpdir(), 'drillbook-bench-provision-'));
  const supervisor = new LabSupervisor({ labDir });
  const emulator = await startEmulator({
    token: TOKEN,
    runtime: supervisor,
    defaultVpcRange: '127.37.0.0/24',
  });
  const names = Array.from({ length: count }, (_, i) => `bench-${i + 1}`);
  const body = [
    'op: droplets.ensure',
    `names: [${names.join(', ')}]`,
    'region: nyc3',
    'size: s-1vcpu-1gb',
    'image: ubuntu-24-04-x64',
    'tags: [bench]',
    'user_data:',
    '  template: templates/redis-node.cloud-init.yaml',
    '  params: { replicaof: "no one" }',
    'wait: active',
  ].join('\n');
  const { spec, action } = parsedAction(doKind, { body });
  const t = createTestContext({
    action,
    vars: { redis_password: 'bench-provision-password' },
    secretVars: ['redis_password'],
    runbook: { baseDir: path.join(repo, 'runbooks') },
    target: { name: 'lab', apiUrl: emulator.url, token: TOKEN, lab: { stateDir: labDir } },
  });
  try {
    const started = performance.now();
    const outcome = await doKind.run(spec, t.ctx);
    const ms = performance.now() - started;
    if (!outcome.ok) throw new Error(`droplets.ensure failed: ${outcome.error}`);
    const requests = emulator.requests;
    const polls = requests.filter((r) => r.method === 'GET').length;
    const creates = requests.filter((r) => r.method === 'POST').length;
    return { ms, total: requests.length, polls, creates };
  } finally {
    await t.close();
    await emulator.close();
    for (const name of names)
      await supervisor.destroy({ id: 0, name, privateIp: '', publicIp: '', tags: [] });
    await rm(labDir, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = { 1: [], 5: [] };
for (let i = 0; i < RUNS; i++) {
  for (const count of [1, 5]) {
    const figures = await provision(count);
    results[count].push(figures);
    console.log(
      `run ${i + 1}, ${count} droplet(s):`,
      JSON.stringify({ ...figures, ms: Math.round(figures.ms) }),
    );
  }
}

const summary = (count) => {
  const runs = results[count];
  return {
    ms: median(runs.map((r) => r.ms)),
    total: median(runs.map((r) => r.total)),
    polls: median(runs.map((r) => r.polls)),
    creates: median(runs.map((r) => r.creates)),
    all: runs.map((r) => Math.round(r.ms)).join(' / '),
  };
};
const one = summary(1);
const five = summary(5);
const ratio = five.ms / one.ms;
await recordSection(
  'provision',
  `\`npm run bench -- provision\` — the \`do\` action's \`droplets.ensure\` (one create request, one shared poll loop,
\`wait: active\`) against the lab emulator with the real supervisor: each droplet boots a redis-server from
\`runbooks/templates/redis-node.cloud-init.yaml\`, lab boot delay 1 s. ${RUNS} runs each, a fresh emulator per run.
The action runs in the engine's own action context (\`createActionContext\`, through \`createTestContext\`).
Measured ${new Date().toISOString().slice(0, 10)}.

| droplets | wall ms (runs) | median ms | API requests | of which polls (GET) | creates (POST) |
| --- | --- | --- | --- | --- | --- |
| 1 | ${one.all} | ${Math.round(one.ms)} | ${one.total} | ${one.polls} | ${one.creates} |
| 5 | ${five.all} | ${Math.round(five.ms)} | ${five.total} | ${five.polls} | ${five.creates} |

Ratio 5 / 1: **${ratio.toFixed(2)}** — target ≤ 1.3 ${ratio <= 1.3 ? 'met' : 'NOT met'}. Polling requests track the wait,
not the droplet count.`,
);
process.exit(0);
