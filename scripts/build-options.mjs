// The one description of how the CLI is bundled, shared by the build and by tests and benchmarks that bundle
// into a folder of their own.
import { join } from 'node:path';

export function cliBuildOptions(root, outdir) {
  return {
    entryPoints: { cli: join(root, 'src', 'cli.tsx') },
    outdir,
    bundle: true,
    // Heavy modules (the TUI, API and Redis clients) become chunks loaded on first use.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    sourcemap: 'linked',
    // Less to parse at start-up; names are kept so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    // React's development build is dead code in a shipped CLI.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    // ssh2 loads optional native addons at run time; react-devtools-core is an optional peer of ink.
    external: ['ssh2', 'cpu-features', 'react-devtools-core'],
    banner: {
      js: "import { createRequire as __drillbookCreateRequire } from 'node:module'; const require = __drillbookCreateRequire(import.meta.url);",
    },
  };
}
