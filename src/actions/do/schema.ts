// What a ```do block says: a YAML body with `op:` and that operation's fields, validated per operation.
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';

const text = z.string().trim().min(1, 'must not be empty');
const names = z.array(text).min(1, 'needs at least one name');
const tags = z.array(text);
/** Numbers may be written as numbers or as {{ references }} that render to one. */
const portish = z.union([z.number().int().min(1).max(65535), text]);

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const userData = z.strictObject({
  /** A named template: a code block with file=NAME, or a file beside the runbook (e.g. templates/redis-node.yaml). */
  template: text,
  /** Values the template reads as {{ params.NAME }} (e.g. replicaof for one group of droplets). */
  params: z
    .record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'a param name is letters, digits, _ and -'), scalar)
    .optional(),
  /** Values for this template only, each shadowing the declared runbook variable of that name ({{ vars.NAME }}). */
  vars: z.record(z.string(), scalar).optional(),
});

const inventoryOverride = z.strictObject({
  port: portish.optional(),
  kind: z.enum(['redis', 'sentinel']).optional(),
});

const ruleNode = z.strictObject({
  addresses: z.array(text).optional(),
  tags: z.array(text).optional(),
  droplet_ids: z.array(z.number().int()).optional(),
});
const protocol = z.enum(['tcp', 'udp', 'icmp']);
const ports = z.union([z.number().int().min(0).max(65535), text]).optional();
const inboundRule = z.strictObject({ protocol, ports, sources: ruleNode });
const outboundRule = z.strictObject({ protocol, ports, destinations: ruleNode });

/** What vpc.ensure does when its VPC would become the region's default (see vpc-default.ts). */
export const IF_DEFAULT = ['ask', 'accept', 'separate', 'stop'] as const;

export const POWER_TYPES = ['power_off', 'power_on', 'shutdown', 'reboot', 'power_cycle'] as const;

const operations = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('account.get') }),
  z.strictObject({
    op: z.literal('ssh_key.ensure'),
    /**
     * An existing key's id or fingerprint on the account, or a local public key file to upload once;
     * empty: ~/.ssh/id_ed25519.pub, then ~/.ssh/id_rsa.pub.
     */
    key: z.string().trim().default(''),
    /** The name an uploaded key gets on the account. */
    name: text.default('drillbook'),
  }),
  z.strictObject({
    op: z.literal('vpc.ensure'),
    name: text,
    region: text,
    ip_range: text.optional(),
    description: z.string().optional(),
    /**
     * When the region has no VPC yet (this one would become its undeletable default): ask the operator (headless:
     * accept), accept, separate (create a separate default VPC first) or stop. May be a {{ vars.NAME }}.
     */
    if_default: text
      .refine((value) => /\{\{/.test(value) || (IF_DEFAULT as readonly string[]).includes(value), {
        message: `must be ${IF_DEFAULT.join(', ')}`,
      })
      .default('ask'),
    /** The separate default VPC's name (default default-<region>) and range (default: the API chooses). */
    default_vpc_name: text.optional(),
    default_vpc_range: text.optional(),
  }),
  z.strictObject({
    op: z.literal('droplets.ensure'),
    names,
    region: text,
    size: text,
    image: z.union([text, z.number().int()]),
    /** VPC name or id. */
    vpc: text.optional(),
    tags: tags.default([]),
    ssh_keys: z.array(z.union([text, z.number().int()])).optional(),
    monitoring: z.boolean().optional(),
    user_data: userData.optional(),
    wait: z.enum(['active', 'none']).default('active'),
    /** false: publish no inventory entry (a jump host is neither a Redis nor a Sentinel node). */
    inventory: z.union([inventoryOverride, z.literal(false)]).optional(),
    /** This one droplet is the run's SSH jump host: later Redis/Sentinel steps connect through it. */
    jump_host: z.boolean().optional(),
  }),
  z.strictObject({
    op: z.literal('droplets.ready'),
    /** Droplets whose cloud-init must have finished (checked over SSH through the run's jump host). */
    names,
  }),
  z.strictObject({
    op: z.literal('droplets.list'),
    tag: text,
    inventory: inventoryOverride.optional(),
  }),
  z
    .strictObject({
      op: z.literal('droplets.action'),
      type: z.enum(POWER_TYPES),
      names: names.optional(),
      tag: text.optional(),
      wait: z.boolean().default(true),
    })
    .refine((spec) => (spec.names === undefined) !== (spec.tag === undefined), {
      message: 'give either names: or tag: (exactly one)',
      path: ['names'],
    }),
  z.strictObject({
    op: z.literal('firewall.ensure'),
    name: text,
    inbound_rules: z.array(inboundRule).default([]),
    outbound_rules: z.array(outboundRule).default([]),
    tags: tags.min(1, 'needs at least one tag: a firewall applies to the droplets carrying it'),
  }),
  z.strictObject({ op: z.literal('tags.ensure'), names }),
  z.strictObject({
    op: z.literal('droplets.delete'),
    names,
    /** Only droplets carrying every one of these tags are deleted. */
    tags: tags.default([]),
  }),
  z.strictObject({ op: z.literal('vpc.delete'), name: text }),
  z.strictObject({ op: z.literal('firewall.delete'), name: text }),
  z.strictObject({ op: z.literal('tags.delete'), names }),
]);

export type DoSpec = z.infer<typeof operations>;
export type DoOperation = DoSpec['op'];
export type SpecOf<Op extends DoOperation> = Extract<DoSpec, { op: Op }>;
export const DO_OPERATIONS: readonly DoOperation[] = [
  'account.get',
  'ssh_key.ensure',
  'vpc.ensure',
  'droplets.ensure',
  'droplets.ready',
  'droplets.list',
  'droplets.action',
  'firewall.ensure',
  'tags.ensure',
  'droplets.delete',
  'vpc.delete',
  'firewall.delete',
  'tags.delete',
];

export const doAttributes = z.strictObject({});

/** Parses and validates the YAML body, reporting problems at the line of the offending field. */
export function parseDoBody(body: string, report: (problem: BlockProblem) => void): DoSpec | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(body, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      report({ message: `YAML: ${error.message.split('\n')[0]}`, line: pos.line, column: pos.col });
    }
    return undefined;
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('op' in value)) {
    report({
      message: 'a do block is YAML with an op: field',
      hint: `op is one of ${DO_OPERATIONS.join(', ')}`,
      line: 1,
    });
    return undefined;
  }
  const checked = operations.safeParse(value);
  if (checked.success) return checked.data;
  const op = (value as { op: unknown }).op;
  for (const issue of checked.error.issues) {
    const at = (path: PropertyKey[]): { line: number; column: number } => {
      for (let depth = path.length; depth >= 0; depth--) {
        const node =
          depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as Array<string | number>, true);
        if (isNode(node) && node.range) {
          const pos = lineCounter.linePos(node.range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
      return { line: 1, column: 1 };
    };
    if (issue.code === 'unrecognized_keys') {
      const container =
        issue.path.length > 0 ? doc.getIn(issue.path as Array<string | number>, true) : doc.contents;
      for (const key of issue.keys) {
        const pair = isMap(container)
          ? container.items.find((item) => isScalar(item.key) && item.key.value === key)
          : undefined;
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        const pos = range ? lineCounter.linePos(range[0]) : undefined;
        report({
          message: `${[...issue.path, key].join('.')}: not a field of ${String(op)}`,
          hint: 'see docs/actions/do.md for the fields of each op',
          ...(pos ? { line: pos.line, column: pos.col } : at(issue.path)),
        });
      }
      continue;
    }
    const field = issue.path.join('.') || 'body';
    const hint = issue.path[0] === 'op' ? `op is one of ${DO_OPERATIONS.join(', ')}` : undefined;
    report({ message: `${field}: ${issue.message}`, ...at(issue.path), ...(hint ? { hint } : {}) });
  }
  return undefined;
}
