// Benchmarks measure the project's TypeScript sources directly: bundle an entry with esbuild into a temp
// file and import it (Node's own type stripping cannot follow the sources' NodeNext `.js` import paths).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export async function importTs(entry) {
  // Inside the repo, so the bundle's bare imports (ioredis, ...) resolve to node_modules.
  const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'drillbook-bench-'));
  const outfile = join(dir, 'entry.mjs');
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      packages: 'external',
      logLevel: 'warning',
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces (or appends) the `## name` section of docs/benchmarks.md, leaving other sections alone. */
export async function recordSection(name, body) {
  const { readFile, writeFile } = await import('node:fs/promises');
  const file = new URL('../../docs/benchmarks.md', import.meta.url);
  const text = await readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  const heading = `## ${name}\n`;
  const start = text.indexOf(heading);
  const section = `${heading}\n${body.trim()}\n\n`;
  if (start < 0) {
    await writeFile(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  const end = next < 0 ? text.length : next + 1;
  await writeFile(file, text.slice(0, start) + section + text.slice(end));
}
