// A step streaming 10,000 lines at 1,000 lines/s in the real TUI (`node dist/cli.js run` in a pseudo-terminal):
// how long a keystroke takes to show on screen while it streams, and how much memory the program holds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPrivateCli } from './lib/build-cli.mjs';
import { recordSection } from './lib/import-ts.mjs';
import { sampleRss, summarize, switchSteps } from './lib/keystrokes.mjs';
import { launchFlags } from './lib/launch.mjs';
import { median, rssMiB, spawnInPty } from './lib/pty.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const LINES = 10_000;
const LINES_PER_SECOND = 1_000;
const KEY_INTERVAL_MS = 300;
// Each marker shows only while its step is selected: its frame is the one that answers the keystroke.
const STREAM_MARKER = 'STREAMSTEPSHOWN';
const IDLE_MARKER = 'IDLESTEPSHOWN';

const built = await buildPrivateCli('bench-render');
const dir = mkdtempSync(join(tmpdir(), 'drillbook-bench-render-'));
const generator = join(dir, 'stream.mjs');
writeFileSync(
  generator,
  `let n = 0;
const perTick = ${LINES_PER_SECOND / 100};
const timer = setInterval(() => {
  let chunk = '';
  for (let i = 0; i < perTick && n < ${LINES}; i++) chunk += \`line \${++n} of ${LINES}: the quick brown fox jumps over the lazy dog\\n\`;
  process.stdout.write(chunk);
  if (n >= ${LINES}) clearInterval(timer);
}, 10);
`,
);
const runbook = join(dir, 'render.md');
writeFileSync(
  runbook,
  `---
title: Render benchmark
---

## Stream ten thousand lines

${STREAM_MARKER}: prints ${LINES} lines at ${LINES_PER_SECOND} lines/s.

\`\`\`sh id=stream safety=safe
node ${JSON.stringify(generator)}
\`\`\`

## Idle

${IDLE_MARKER}: nothing to see.

\`\`\`sh id=idle safety=safe
true
\`\`\`
`,
);

const pty = spawnInPty([process.execPath, ...launchFlags(), built.cli, 'run', runbook], {
  cwd: root,
  env: { XDG_STATE_HOME: dir },
});
let latencies = [];
let rss = [];
let streamSeconds = 0;
let idleRss = Number.NaN;
try {
  await pty.waitFor(STREAM_MARKER);
  const pid = pty.programPid();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  idleRss = rssMiB(pid) ?? Number.NaN;
  const sampler = sampleRss(pid);
  rss = sampler.samples;
  pty.write('\r');
  const streamStart = await pty.waitFor(` of ${LINES}: `);
  const switched = await switchSteps(pty, {
    markers: [STREAM_MARKER, IDLE_MARKER],
    intervalMs: KEY_INTERVAL_MS,
    until: () => pty.output.includes(`line ${LINES} of`),
  });
  latencies = switched.latencies;
  streamSeconds = (performance.now() - streamStart) / 1000;
  sampler.stop();
  if (!switched.onFirst) pty.write('k');
  pty.write('q');
  await pty.exited;
} finally {
  pty.kill();
  rmSync(dir, { recursive: true, force: true });
  built.remove();
}

const fmt = (n, digits = 0) => n.toFixed(digits);
const { p50, p95, max: maxLatency, rssPeak: peakRss } = summarize(latencies, rss);
const load = loadavg()[0].toFixed(1);
console.log(
  `keystroke→frame p50 ${fmt(p50)} ms, p95 ${fmt(p95)} ms, max ${fmt(maxLatency)} ms over ${latencies.length} keys; ` +
    `RSS idle ${fmt(idleRss)} MiB, peak ${fmt(peakRss)} MiB; streamed in ${fmt(streamSeconds, 1)} s; load ${load}`,
);
await recordSection(
  'render',
  `\`npm run bench -- render\` — the built CLI in a pseudo-terminal (util-linux \`script\`, 100×30) runs a step whose
script prints ${LINES.toLocaleString('en')} lines at ${LINES_PER_SECOND.toLocaleString('en')} lines/s; every ${KEY_INTERVAL_MS} ms a key
(j / k) switches the selected step, and the time until the frame showing the newly selected step is written is
one sample. RSS of the drillbook process sampled every 100 ms. Measured ${new Date().toISOString().slice(0, 10)} on
${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, 1-minute load average ${load} at the end (shared machine).

| figure | value |
| --- | --- |
| keystroke → frame, median | ${fmt(p50)} ms |
| keystroke → frame, 95th percentile / max | ${fmt(p95)} / ${fmt(maxLatency)} ms |
| keys sent while streaming | ${latencies.length} |
| RSS before the step starts (first frame shown, idle) | ${fmt(idleRss)} MiB |
| RSS while streaming, median / peak | ${fmt(median(rss))} / ${fmt(peakRss)} MiB |
| time to stream all lines (ideal ${fmt(LINES / LINES_PER_SECOND)} s) | ${fmt(streamSeconds, 1)} s |

Targets: keystroke → frame under 50 ms at the 95th percentile — ${p95 < 50 ? 'met' : 'NOT met'} (${fmt(p95)} ms);
RSS under 150 MB — ${peakRss < 150 ? 'met' : 'NOT met'} (peak ${fmt(peakRss)} MiB). Output reaches the store in batches
(10 Hz), each action keeps at most 2,000 lines in a ring buffer, and only the visible window of it is rendered.
Most of the RSS is there before any output: the loaded modules (parser, engine, every action kind with zod,
plus ink, react and yoga; dots-wrapper and ioredis load only when a block needs them). With \`--trace-gc\` the live JS heap stays at about
27–30 MB through the whole stream (no growth per line); what grows while streaming is V8's committed heap
(garbage from redrawing the screen 10–30 times a second), and it varies from run to run. The program runs
with the node flags of \`bin/drillbook.js\` (${launchFlags().join(' ') || 'none'}), as \`drillbook\` does: the
8 MiB semi-space cap keeps that garbage from growing V8's young generation to its 64 MiB default ceiling.
Since 2026-12-07 a batch of output re-renders only the action that printed it (the App reads the selected
step's title, not the step, and its panes are memoized), text is measured without string-width's emoji
pattern (src/ui/string-width.ts), Yoga no longer loads undici (about 8 MiB less RSS at idle), and Ink's frame
cap is 120 fps, so a keystroke waits at most 8 ms behind the frame before it (16 ms at 60).`,
);
