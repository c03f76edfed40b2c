// The measurement bench/render and bench/render-drill share: while the TUI is busy, a key (j / k) switches the
// selected step every intervalMs, and the time until the frame showing the newly selected step is written is
// one sample; meanwhile the program's RSS is sampled every 100 ms.
import { readFileSync } from 'node:fs';
import { median, percentile, rssMiB } from './pty.mjs';

/** Samples the RSS of pid (MiB) every 100 ms until stop(). */
export function sampleRss(pid) {
  const samples = [];
  const timer = setInterval(() => {
    const value = rssMiB(pid);
    if (value !== undefined) samples.push(value);
  }, 100);
  return { samples, stop: () => clearInterval(timer) };
}

/**
 * Switches between two steps, each shown by its marker text, until until() holds; returns the latencies (ms)
 * and which step is selected at the end. markers: [the step selected now, the one below it].
 */
export async function switchSteps(pty, { markers, intervalMs, until }) {
  const latencies = [];
  let onFirst = true;
  while (!until()) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const [key, marker] = onFirst ? ['j', markers[1]] : ['k', markers[0]];
    const from = pty.mark();
    const sent = performance.now();
    pty.write(key);
    const shown = await pty.waitFor(marker, { from, timeoutMs: 10_000 });
    latencies.push(shown - sent);
    onFirst = !onFirst;
  }
  return { latencies, onFirst };
}

/** The figures both benchmarks print and record. */
export function summarize(latencies, rss) {
  return {
    p50: median(latencies),
    p95: percentile(latencies, 95),
    max: Math.max(...latencies),
    keys: latencies.length,
    rssMedian: median(rss),
    rssPeak: Math.max(...rss),
  };
}

/**
 * The environment that loads memory-log.mjs into the program, and a reader of what it logged: the peak of
 * each part of process.memoryUsage() in MiB (rss, heapTotal, heapUsed, external, arrayBuffers).
 */
export function memoryLog(file) {
  const preload = new URL('./memory-log.mjs', import.meta.url).pathname;
  return {
    env: {
      NODE_OPTIONS: `--import=${preload} ${process.env.BENCH_EXTRA_NODE_OPTIONS ?? ''}`.trim(),
      DRILLBOOK_BENCH_MEMORY_LOG: file,
    },
    peaks() {
      const mib = (bytes) => bytes / 1024 / 1024;
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
      const peak = (key) => Math.max(...lines.map((line) => mib(line[key])));
      const atRssPeak = lines.reduce((a, b) => (b.rss > a.rss ? b : a), lines[0]);
      return {
        rss: peak('rss'),
        heapTotal: peak('heapTotal'),
        heapUsed: peak('heapUsed'),
        external: peak('external'),
        arrayBuffers: peak('arrayBuffers'),
        spaces: Object.fromEntries(
          Object.keys(lines[0])
            .filter((key) => key.endsWith('_committed'))
            .map((key) => [key.replace(/_committed$/, ''), peak(key)]),
        ),
        atRssPeak: Object.fromEntries(
          Object.entries(atRssPeak).map(([key, value]) => [key, key === 't' ? value : mib(value)]),
        ),
      };
    },
  };
}
