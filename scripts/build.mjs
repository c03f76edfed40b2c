// Bundles the CLI into dist/ so `drillbook` starts from a few files.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cliBuildOptions } from './build-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build(cliBuildOptions(root, fileURLToPath(new URL('../dist', import.meta.url))));
