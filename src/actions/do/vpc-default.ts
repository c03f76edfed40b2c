// What vpc.ensure does when the VPC it would create becomes the region's default — DigitalOcean makes the
// first VPC of a region its default, which can never be deleted. The operator picks a real alternative: accept
// it, let a separate VPC take the default role first (so the runbook's VPC stays deletable), adopt an existing
// VPC of the account (later steps follow it through the variables the block was written with), or stop.
// Headless, the block's if_default (the DR runbook: --var vpc_default=…) decides; `ask` there means accept.
import type { ActionContext } from '../../contract/action.js';
import type { Vpc } from '../../targets/digitalocean/resources.js';
import { DoStepError } from '../../targets/digitalocean/session.js';
import { variableOf } from './render.js';
import { IF_DEFAULT, type SpecOf } from './schema.js';

type IfDefault = (typeof IF_DEFAULT)[number];

export type DefaultDecision =
  | { kind: 'accept' }
  | { kind: 'separate'; name: string; ip_range?: string }
  | { kind: 'adopt'; vpc: Vpc };

type VpcSpec = SpecOf<'vpc.ensure'>;

/** One answer the operator may give: what it says and what it does, together. */
interface Choice {
  label: string;
  /** The word that picks it too, as the headless if_default values spell it. */
  keyword?: Exclude<IfDefault, 'ask'>;
  decide: () => Promise<DefaultDecision>;
}

/** The default name of the separate default VPC: DigitalOcean's own naming for the VPC it makes itself. */
export function separateName(spec: VpcSpec): string {
  return spec.default_vpc_name ?? `default-${spec.region}`;
}

/** How to say each choice on the command line, with the variable names the runbook really uses. */
function flags(raw: VpcSpec): { ifDefault: string; adopt: string } {
  const ifDefault = variableOf(raw.if_default);
  const name = variableOf(raw.name);
  const range = variableOf(raw.ip_range);
  const region = variableOf(raw.region);
  return {
    ifDefault: ifDefault ? `--var ${ifDefault}=` : 'if_default: ',
    adopt:
      name && region
        ? `--var ${name}=NAME${range ? ` --var ${range}=ITS_RANGE` : ''} --var ${region}=ITS_REGION`
        : 'the block’s name: and region: of that VPC',
  };
}

/** Adopting redirects later steps only when name and region come from variables the engine can set. */
function canAdopt(raw: VpcSpec): boolean {
  return variableOf(raw.name) !== undefined && variableOf(raw.region) !== undefined;
}

function stopError(spec: VpcSpec, raw: VpcSpec): DoStepError {
  const how = flags(raw);
  return new DoStepError(
    `${spec.region} has no VPC yet, so DigitalOcean would make ${spec.name} its default VPC, which can never be deleted; stopped as asked. ` +
      `Run again with ${how.ifDefault}separate (a separate default VPC ${separateName(spec)} is created first and ${spec.name} stays deletable), ` +
      `${how.ifDefault}accept (${spec.name} becomes the default and stays after teardown; it is free), or adopt an existing VPC with ${how.adopt}`,
  );
}

/**
 * Decides what to do when spec.region has no VPC. raw: the block as written (before {{ }} were filled), to
 * know which variables to name and to redirect; vpcs: the account's VPCs, already listed.
 */
export async function decideDefault(
  spec: VpcSpec,
  raw: VpcSpec,
  vpcs: Vpc[],
  ctx: Pick<ActionContext, 'interaction' | 'signal' | 'step' | 'output'>,
): Promise<DefaultDecision> {
  if (!(IF_DEFAULT as readonly string[]).includes(spec.if_default)) {
    throw new DoStepError(
      `if_default is "${spec.if_default}": choose ${IF_DEFAULT.join(', ')} (${flags(raw).ifDefault}…)`,
    );
  }
  const setting = spec.if_default as IfDefault;
  if (setting === 'stop') throw stopError(spec, raw);
  if (setting === 'accept') return { kind: 'accept' };
  if (setting === 'separate')
    return { kind: 'separate', name: separateName(spec), ip_range: spec.default_vpc_range };

  const accept: Choice = {
    label: `create ${spec.name} anyway: it becomes ${spec.region}'s default and stays after teardown (free)`,
    keyword: 'accept',
    decide: async () => ({ kind: 'accept' }),
  };
  const choices: Choice[] = [
    accept,
    {
      label: `first create ${separateName(spec)} as ${spec.region}'s default, so ${spec.name} stays deletable (you may rename it and pick its range)`,
      keyword: 'separate',
      decide: () => askSeparate(spec, ctx),
    },
    ...(canAdopt(raw) ? vpcs : []).map(
      (vpc): Choice => ({
        label: `adopt ${vpc.name} (${vpc.ip_range} in ${vpc.region}${vpc.default ? ', its default' : ''}): the cluster goes there`,
        decide: async () => ({ kind: 'adopt', vpc }),
      }),
    ),
    {
      label: 'stop here',
      keyword: 'stop',
      decide: async () => {
        throw stopError(spec, raw);
      },
    },
  ];
  const labels = choices.map((choice) => choice.label);
  const how = flags(raw);
  const { value } = await ctx.interaction.ask(
    {
      step: ctx.step.id,
      kind: 'choice',
      question:
        `${spec.region} has no VPC yet: DigitalOcean makes the first VPC of a region its default, which can never be deleted. ` +
        `What should ${spec.name} do? (headless: ${how.ifDefault}accept|separate|stop)`,
      choices: labels,
      default: accept.label,
    },
    ctx.signal,
  );
  const chosen = choices.find((choice) => choice.label === value || choice.keyword === value);
  if (!chosen) {
    throw new DoStepError(
      `"${value}" is not one of the choices offered for ${spec.name}: ${labels.join(' | ')}`,
    );
  }
  return chosen.decide();
}

/** The operator names the separate default VPC and may pick its range. */
async function askSeparate(
  spec: VpcSpec,
  ctx: Pick<ActionContext, 'interaction' | 'signal' | 'step'>,
): Promise<DefaultDecision> {
  const name = await askValue(
    ctx,
    `Name of the VPC that becomes ${spec.region}'s default`,
    separateName(spec),
  );
  const range = await askValue(
    ctx,
    `Its private range, e.g. 10.30.0.0/24 (empty: DigitalOcean chooses one that overlaps nothing)`,
    spec.default_vpc_range ?? '',
  );
  return { kind: 'separate', name, ...(range ? { ip_range: range } : {}) };
}

async function askValue(
  ctx: Pick<ActionContext, 'interaction' | 'signal' | 'step'>,
  question: string,
  fallback: string,
): Promise<string> {
  const { value } = await ctx.interaction.ask(
    { step: ctx.step.id, kind: 'value', question, default: fallback },
    ctx.signal,
  );
  return value.trim() || fallback;
}
