// Developer tool, never run by tests or the build: regenerates fixtures/digitalocean-openapi/ from a checkout
// of https://github.com/digitalocean/openapi, keeping only the API paths drillbook calls (the ones the lab
// emulator serves), so the conformance tests read one vendored file and the repository stands alone.
//
//   node scripts/bundle-digitalocean-openapi.mjs PATH-TO-CHECKOUT [--commit SHA] [--date YYYY-MM-DD]
//
// PATH-TO-CHECKOUT is the repository root (or its specification/ folder). The commit is read with git when
// the checkout is a git repository; otherwise pass it (and its date) so the provenance header stays true.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse, stringify } from 'yaml';

/** Every path drillbook's `do` action and the lab emulator use; all methods of each are kept. */
export const usedPaths = [
  '/v2/account',
  '/v2/account/keys',
  '/v2/account/keys/{ssh_key_identifier}',
  '/v2/actions',
  '/v2/actions/{action_id}',
  '/v2/droplets',
  '/v2/droplets/{droplet_id}',
  '/v2/droplets/{droplet_id}/actions',
  '/v2/droplets/actions',
  '/v2/droplets/{droplet_id}/actions/{action_id}',
  '/v2/firewalls',
  '/v2/firewalls/{firewall_id}',
  '/v2/firewalls/{firewall_id}/droplets',
  '/v2/firewalls/{firewall_id}/rules',
  '/v2/firewalls/{firewall_id}/tags',
  '/v2/images',
  '/v2/images/{image_id}',
  '/v2/regions',
  '/v2/sizes',
  '/v2/tags',
  '/v2/tags/{tag_id}',
  '/v2/tags/{tag_id}/resources',
  '/v2/vpcs',
  '/v2/vpcs/{vpc_id}',
  '/v2/vpcs/{vpc_id}/members',
];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { commit: { type: 'string' }, date: { type: 'string' } },
});
const checkout = positionals[0];
if (!checkout) {
  console.error(
    'usage: node scripts/bundle-digitalocean-openapi.mjs PATH-TO-CHECKOUT [--commit SHA] [--date DATE]',
  );
  process.exit(2);
}
const specDir = existsSync(path.join(checkout, 'specification'))
  ? path.join(checkout, 'specification')
  : checkout;
const rootFile = path.resolve(specDir, 'DigitalOcean-public.v2.yaml');
if (!existsSync(rootFile)) {
  console.error(`${rootFile} does not exist: pass the root of a digitalocean/openapi checkout`);
  process.exit(2);
}

function gitOutput(args) {
  try {
    return execFileSync('git', ['-C', specDir, ...args], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}
const commit = values.commit ?? gitOutput(['rev-parse', 'HEAD']);
const date = values.date ?? gitOutput(['log', '-1', '--format=%cs']);
if (!commit || !date) {
  console.error('the checkout is not a git repository: pass --commit SHA and --date YYYY-MM-DD');
  process.exit(2);
}

const root = parse(readFileSync(rootFile, 'utf8'));
const missing = usedPaths.filter((template) => !root.paths[template]);
if (missing.length > 0) {
  console.error(`the spec at ${commit} lacks ${missing.join(', ')}: update usedPaths`);
  process.exit(1);
}
// The tag prose and tag groups only describe the rendered docs; security and components stay.
const trimmed = {
  openapi: root.openapi,
  info: root.info,
  servers: root.servers,
  paths: Object.fromEntries(usedPaths.map((template) => [template, root.paths[template]])),
  components: root.components,
  security: root.security,
};

const bundled = await SwaggerParser.bundle(rootFile, trimmed, {});

/** Code samples (curl/go/python/ruby strings) are documentation only; they triple the file's size. */
function dropCodeSamples(node) {
  if (Array.isArray(node)) for (const item of node) dropCodeSamples(item);
  else if (node && typeof node === 'object') {
    delete node['x-codeSamples'];
    for (const value of Object.values(node)) dropCodeSamples(value);
  }
}
dropCodeSamples(bundled);
// Every internal $ref must still resolve once the samples are gone.
await SwaggerParser.dereference(structuredClone(bundled));

const header = [
  'DigitalOcean public API v2 (OpenAPI 3.0), the operations drillbook uses, bundled into one file.',
  `Source: https://github.com/digitalocean/openapi at commit ${commit} (${date}),`,
  'specification/DigitalOcean-public.v2.yaml bundled into one file (internal $refs), only the paths drillbook calls,',
  'tag prose and x-codeSamples removed; nothing else changed. Copyright DigitalOcean, Apache License 2.0',
  '(see LICENSE beside this file). Regenerate with scripts/bundle-digitalocean-openapi.mjs; do not edit.',
]
  .map((line) => `# ${line}`)
  .join('\n');
const outDir = fileURLToPath(new URL('../fixtures/digitalocean-openapi/', import.meta.url));
const out = path.join(outDir, 'DigitalOcean-public.v2.yaml');
writeFileSync(out, `${header}\n${stringify(bundled, { lineWidth: 0, aliasDuplicateObjects: false })}`);
console.log(`wrote ${path.relative(process.cwd(), out)}: ${usedPaths.length} paths from ${commit}`);
