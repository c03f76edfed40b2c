// ```drills — the review step: the run's stopped probes side by side (RTO, unavailability, acknowledged
// writes lost, what the old master took after the fault, latency), each with its timeline chart, so the
// lesson of a crash vs a forced failover vs a coordinated switchover is on screen, not only in a file.
import * as z from 'zod';
import type { ActionKind } from '../../contract/action.js';
import { type DrillResult, isDrillData } from '../../drill/report.js';

export interface DrillsSpec {
  /** Probe names, in the order to show them. */
  probes: string[];
}

const NAME = /^[A-Za-z0-9_-]+$/;

export const drillsAction: ActionKind<DrillsSpec> = {
  kind: 'drills',
  description: 'Shows stopped probes side by side: a table of their figures and their timeline charts',
  attributes: z.strictObject({}),
  defaultSafety: () => 'safe',
  parse(input, report) {
    const probes = input.body
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const bad = probes.findIndex((name) => !NAME.test(name));
    if (probes.length === 0 || bad >= 0) {
      report({
        line: bad >= 0 ? bad + 1 : 1,
        message:
          bad >= 0 ? `"${probes[bad]}" is not a probe name` : 'a drills block lists the probes to compare',
        hint: 'one probe name per line, as in `probe name=crash`',
      });
      return undefined;
    }
    return { probes };
  },
  references: (spec) => spec.probes.map((name) => `probe.${name}`),
  preview: (spec) => [`compare drills: ${spec.probes.join(', ')}`],
  confirmation: async (spec) => ({ does: `shows the drills ${spec.probes.join(', ')} side by side` }),
  async run(spec, ctx) {
    const drills: DrillResult[] = [];
    for (const name of spec.probes) {
      const data = ctx.resolve(`probe.${name}`);
      if (!isDrillData(data)) {
        return {
          ok: false,
          summary: `probe ${name} has no results yet`,
          error: `${ctx.runbook.file}:${ctx.action.loc.line}: probe ${name} has not been stopped (or did not settle), so there is nothing to compare; run the step with its \`probe name=${name}\` stop block first`,
        };
      }
      drills.push({ step: '', probe: name, ...data });
    }
    const lost = drills.map((d) => `${d.probe} ${d.lost_acknowledged} lost`).join(', ');
    return {
      ok: true,
      summary: `${drills.length} drills side by side: ${lost}`,
      data: { drills },
      view: { kind: 'drills', drills },
    };
  },
};
