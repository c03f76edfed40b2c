// Every request body the do action sends matches the official DigitalOcean OpenAPI spec's request schema,
// so what works against the emulator is what the real API accepts.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetInfo } from '../../src/contract/action.js';
import type { Emulator } from '../../src/lab/emulator/index.js';
import { specPath } from '../conformance/openapi.js';
import { newToken, runDo, startTestEmulator, targetFor } from './helpers.js';

type Schema = Record<string, unknown>;
type Spec = {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
};

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, unicodeRegExp: false });
addFormats.default(ajv);
for (const format of ['float', 'double', 'int32', 'int64']) ajv.addFormat(format, true);

/** OpenAPI 3.0 → JSON Schema, enough for request bodies: `nullable` adds null, annotations go. */
function toJsonSchema(schema: unknown, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, seen));
  if (typeof schema !== 'object' || schema === null) return schema;
  const cached = seen.get(schema);
  if (cached) return cached;
  const converted: Schema = {};
  seen.set(schema, converted);
  for (const [key, value] of Object.entries(schema)) {
    if (['example', 'examples', 'discriminator', 'nullable'].includes(key)) continue;
    converted[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(value as Schema).map(([name, inner]) => [name, toJsonSchema(inner, seen)]),
          )
        : toJsonSchema(value, seen);
  }
  return (schema as Schema).nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}

function templateFor(spec: Spec, path: string): string | undefined {
  return Object.keys(spec.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
}

const token = newToken();
let emulator: Emulator;
let target: TargetInfo;
let spec: Spec;

beforeAll(async () => {
  spec = (await SwaggerParser.dereference(specPath)) as unknown as Spec;
  emulator = await startTestEmulator(token);
  target = targetFor(emulator, token);
}, 120_000);
afterAll(async () => {
  await emulator?.close();
});

describe('request bodies against the OpenAPI spec', () => {
  it('VPC, tags, droplets with cloud-init, firewall and power actions all conform', async () => {
    const bodies = [
      'op: vpc.ensure\nname: conf-vpc\nregion: nyc1\nip_range: 10.20.0.0/24\ndescription: conformance',
      'op: tags.ensure\nnames: [conf, redis]',
      'op: droplets.ensure\nnames: [conf-1, conf-2]\nregion: nyc1\nsize: s-1vcpu-1gb\nimage: ubuntu-24-04-x64\nvpc: conf-vpc\ntags: [conf, redis]\nmonitoring: true\nuser_data: { template: templates/redis-node.yaml, params: { replicaof: no one } }',
      'op: firewall.ensure\nname: conf-fw\ntags: [conf]\ninbound_rules: [{ protocol: tcp, ports: 6379, sources: { tags: [conf] } }, { protocol: icmp, sources: { addresses: [127.0.0.1/32] } }]\noutbound_rules: [{ protocol: udp, ports: 53, destinations: { addresses: [0.0.0.0/0] } }]',
      'op: firewall.ensure\nname: conf-fw\ntags: [conf]\ninbound_rules: [{ protocol: tcp, ports: 26379, sources: { tags: [conf] } }]',
      'op: droplets.action\ntype: power_cycle\nnames: [conf-1]',
    ];
    for (const body of bodies) {
      const run = await runDo(body, target);
      expect(run.outcome.ok, run.outcome.error).toBe(true);
    }
    const writes = emulator.requests.filter((r) => r.method === 'POST' || r.method === 'PUT');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v2/vpcs',
      'POST /v2/tags',
      'POST /v2/tags',
      'POST /v2/droplets',
      'POST /v2/firewalls',
      `PUT /v2/firewalls/${writes[5]?.path.split('/').at(-1)}`,
      `POST /v2/droplets/${writes[6]?.path.split('/')[3]}/actions`,
    ]);
    for (const request of writes) {
      const template = templateFor(spec, request.path);
      expect(template, request.path).toBeDefined();
      const schema =
        spec.paths[template as string]?.[request.method.toLowerCase()]?.requestBody?.content?.[
          'application/json'
        ]?.schema;
      expect(schema, `${request.method} ${template}`).toBeDefined();
      const validate = ajv.compile(toJsonSchema(schema) as Schema);
      expect(validate(request.body) ? [] : validate.errors, `${request.method} ${request.path}`).toEqual([]);
    }
  }, 120_000);
});
