import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates emulator responses against the official DigitalOcean OpenAPI spec: the operations drillbook
 * uses, vendored in fixtures/digitalocean-openapi/ (see its README for the upstream commit and licence).
 * The dereferenced spec is cached per test process.
 */

const specPath = fileURLToPath(
  new URL('../../fixtures/digitalocean-openapi/DigitalOcean-public.v2.yaml', import.meta.url),
);

type Schema = Record<string, unknown>;
type Content = Record<string, { schema?: Schema }>;
interface Operation {
  requestBody?: { content?: Content };
  responses: Record<string, { content?: Content }>;
}
type Spec = { paths: Record<string, Record<string, Operation>> };

let spec: Promise<Spec> | undefined;
const validators = new Map<string, ValidateFunction>();
// The spec's patterns are ECMA-262 without the u flag (e.g. `\:`), so they are compiled that way.
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, unicodeRegExp: false });
addFormats.default(ajv);
for (const format of ['float', 'double', 'int32', 'int64']) ajv.addFormat(format, true);

function loadSpec(): Promise<Spec> {
  spec ??= SwaggerParser.dereference(specPath).then((api) => api as unknown as Spec);
  return spec;
}

const annotationOnly = new Set([
  'example',
  'examples',
  'xml',
  'externalDocs',
  'discriminator',
  'x-codeSamples',
]);

/** OpenAPI 3.0 schema → JSON Schema: `nullable` becomes a null alternative; annotations are dropped. */
function toJsonSchema(schema: unknown, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, seen));
  if (typeof schema !== 'object' || schema === null) return schema;
  const cached = seen.get(schema);
  if (cached) return cached;
  const converted: Schema = {};
  seen.set(schema, converted);
  for (const [key, value] of Object.entries(schema)) {
    if (annotationOnly.has(key) || key === 'nullable') continue;
    converted[key] =
      key === 'properties' ? convertProperties(value as Schema, seen) : toJsonSchema(value, seen);
  }
  if ((schema as Schema).nullable !== true) return converted;
  const { description, ...rest } = converted;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
}

function convertProperties(properties: Schema, seen: Map<object, unknown>): Schema {
  return Object.fromEntries(
    Object.entries(properties).map(([name, value]) => [name, toJsonSchema(value, seen)]),
  );
}

export interface ResponseLike {
  status: number;
  data: unknown;
  headers: object;
}

async function validatorFor(
  method: string,
  pathTemplate: string,
  status: number,
): Promise<ValidateFunction | 'no-content'> {
  const api = await loadSpec();
  const operation = api.paths[pathTemplate]?.[method.toLowerCase()];
  if (!operation)
    throw new Error(`The DigitalOcean spec has no operation ${method.toUpperCase()} ${pathTemplate}`);
  const response = operation.responses[String(status)] ?? operation.responses.default;
  if (!response) {
    throw new Error(
      `The spec does not document status ${status} for ${method.toUpperCase()} ${pathTemplate}`,
    );
  }
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return 'no-content';
  const key = `${method} ${pathTemplate} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(schema) as Schema);
    validators.set(key, validate);
  }
  return validate;
}

/** The spec's path template a concrete request path matches (`/v2/droplets/42` → `/v2/droplets/{droplet_id}`). */
async function templateFor(requestPath: string): Promise<string | undefined> {
  const api = await loadSpec();
  return Object.keys(api.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(requestPath),
  );
}

/**
 * The problems the spec finds in a request body the client sent (empty when it conforms); throws when the
 * spec has no such operation or no JSON body for it.
 */
export async function requestBodyProblems(
  method: string,
  requestPath: string,
  body: unknown,
): Promise<string[]> {
  const template = await templateFor(requestPath);
  const where = `${method.toUpperCase()} ${requestPath}`;
  if (!template) throw new Error(`${where}: the DigitalOcean spec has no such path`);
  const operation = (await loadSpec()).paths[template]?.[method.toLowerCase()];
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${where}: the spec documents no JSON request body for ${template}`);
  const validate = ajv.compile(toJsonSchema(schema) as Schema);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
}

function header(headers: object, name: string): unknown {
  const lookup = (headers as { get?: unknown }).get;
  return typeof lookup === 'function'
    ? lookup.call(headers, name)
    : (headers as Record<string, unknown>)[name];
}

/**
 * Throws, naming every violation, unless the response's body matches the schema the spec gives for its
 * status (or `default`) and it carries the rate-limit headers every DigitalOcean response has.
 */
export async function expectConforms(
  method: string,
  pathTemplate: string,
  response: ResponseLike,
): Promise<void> {
  const where = `${method.toUpperCase()} ${pathTemplate} → ${response.status}`;
  for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) {
    if (!/^\d+$/.test(String(header(response.headers, name))))
      throw new Error(`${where}: header ${name} is missing`);
  }
  const validate = await validatorFor(method, pathTemplate, response.status);
  if (validate === 'no-content') {
    if (response.data !== '' && response.data !== undefined)
      throw new Error(`${where}: expected no body, got ${JSON.stringify(response.data)}`);
    return;
  }
  if (!validate(response.data)) {
    const problems = (validate.errors ?? []).map(
      (error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
    );
    throw new Error(
      `${where}: the body does not match the spec:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(response.data).slice(0, 2000)}`,
    );
  }
}
