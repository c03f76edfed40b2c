// ```wait event=+switch-master | until=agreement — waits for a Sentinel event (with a polling fallback for
// +switch-master) or for a verification to hold.
import type { ActionKind } from '../../contract/action.js';
import { renderKnown } from '../../runbook/template.js';
import { pauseFor, waitForAbsence } from './absence.js';
import { waitForEvent } from './event.js';
import { DEFAULT_WAIT_MS, parseWait, type WaitSpec, waitAttributes } from './spec.js';
import { waitUntil } from './until.js';

export type { WaitData } from './spec.js';

export const waitAction: ActionKind<WaitSpec> = {
  kind: 'wait',
  description:
    'Waits for a Sentinel event (e.g. +switch-master), until a verification holds, asserts an event does not happen, or pauses',
  attributes: waitAttributes,
  defaultSafety: (spec) => (spec.until === 'discovery' ? 'mutating' : 'safe'),
  parse: parseWait,
  async confirmation(spec, ctx) {
    const seconds = Math.round((ctx.action.timeoutMs ?? DEFAULT_WAIT_MS) / 1000);
    const master = renderKnown(spec.master ?? (ctx.vars.master_name || 'mymaster'), ctx.render);
    if (spec.for) return { does: `pauses for ${spec.for}` };
    if (spec.absent) return { does: `watches for ${spec.absent} that ${spec.event} does not happen` };
    if (spec.until === 'discovery') {
      return {
        does: `writes and reads back a test key on the master the Sentinels name for ${master}, again until it works (up to ${seconds} s)`,
      };
    }
    if (spec.until) return { does: `waits up to ${seconds} s until the ${spec.until} of ${master} holds` };
    return { does: `waits up to ${seconds} s for a Sentinel to report ${spec.event}` };
  },
  preview(spec, ctx) {
    if (spec.for) return [`pause ${spec.for}`];
    if (spec.absent)
      return [`watch ${spec.absent}: ${spec.event} must not happen on ${spec.node ?? 'any Sentinel'}`];
    const seconds = Math.round((ctx.action.timeoutMs ?? DEFAULT_WAIT_MS) / 1000);
    if (spec.until) return [`wait up to ${seconds} s until ${spec.until} holds`];
    return [
      `wait up to ${seconds} s for ${spec.event} on ${spec.node ?? 'every Sentinel'} (since the ${spec.since ?? 'fault'})`,
    ];
  },
  async run(spec, ctx) {
    if (spec.for) return pauseFor(spec.for, ctx);
    if (spec.absent) return waitForAbsence({ ...spec, event: spec.event ?? '', absent: spec.absent }, ctx);
    if (spec.until) return waitUntil({ ...spec, until: spec.until }, ctx);
    return waitForEvent({ ...spec, event: spec.event ?? '' }, ctx);
  },
};
