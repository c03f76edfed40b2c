// Bundles the CLI so `drillbook` starts from one file; heavy UI code is split out and loaded lazily.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

await rm('dist', { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli.tsx' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  jsx: 'automatic',
  sourcemap: 'linked',
  // Less to parse at start-up; names are kept so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // ssh2 loads optional native addons at run time; react-devtools-core is an optional peer of ink.
  external: ['ssh2', 'cpu-features', 'react-devtools-core'],
  banner: {
    js: "import { createRequire as __drillbookCreateRequire } from 'node:module'; const require = __drillbookCreateRequire(import.meta.url);",
  },
});
