// Preloaded into the program under benchmark (node --import) when DRILLBOOK_BENCH_MEMORY_LOG names a file:
// appends process.memoryUsage() as a JSON line every 100 ms, so its RSS can be split into the V8 heap,
// external memory and ArrayBuffers, and the rest (native: WebAssembly, malloc arenas, code).
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.DRILLBOOK_BENCH_MEMORY_LOG;
if (file) {
  // The log is for the program, not for the processes it starts (a drill's redis-cli, an sh step's node).
  delete process.env.DRILLBOOK_BENCH_MEMORY_LOG;
  process.env.NODE_OPTIONS = (process.env.NODE_OPTIONS ?? '')
    .replace(/--import=\S*memory-log\.mjs/, '')
    .trim();
  const timer = setInterval(() => {
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [`${space.space_name}_committed`, space.physical_space_size]),
    );
    const usage = { t: Math.round(performance.now()), ...process.memoryUsage(), ...spaces };
    appendFileSync(file, `${JSON.stringify(usage)}\n`);
  }, 100);
  timer.unref();
}
