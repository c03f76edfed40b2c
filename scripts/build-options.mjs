// The one description of how the CLI is bundled, shared by the build and by tests and benchmarks that bundle
// into a folder of their own.
import { join } from 'node:path';

/**
 * Ink's `import Yoga from 'yoga-layout'` resolves to src/ui/yoga.ts, which loads the same Yoga without
 * letting its loader fetch() the inlined wasm through undici (see there; it cost the first frame 25–70 ms).
 */
function yogaWithoutFetch(root) {
  return {
    name: 'yoga-without-fetch',
    setup(build) {
      build.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: join(root, 'src', 'ui', 'yoga.ts') }));
    },
  };
}

/**
 * Ink's (and its helpers') `string-width` resolves to src/ui/string-width.ts, which measures the screen's
 * plain characters without string-width's costly emoji pattern and hands anything else to string-width
 * itself (see there); its own import of string-width resolves as usual.
 */
function stringWidthForSimpleText(root) {
  const wrapper = join(root, 'src', 'ui', 'string-width.ts');
  return {
    name: 'string-width-for-simple-text',
    setup(build) {
      build.onResolve({ filter: /^string-width$/ }, (args) =>
        args.importer === wrapper ? undefined : { path: wrapper },
      );
    },
  };
}

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
    plugins: [yogaWithoutFetch(root), stringWidthForSimpleText(root)],
    banner: {
      js: "import { createRequire as __drillbookCreateRequire } from 'node:module'; const require = __drillbookCreateRequire(import.meta.url);",
    },
  };
}
