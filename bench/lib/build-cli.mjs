// Bundles the CLI exactly as scripts/build.mjs does, into a folder of the caller's own under
// node_modules/.cache: a shared dist/ is deleted and rebuilt whenever anyone runs the build, which would
// pull the lazily loaded chunks away from a benchmark or test in mid-run.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cliBuildOptions } from '../../scripts/build-options.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Returns the path of the bundled cli.js and a function that removes the bundle. */
export async function buildPrivateCli(name) {
  const outdir = join(root, 'node_modules', '.cache', `drillbook-${name}-${process.pid}`);
  await build(cliBuildOptions(root, outdir));
  return { cli: join(outdir, 'cli.js'), remove: () => rmSync(outdir, { recursive: true, force: true }) };
}
