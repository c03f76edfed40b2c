// Bundles test/lab/fixtures/lab-main.ts inside the repository (so the bundle finds runbooks/templates/).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function bundleLabCli(name: string): Promise<string> {
  const outdir = path.join(repo, 'node_modules', '.cache', 'drillbook-lab-test');
  await mkdir(outdir, { recursive: true });
  const outfile = path.join(outdir, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(repo, 'test/lab/fixtures/lab-main.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    logLevel: 'warning',
    external: ['ssh2', 'cpu-features', 'react-devtools-core'],
    banner: {
      js: "import { createRequire as __labCreateRequire } from 'node:module'; const require = __labCreateRequire(import.meta.url);",
    },
  });
  return outfile;
}
