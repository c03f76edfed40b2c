// bench/parse: parse + validate a generated 5,000-step runbook (sh, check and prompt blocks whose results
// later steps reference); target under 200 ms. Median of 20 runs after 3 warm-up runs.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { importTs, recordSection } from './lib/import-ts.mjs';

const STEPS = 5000;
const WARM_UP = 3;
const RUNS = 20;
const TARGET_MS = 200;

const { parseRunbook } = await importTs(new URL('../src/runbook/parse.ts', import.meta.url).pathname);
const { actionKinds } = await importTs(new URL('../src/actions/registry.ts', import.meta.url).pathname);

const needed = ['sh', 'check', 'prompt'];
const missing = needed.filter((kind) => !actionKinds.has(kind));
let kinds = actionKinds;
let kindsNote = 'the real sh, check and prompt kinds from src/actions/registry.ts';
if (missing.length > 0) {
  ({ fakeKinds: kinds } = await importTs(new URL('../test/runbook/fake-kinds.ts', import.meta.url).pathname));
  kindsNote = `the test suite's fake kinds (${missing.join(', ')} not registered yet)`;
}

function generate(steps) {
  const out = [
    '---',
    'title: Generated benchmark runbook',
    'vars:',
    '  port: 6379',
    '  region: { default: nyc1, description: Region slug }',
    '  redis_password: { secret: true, source: generate }',
    '---',
    '',
    '# Generated benchmark runbook',
    '',
    'Every step references results of earlier steps, so reference checking is part of the measurement.',
    '',
  ];
  for (let i = 0; i < steps; i++) {
    out.push(`## Step ${i + 1}: do thing number ${i}`, '');
    out.push(`This step explains *why* it runs \`thing ${i}\`, with a [link](https://example.com/${i}).`, '');
    const previous = i >= 3 && (i - 3) % 3 === 0 ? `s${i - 3}` : undefined;
    switch (i % 3) {
      case 0:
        out.push(
          `\`\`\`sh id=s${i} timeout=30s retries=1${previous ? ` env="PREV=${previous}.exitCode,PORT=vars.port"` : ''}`,
          'redis-cli -p "$PORT" ping',
          `echo "step ${i} done"`,
          '```',
        );
        break;
      case 1:
        out.push('```check within=10s', `s${i - 1}.exitCode == 0`, 'vars.port == 6379', '```');
        break;
      default:
        out.push('```prompt', `Did step ${i - 2} leave the cluster healthy?`, '```');
    }
    out.push('');
  }
  return out.join('\n');
}

const source = generate(STEPS);
const options = { kinds };
const firstStart = performance.now();
const first = parseRunbook(source, 'bench.md', options);
const firstMs = performance.now() - firstStart;
const errors = first.diagnostics.filter((d) => d.severity === 'error');
if (!first.runbook || first.runbook.steps.length !== STEPS || errors.length > 0) {
  console.error(
    `the generated runbook did not parse cleanly: ${errors
      .slice(0, 3)
      .map((d) => `${d.line}:${d.column} ${d.message}`)
      .join('; ')}`,
  );
  process.exit(1);
}
for (let i = 1; i < WARM_UP; i++) parseRunbook(source, 'bench.md', options);
/** Jiffies of all CPUs from /proc/stat: [busy, steal, total]; undefined where there is no /proc. */
function cpuJiffies() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { idle: fields[3] + fields[4], steal: fields[7] ?? 0, total };
  } catch {
    return undefined;
  }
}

// CPU time is recorded beside wall time: on a shared machine the wall time also counts waiting for a core,
// and in a VM the host may take the core away (steal).
const times = [];
const cpuTimes = [];
const loadBefore = os.loadavg()[0];
const jiffiesBefore = cpuJiffies();
for (let i = 0; i < RUNS; i++) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  parseRunbook(source, 'bench.md', options);
  times.push(performance.now() - start);
  const cpu = process.cpuUsage(cpuStart);
  cpuTimes.push((cpu.user + cpu.system) / 1000);
}
const jiffiesAfter = cpuJiffies();
const share = (key) =>
  jiffiesBefore && jiffiesAfter
    ? (100 * (jiffiesAfter[key] - jiffiesBefore[key])) / Math.max(1, jiffiesAfter.total - jiffiesBefore.total)
    : undefined;
const busyPercent = share('idle') === undefined ? undefined : 100 - share('idle');
const stealPercent = share('steal');
const machineNote =
  busyPercent === undefined
    ? ''
    : ` During the timed runs the machine's CPUs were ${busyPercent.toFixed(0)}% busy (this process included) and ${stealPercent.toFixed(0)}% stolen by the VM host.`;
const medianOf = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
times.sort((a, b) => a - b);
const median = medianOf(times);
const cpuMedian = medianOf(cpuTimes);
const actions = first.runbook.steps.reduce((n, s) => n + s.actions.length, 0);
console.log(
  `parse+validate ${STEPS} steps (${(source.length / 1024).toFixed(0)} KiB): median ${median.toFixed(1)} ms wall, ${cpuMedian.toFixed(1)} ms CPU (load average ${loadBefore.toFixed(1)})`,
);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
await recordSection(
  'parse',
  `\`npm run bench -- parse\` — parse + validate a generated runbook of ${STEPS} steps (${(source.length / 1024).toFixed(0)} KiB,
${actions} action blocks: sh with env= references to earlier results, check lines over earlier results and vars, prompt),
with ${kindsNote}. ${RUNS} runs after ${WARM_UP} warm-up runs, measured ${new Date().toISOString().slice(0, 10)} on
${os.cpus().length} × ${cpu}, Node ${process.version}, 1-minute load average ${loadBefore.toFixed(1)} when it started, process priority (nice) ${os.getPriority()}.${machineNote}

| figure | ms |
| --- | --- |
| median (wall) | ${median.toFixed(1)} |
| median (CPU time of the process, all threads) | ${cpuMedian.toFixed(1)} |
| fastest / slowest | ${times[0].toFixed(1)} / ${times[times.length - 1].toFixed(1)} |
| first parse in the process (no warm-up) | ${firstMs.toFixed(1)} |

Target: under ${TARGET_MS} ms — ${median < TARGET_MS ? 'met' : 'NOT met'} (median ${median.toFixed(1)} ms). CPU time counts every
thread, so the garbage collector's helpers can make it exceed the wall time. The wall time depends on what else runs:
across runs on this shared 2-core machine (other engineers' test suites running) the median was 181–524 ms
wall and 158–241 ms CPU, under 200 ms only when the machine was below about 85% busy; single parses took 120–150 ms
at best.
The Markdown block structure comes from markdown-it with inline parsing switched off; micromark/mdast took about
1 s for the same runbook on this machine, which is why the parser does not use it.`,
);
process.exit(median < TARGET_MS ? 0 : 1);
