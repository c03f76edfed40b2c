// The layering in docs/architecture.md is a lint rule (biome.json, noRestrictedImports per folder): Biome
// runs with the project's config on probe files in a scratch tree and must reject imports against the
// layering while accepting the allowed directions.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const biome = path.join(root, 'node_modules', '.bin', 'biome');

/** Lints one probe file at `file` (a path under src/) that imports `specifier`; returns the diagnostics. */
async function lintImport(file: string, specifier: string): Promise<string> {
  const dir = tempDir('drillbook-layering-');
  await copyFile(path.join(root, 'biome.json'), path.join(dir, 'biome.json'));
  await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
  await writeFile(
    path.join(dir, file),
    `import { used } from '${specifier}';\n\nexport const probe = used;\n`,
  );
  try {
    await run(biome, ['lint', '--max-diagnostics=none', file], { cwd: dir });
    return '';
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    return stdout + stderr;
  }
}

describe('the layering lint rule', () => {
  it.each([
    ['src/contract/probe.ts', '../runbook/parse.js', 'src/contract/ is the bottom layer'],
    ['src/engine/probe.ts', '../ui/App.js', 'src/engine/ may not import src/ui/'],
    ['src/engine/probe.ts', '../actions/sh/index.js', 'src/engine/ may not import src/actions/'],
    ['src/engine/probe.ts', '../actions/registry.js', 'the command layer passes the registered kinds in'],
    ['src/runbook/probe.ts', '../actions/registry.js', 'the command layer passes the registered kinds in'],
    ['src/engine/probe.ts', '../controller/store.js', 'src/engine/ may not import src/controller/'],
    ['src/actions/sh/probe.ts', '../../ui/markdown.js', 'src/actions/ may not import src/ui/'],
    ['src/runbook/probe.ts', '../engine/engine.js', 'src/runbook/ may not import src/engine/'],
    ['src/controller/probe.ts', '../engine/engine.js', 'src/controller/ may not import src/engine/'],
    ['src/ui/views/probe.ts', '../../engine/engine.js', 'src/ui/ may not import src/engine/'],
    ['src/ui/probe.ts', '../runbook/parse.js', 'src/ui/ may not import src/runbook/'],
    ['src/lab/probe.ts', '../actions/registry.js', 'src/lab/ may not import src/actions/'],
    ['src/drill/probe.ts', 'ink', 'Only src/ui/ and src/cli.tsx may import ink'],
    ['src/targets/redis/probe.ts', 'react', 'Only src/ui/ and src/cli.tsx may import react'],
  ])('rejects %s importing %s', async (file, specifier, message) => {
    expect(await lintImport(file, specifier)).toContain(message);
  });

  it.each([
    ['src/engine/probe.ts', '../contract/action.js'],
    ['src/actions/sh/probe.ts', '../../engine/context.js'],
    ['src/ui/views/probe.ts', 'ink'],
    ['src/ui/probe.ts', '../controller/store.js'],
    ['src/commands/probe.ts', '../ui/App.js'],
    ['src/ui/probe.ts', '../runbook/prose.js'],
    ['src/commands/probe.ts', '../actions/registry.js'],
  ])('accepts %s importing %s', async (file, specifier) => {
    expect(await lintImport(file, specifier)).toBe('');
  });
});
