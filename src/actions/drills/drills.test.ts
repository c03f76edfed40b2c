// The drills kind: parses a list of probe names, and puts stopped probes side by side (recorded results).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DrillResult } from '../../drill/report.js';
import { createTestContext, parseBlock } from '../test-context.js';
import { drillsAction } from './index.js';

const { drills } = JSON.parse(
  readFileSync(new URL('../../../fixtures/drill/training-drills.json', import.meta.url), 'utf8'),
) as { drills: DrillResult[] };
const results = Object.fromEntries(drills.map(({ step: _step, probe, ...data }) => [probe, data]));

describe('drills', () => {
  it('lists probe names one per line and refers to their results for check-time validation', () => {
    const { spec, problems } = parseBlock(drillsAction, { body: 'crash\nhang\n\nforced\n' });
    expect(problems).toEqual([]);
    expect(spec?.probes).toEqual(['crash', 'hang', 'forced']);
    expect(drillsAction.references?.(spec as never)).toEqual(['probe.crash', 'probe.hang', 'probe.forced']);
    expect(parseBlock(drillsAction, { body: '' }).problems[0]?.message).toMatch(/lists the probes/);
    expect(parseBlock(drillsAction, { body: 'crash\nnot a name' }).problems[0]).toMatchObject({ line: 2 });
  });

  it('puts the stopped probes side by side with their figures and series', async () => {
    const t = createTestContext({ results: { probe: results } });
    const spec = parseBlock(drillsAction, { body: 'crash\nforced' }).spec;
    const outcome = await drillsAction.run(spec as never, t.ctx);
    expect(outcome).toMatchObject({
      ok: true,
      view: { kind: 'drills' },
      summary: '2 drills side by side: crash 0 lost, forced 103 lost',
    });
    const data = outcome.data as { drills: DrillResult[] };
    expect(data.drills.map((d) => [d.probe, d.lost_acknowledged, d.series?.bucketMs])).toEqual([
      ['crash', 0, 100],
      ['forced', 103, 100],
    ]);
  });

  it('a probe that is still running has nothing to compare: it says which and what to run', async () => {
    const t = createTestContext({ results: { probe: { ...results, live: { running: true } } } });
    const outcome = await drillsAction.run({ probes: ['crash', 'live'] }, t.ctx);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(
      /probe live has not been stopped .* run the step with its `probe name=live` stop block first/,
    );
  });
});
