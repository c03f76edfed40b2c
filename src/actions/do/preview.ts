// The requests a do block will send, as method, path and JSON body (secrets masked): shown before it
// runs and, in --dry-run, instead of running. Built without any network access.

import type { ActionContext } from '../../contract/action.js';
import { TemplateError } from '../../runbook/template.js';
import { renderDeep, renderUserData } from './render.js';
import type { DoSpec, SpecOf } from './schema.js';

const LIST = 'page=1&per_page=200';

function json(value: unknown): string {
  return JSON.stringify(value);
}

function query(tag: string | undefined): string {
  return tag ? `?tag_name=${encodeURIComponent(tag)}&${LIST}` : `?${LIST}`;
}

/** The droplet create body; user_data rendered (callers mask it before showing). */
export function dropletCreateBody(
  spec: SpecOf<'droplets.ensure'>,
  names: string[],
  vpcUuid: string | undefined,
  userData: string | undefined,
): Record<string, unknown> {
  return {
    names,
    region: spec.region,
    size: spec.size,
    image: spec.image,
    ...(vpcUuid ? { vpc_uuid: vpcUuid } : {}),
    tags: spec.tags,
    ...(spec.ssh_keys ? { ssh_keys: spec.ssh_keys } : {}),
    ...(spec.monitoring !== undefined ? { monitoring: spec.monitoring } : {}),
    ...(userData !== undefined ? { user_data: userData } : {}),
  };
}

export function firewallBody(spec: SpecOf<'firewall.ensure'>): Record<string, unknown> {
  // The API requires ports on every rule; ICMP has none, and the API reports it as "0".
  const ports = (rule: { protocol: string; ports?: string | number }) => ({
    ports: rule.protocol === 'icmp' ? '0' : rule.ports === undefined ? 'all' : String(rule.ports),
  });
  return {
    name: spec.name,
    inbound_rules: spec.inbound_rules.map((rule) => ({
      protocol: rule.protocol,
      ...ports(rule),
      sources: rule.sources,
    })),
    outbound_rules: spec.outbound_rules.map((rule) => ({
      protocol: rule.protocol,
      ...ports(rule),
      destinations: rule.destinations,
    })),
    tags: spec.tags,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function looksLikeUuid(text: string): boolean {
  return UUID.test(text);
}

/** The rendered user_data, or why it cannot be rendered yet: a preview never throws. */
function previewUserData(
  ctx: ActionContext,
  userData: NonNullable<SpecOf<'droplets.ensure'>['user_data']>,
): string {
  try {
    return renderUserData(ctx, userData);
  } catch (error) {
    return `<${userData.template} cannot be rendered: ${(error as Error).message}>`;
  }
}

function ensureDropletsPlan(spec: SpecOf<'droplets.ensure'>, ctx: ActionContext): string[] {
  const lines: string[] = [];
  let vpcUuid: string | undefined;
  if (spec.vpc && looksLikeUuid(spec.vpc)) vpcUuid = spec.vpc;
  else if (spec.vpc) {
    vpcUuid = `<id of VPC ${spec.vpc}>`;
    lines.push(`GET /v2/vpcs?${LIST}  (find VPC ${spec.vpc})`);
  }
  const scope = spec.tags[0];
  lines.push(
    `GET /v2/droplets${query(undefined)}  (adopt existing ${spec.names.join(', ')}${spec.tags.length ? ` tagged ${spec.tags.join(', ')}` : ''})`,
  );
  const userData = spec.user_data ? ctx.redact(previewUserData(ctx, spec.user_data)) : undefined;
  lines.push(
    `POST /v2/droplets ${json(dropletCreateBody(spec, spec.names, vpcUuid, userData))}  (only the names not found)`,
  );
  lines.push(`GET /v2/sizes?${LIST}  (price of ${spec.size} for the confirmation)`);
  if (spec.wait === 'active')
    lines.push(`GET /v2/droplets${query(scope)}  (poll until ${spec.names.length} active)`);
  return lines;
}

function plan(spec: DoSpec, ctx: ActionContext): string[] {
  switch (spec.op) {
    case 'account.get':
      return ['GET /v2/account'];
    case 'ssh_key.ensure':
      return /^\d+$|^([0-9a-f]{2}:){15}[0-9a-f]{2}$/i.test(spec.key)
        ? [`GET /v2/account/keys/${spec.key}`]
        : [
            `GET /v2/account/keys?${LIST}  (find ${spec.key || '~/.ssh/id_ed25519.pub or id_rsa.pub'} by fingerprint)`,
            `POST /v2/account/keys ${json({ name: spec.name, public_key: '<the public key file>' })}  (only if absent)`,
          ];
    case 'vpc.ensure': {
      const { name, region, ip_range, description } = spec;
      const body = { name, region, ip_range, description };
      const separate = {
        name: spec.default_vpc_name ?? `default-${region}`,
        region,
        ip_range: spec.default_vpc_range,
      };
      return [
        `GET /v2/vpcs?${LIST}  (find ${spec.name}, and whether ${region} has a VPC)`,
        ...(spec.if_default === 'accept' || spec.if_default === 'stop'
          ? []
          : [
              `POST /v2/vpcs ${json(separate)}  (only if ${region} has no VPC and a separate default VPC is chosen)`,
            ]),
        `POST /v2/vpcs ${json(body)}  (only if absent${spec.if_default === 'stop' ? ' and not the region’s first' : ''})`,
      ];
    }
    case 'droplets.ensure':
      return ensureDropletsPlan(spec, ctx);
    case 'droplets.list':
      return [`GET /v2/droplets${query(spec.tag)}`];
    case 'droplets.ready':
      return [
        `GET /v2/droplets?${LIST}  (find ${spec.names.join(', ')})`,
        ...spec.names.map(
          (name) => `ssh <private ip of ${name}> via the jump host: cloud-init status --wait`,
        ),
      ];
    case 'droplets.action': {
      const which = spec.names ? spec.names : [`each droplet tagged ${spec.tag}`];
      return [
        `GET /v2/droplets${query(spec.tag)}  (find ${spec.names ? spec.names.join(', ') : `droplets tagged ${spec.tag}`})`,
        ...which.map((name) => `POST /v2/droplets/<id of ${name}>/actions ${json({ type: spec.type })}`),
        ...(spec.wait ? [`GET /v2/actions?${LIST}  (poll until every ${spec.type} completed)`] : []),
      ];
    }
    case 'firewall.ensure':
      return [
        `GET /v2/firewalls?${LIST}  (find ${spec.name})`,
        `POST /v2/firewalls ${json(firewallBody(spec))}  (if absent)`,
        `PUT /v2/firewalls/<id of ${spec.name}> ${json(firewallBody(spec))}  (if its rules or tags differ)`,
      ];
    case 'tags.ensure':
      return spec.names.flatMap((name) => [
        `GET /v2/tags/${encodeURIComponent(name)}`,
        `POST /v2/tags ${json({ name })}  (if absent)`,
      ]);
    case 'droplets.delete':
      return [
        `GET /v2/droplets${query(spec.tags[0])}  (find ${spec.names.join(', ')})`,
        ...spec.names.map((name) => `DELETE /v2/droplets/<id of ${name}>`),
        `GET /v2/droplets${query(spec.tags[0])}  (poll until gone)`,
      ];
    case 'vpc.delete':
      return [
        `GET /v2/vpcs?${LIST}  (find ${spec.name})`,
        `DELETE /v2/vpcs/<id of ${spec.name}>  (retried while DigitalOcean answers 403 "still has members"; a region default VPC is left in place)`,
      ];
    case 'firewall.delete':
      return [`GET /v2/firewalls?${LIST}  (find ${spec.name})`, `DELETE /v2/firewalls/<id of ${spec.name}>`];
    case 'tags.delete':
      return spec.names.map((name) => `DELETE /v2/tags/${encodeURIComponent(name)}`);
  }
}

/** Every request line, with references rendered and secrets masked. */
export function previewDo(spec: DoSpec, ctx: ActionContext): string[] {
  // A value whose reference cannot be filled yet is shown as written: a preview never throws.
  const rendered = renderDeep(spec, (text) => {
    try {
      return ctx.render(text);
    } catch (error) {
      if (error instanceof TemplateError) return text;
      throw error;
    }
  });
  return plan(rendered, ctx).map((line) => ctx.redact(line));
}
