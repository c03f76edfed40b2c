// ```sentinel node=NAME|all — SENTINEL commands with parsed results (and, for all, an agreement summary),
// or verify=health|agreement|discovery. Starts the run's Sentinel event stream so failovers are observed.

import type { ActionContext, ActionKind, ActionOutcome } from '../../contract/action.js';
import type { SentinelRow } from '../../contract/views.js';
import { renderKnown } from '../../runbook/template.js';
import { type ConnectionSettings, runPool } from '../../targets/redis/connection.js';
import { tiltError } from '../../targets/redis/errors.js';
import { type NodeAddress, resolveAllSentinels, resolveNode } from '../../targets/redis/inventory.js';
import { runSentinelEvents, type SentinelEventStream } from '../../targets/redis/sentinel-events.js';
import {
  type Agreement,
  agreementOf,
  flagsOf,
  type SentinelState,
  surveySentinels,
} from '../../targets/redis/sentinel-survey.js';
import { judgeQuery } from '../check/expect.js';
import { connectionSettings } from '../redis/connection-attributes.js';
import {
  commandsSentence,
  mostDangerous,
  type NodeResult,
  previewLines,
  runCommandLines,
} from '../redis/execute.js';
import { type UnitedReplica, unitedReplicas } from './replica-union.js';
import { parseSentinel, type SentinelSpec, sentinelAttributes } from './spec.js';
import { runSwitchover, switchoverPreview } from './switchover.js';
import { runVerification } from './verify.js';

export interface SentinelAllData {
  sentinels: Array<NodeResult & { tilt: boolean }>;
  /** The same results keyed by Sentinel name, so checks need not know the order. */
  by_node: Record<string, NodeResult & { tilt: boolean }>;
  agreement: Agreement;
  /** When the block asked SENTINEL REPLICAS: every replica any answering Sentinel lists, once per address. */
  replicas?: UnitedReplica[];
}

/** One Sentinel as the sentinels view shows it: what the survey found, CKQUORUM when the block asked it. */
function sentinelRow(result: NodeResult, state: SentinelState | undefined): SentinelRow {
  const ckquorum = result.commands.find((c) => /^SENTINEL\s+CKQUORUM\b/i.test(c.command));
  const quorumOk = state?.ckquorum?.ok ?? (ckquorum && !ckquorum.skipped ? !ckquorum.error : undefined);
  return {
    sentinel: result.node,
    master: state && !state.error ? state.masterAddress : null,
    flags: flagsOf(state?.master),
    ...(quorumOk === undefined ? {} : { quorumOk }),
    tilt: state?.tilt ?? false,
  };
}

/** master= attribute, else the master_name var, else Sentinel's customary "mymaster". */
export function masterNameFor(attr: string | undefined, ctx: Pick<ActionContext, 'vars' | 'render'>): string {
  if (attr) return ctx.render(attr);
  return ctx.vars.master_name || 'mymaster';
}

/** Every Sentinel the run knows, for the event stream; falls back to the ones this block names. */
function knownSentinels(ctx: ActionContext, named: NodeAddress[]): NodeAddress[] {
  try {
    return resolveAllSentinels(ctx);
  } catch {
    return named;
  }
}

function sentinelSettingsFor(spec: SentinelSpec, ctx: ActionContext): ConnectionSettings {
  return connectionSettings(spec.attrs, ctx, 'sentinel_password');
}

function redisSettingsFor(spec: SentinelSpec, ctx: ActionContext): ConnectionSettings {
  return connectionSettings(
    {
      password: spec.attrs['redis-password'],
      username: spec.attrs['redis-username'],
      tls: spec.attrs.tls,
      'connect-timeout': spec.attrs['connect-timeout'],
      'command-timeout': spec.attrs['command-timeout'],
    },
    ctx,
    'redis_password',
  );
}

async function runCommands(
  spec: SentinelSpec,
  ctx: ActionContext,
  sentinels: NodeAddress[],
  settings: ConnectionSettings,
  masterName: string,
): Promise<{ outcome: ActionOutcome; errorCode: string | undefined }> {
  const results = await Promise.all(
    sentinels.map((node) => runCommandLines(node, settings, spec.commands, ctx, 'sentinel', spec.all)),
  );
  const survey = await surveySentinels(runPool(ctx.resources), sentinels, settings, masterName, {
    deep: false,
    signal: ctx.signal,
  });
  for (const state of survey.filter((s) => s.tilt)) {
    const node = sentinels.find((s) => s.name === state.node);
    if (node) ctx.output(tiltError(node, state.tiltSinceSeconds).message, 'stderr');
  }
  const failed = results.filter((r) => r.error);
  const error = failed.length ? failed.map((r) => r.error).join('\n') : undefined;
  const errorCode = commonErrorCode(results);
  if (!spec.all) {
    const result = results[0] as NodeResult;
    const tilt = survey[0]?.tilt ?? false;
    const outcome: ActionOutcome = {
      ok: !error,
      summary: `${result.node}: ${result.commands.length} command${result.commands.length === 1 ? '' : 's'}${error ? ', failed' : ''}${tilt ? ' (TILT)' : ''}`,
      data: { ...result, tilt },
      view: { kind: 'sentinels', sentinels: [sentinelRow(result, survey[0])] },
      ...(error ? { error } : {}),
    };
    return { outcome, errorCode };
  }
  const agreement = agreementOf(survey);
  const sentinelResults = results.map((r, i) => ({ ...r, tilt: survey[i]?.tilt ?? false }));
  const replicas = unitedReplicas(results);
  const data: SentinelAllData = {
    sentinels: sentinelResults,
    by_node: Object.fromEntries(sentinelResults.map((r) => [r.node, r])),
    agreement,
    ...(replicas ? { replicas } : {}),
  };
  const view = agreement.sameMaster
    ? `agree on master ${agreement.master}`
    : `DISAGREE on the master (${Object.entries(agreement.masters)
        .map(([s, a]) => `${s}: ${a ?? 'none'}`)
        .join(', ')})`;
  const outcome: ActionOutcome = {
    ok: !error,
    summary: `${sentinels.length} Sentinels: ${view}${agreement.tilt.length ? `; TILT on ${agreement.tilt.join(', ')}` : ''}${error ? `; ${failed.length} failed` : ''}`,
    data,
    view: { kind: 'sentinels', sentinels: results.map((r, i) => sentinelRow(r, survey[i])) },
    ...(error ? { error } : {}),
  };
  return { outcome, errorCode };
}

/** The reply error code every node's block stopped on (expect-error= needs all of them to agree), if any. */
function commonErrorCode(results: readonly NodeResult[]): string | undefined {
  const codes = results.map((r) => r.commands.find((c) => c.error)?.code);
  const first = codes[0];
  if (first === undefined) return undefined;
  return codes.every((code) => code === first) ? first : `mixed: ${codes.map((c) => c ?? 'none').join(', ')}`;
}

/** Remembers which master the Sentinels name now, so `wait event=+switch-master` can tell a change by polling. */
async function noteCurrentMaster(
  stream: SentinelEventStream,
  sentinels: NodeAddress[],
  settings: ConnectionSettings,
  masterName: string,
  ctx: ActionContext,
): Promise<void> {
  const survey = await surveySentinels(runPool(ctx.resources), sentinels, settings, masterName, {
    deep: false,
    signal: ctx.signal,
  });
  const address = agreementOf(survey).master;
  if (address) stream.noteMaster(masterName, address);
}

export const sentinelAction: ActionKind<SentinelSpec> = {
  kind: 'sentinel',
  description:
    'Runs SENTINEL commands on one or all Sentinels, verifies health, master agreement, client discovery, or switches over without losing writes',
  attributes: sentinelAttributes,
  // Verifications read, except discovery's one test key: drillbook's own, under drillbook:discovery:, with a
  // 60 s TTL and deleted at once — safe as the probe's keys are, so a step of checks does not ask.
  defaultSafety: (spec) => (spec.op ? 'destructive' : spec.verify ? 'safe' : mostDangerous(spec.commands)),
  parse: parseSentinel,
  /** What it does to which master through which Sentinel; a destructive block types the Sentinel's name. */
  async confirmation(spec, ctx) {
    const where = spec.all ? 'every Sentinel' : renderKnown(spec.attrs.node, ctx.render);
    const master = renderKnown(spec.attrs.master ?? (ctx.vars.master_name || 'mymaster'), ctx.render);
    const does = spec.op
      ? `switches ${master} over to a replica through ${where}, pausing writes on the master until the replica has caught up`
      : spec.verify === 'discovery'
        ? `writes and reads back a test key on the master ${where === 'every Sentinel' ? 'the Sentinels name' : `${where} names`} for ${master}, as a client would`
        : spec.verify
          ? `checks the ${spec.verify} of ${master} on ${where}`
          : commandsSentence(spec.commands, where, ctx);
    return spec.attrs.node ? { does, typeToConfirm: renderKnown(spec.attrs.node, ctx.render) } : { does };
  },
  preview(spec, ctx) {
    const where = spec.all ? 'every Sentinel' : ctx.redact(spec.attrs.node);
    if (spec.op) return switchoverPreview(spec, masterNameFor(spec.attrs.master, ctx), where);
    if (spec.verify) return [`verify ${spec.verify} of ${masterNameFor(spec.attrs.master, ctx)} on ${where}`];
    return [`on ${where}:`, ...previewLines(spec.commands, ctx).map((line) => `  ${line}`)];
  },
  async run(spec, ctx) {
    try {
      const sentinels = spec.all ? resolveAllSentinels(ctx) : [resolveNode(spec.attrs.node, ctx)];
      const settings = sentinelSettingsFor(spec, ctx);
      const masterName = masterNameFor(spec.attrs.master, ctx);
      const stream = runSentinelEvents(ctx, knownSentinels(ctx, sentinels), settings);
      if (
        spec.commands.some((c) => c.fault) ||
        spec.op ||
        stream.masterAt(masterName, ctx.now()) === undefined
      ) {
        await noteCurrentMaster(stream, sentinels, settings, masterName, ctx);
      }
      if (spec.commands.some((c) => c.fault) || spec.op) await stream.ready();
      if (spec.op) {
        const switched = await runSwitchover({
          spec,
          ctx,
          via: sentinels[0] as NodeAddress,
          sentinels: knownSentinels(ctx, sentinels),
          masterName,
          sentinelSettings: settings,
          redisSettings: redisSettingsFor(spec, ctx),
        });
        // Every Sentinel already names the new master: put its +switch-master on the timeline now, not a
        // merge window later, so a probe stopped right after this block measures the switch.
        stream.flush();
        return judgeQuery(switched, spec.expectations, undefined, ctx);
      }
      if (spec.verify) {
        const verified = await runVerification({
          spec,
          ctx,
          sentinels,
          masterName,
          pool: runPool(ctx.resources),
          sentinelSettings: settings,
          redisSettings: redisSettingsFor(spec, ctx),
        });
        return judgeQuery(verified, spec.expectations, undefined, ctx);
      }
      const { outcome, errorCode } = await runCommands(spec, ctx, sentinels, settings, masterName);
      return judgeQuery(outcome, spec.expectations, errorCode, ctx);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        summary: 'sentinel: failed',
        error: `${ctx.runbook.file}:${ctx.action.loc.line}: ${ctx.redact(message)}`,
      };
    }
  },
};
