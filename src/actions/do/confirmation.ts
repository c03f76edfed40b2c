// What a do block will do, in the words its confirmation shows: one plain sentence naming the resources,
// completed by read-only look-ups (whether a VPC or droplets exist, what they cost, the range the lab gives).
import type { ActionContext, Confirmation } from '../../contract/action.js';
import { formatCidr, mapToLoopback, parseCidr } from '../../lab/emulator/addresses.js';
import { renderKnown } from '../../runbook/template.js';
import type { ApiSession } from '../../targets/digitalocean/session.js';
import { clusterCost } from './cluster-cost.js';
import { costMessage } from './droplet-ops.js';
import { renderDeep } from './render.js';
import type { DoSpec } from './schema.js';
import { vpcConfirmation } from './vpc-ops.js';

const POWER_VERBS = {
  power_off: 'powers off',
  power_on: 'powers on',
  shutdown: 'shuts down',
  reboot: 'reboots',
  power_cycle: 'power-cycles',
} as const;

const list = (names: readonly string[]): string => names.join(', ');
const droplets = (names: readonly string[]): string =>
  `${names.length === 1 ? 'the droplet' : 'the droplets'} ${list(names)}`;

type FirewallSpec = Extract<DoSpec, { op: 'firewall.ensure' }>;

function firewallRules(spec: FirewallSpec): string {
  const rules = spec.inbound_rules.map((rule) => {
    const from = [
      ...(rule.sources.tags ?? []).map((tag) => `tag ${tag}`),
      ...(rule.sources.addresses ?? []),
      ...(rule.sources.droplet_ids ?? []).map((id) => `droplet ${id}`),
    ];
    const ports = rule.ports === undefined ? '' : ` ${rule.ports}`;
    return `${rule.protocol}${ports} from ${from.length ? list(from) : 'nowhere'}`;
  });
  return rules.length ? `lets in only ${rules.join('; ')}` : 'lets nothing in';
}

/** The sentence for a do block whose templates are rendered as far as results exist. */
export function doesSentence(spec: DoSpec): string {
  switch (spec.op) {
    case 'account.get':
      return 'reads the DigitalOcean account';
    case 'ssh_key.ensure':
      return `adds the SSH key ${spec.key || '~/.ssh/id_ed25519.pub'} to the account as "${spec.name}" unless it is there`;
    case 'vpc.ensure':
      return `creates the VPC ${spec.name}${spec.ip_range ? ` (${spec.ip_range})` : ''} in ${spec.region} unless it exists`;
    case 'droplets.ensure':
      return `creates ${droplets(spec.names)} unless ${spec.names.length === 1 ? 'it exists' : 'they exist'}`;
    case 'droplets.ready':
      return `waits until cloud-init has finished on ${droplets(spec.names)}`;
    case 'droplets.list':
      return `lists the droplets tagged ${spec.tag}`;
    case 'droplets.action':
      return `${POWER_VERBS[spec.type]} ${spec.names ? droplets(spec.names) : `every droplet tagged ${spec.tag}`}`;
    case 'firewall.ensure':
      return `creates or updates the firewall ${spec.name} on the droplets tagged ${list(spec.tags)}: it ${firewallRules(spec)}`;
    case 'tags.ensure':
      return `creates the tags ${list(spec.names)} unless they exist`;
    case 'droplets.delete':
      return `deletes ${droplets(spec.names)}${spec.tags.length ? ` (only if tagged ${list(spec.tags)})` : ''}`;
    case 'vpc.delete':
      return `deletes the VPC ${spec.name}`;
    case 'firewall.delete':
      return `deletes the firewall ${spec.name}`;
    case 'tags.delete':
      return `deletes the tags ${list(spec.names)}`;
  }
}

/** In the loopback lab a private range is mapped onto 127.0.0.0/8: the range the droplets really get. */
export function labRange(
  range: string | undefined,
  mode: 'loopback' | 'container' | undefined,
): string | undefined {
  if (!range || mode === 'container') return undefined;
  const cidr = parseCidr(range);
  const mapping = cidr ? mapToLoopback(cidr) : undefined;
  return mapping?.ok && mapping.mapped ? formatCidr(mapping.cidr) : undefined;
}

/** Whether this block is the runbook's first do block that changes something (it shows the whole cost). */
export type FirstMutatingDo = (ctx: ActionContext) => boolean;

export async function doConfirmation(
  written: DoSpec,
  ctx: ActionContext,
  typeToConfirm: (spec: DoSpec) => string | undefined,
  openSession: () => Promise<ApiSession>,
  firstMutating: boolean,
  lookUp = true,
): Promise<Confirmation> {
  // A value an earlier action of the same step produces is not there yet: keep it as written.
  const spec = renderDeep(written, (text) => renderKnown(text, ctx.render));
  const does = doesSentence(spec);
  const destructive = typeToConfirm(spec);
  if (destructive) return { does, typeToConfirm: destructive };
  if (!lookUp || (spec.op !== 'vpc.ensure' && spec.op !== 'droplets.ensure' && !firstMutating))
    return { does };
  const session = await openSession();
  if (spec.op === 'vpc.ensure') {
    const target = await ctx.target();
    const created = labRange(spec.ip_range, target.lab?.mode);
    const shown = created
      ? { ...spec, ip_range: `${created} in the loopback lab, asked as ${spec.ip_range}` }
      : spec;
    return vpcConfirmation(session, shown);
  }
  const own = spec.op === 'droplets.ensure' ? await costMessage(session, spec) : undefined;
  const whole = firstMutating ? await clusterCost(session, ctx) : undefined;
  const message = [whole, own].filter(Boolean).join('; ');
  return message ? { does, message } : { does };
}
