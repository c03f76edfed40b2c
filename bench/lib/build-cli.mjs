// Bundles the CLI exactly as scripts/build.mjs does, into a folder of the caller's own under
// node_modules/.cache: a shared dist/ is deleted and rebuilt whenever anyone runs the build, which would
// pull the lazily loaded chunks away from a benchmark or test in mid-run.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Returns the path of the bundled cli.js and a function that removes the bundle. */
export async function buildPrivateCli(name) {
  const outdir = join(root, 'node_modules', '.cache', `drillbook-${name}-${process.pid}`);
  await build({
    entryPoints: { cli: join(root, 'src', 'cli.tsx') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    external: ['ssh2', 'cpu-features', 'react-devtools-core'],
    banner: {
      js: "import { createRequire as __drillbookCreateRequire } from 'node:module'; const require = __drillbookCreateRequire(import.meta.url);",
    },
  });
  return { cli: join(outdir, 'cli.js'), remove: () => rmSync(outdir, { recursive: true, force: true }) };
}
