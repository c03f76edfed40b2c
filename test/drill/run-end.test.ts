// The lines a TUI run ends with: how far it got, each drill's headline figures, where the report is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DrillResult, RunReport } from '../../src/drill/report.js';
import { runEndSummary } from '../../src/drill/run-end.js';
import type { RunSummary } from '../../src/engine/report.js';

const { drills } = JSON.parse(
  readFileSync(new URL('../../fixtures/drill/training-drills.json', import.meta.url), 'utf8'),
) as { drills: DrillResult[] };

const step = (number: number, status: 'passed' | 'failed' | 'skipped' | 'pending') =>
  ({
    number,
    id: `s${number}`,
    title: `Step ${number}`,
    safety: 'safe',
    status,
    actions: [],
    checks: [],
    attempts: 1,
  }) as RunSummary['steps'][number];

const summary = (steps: RunSummary['steps'], status?: 'passed' | 'failed' | 'aborted'): RunSummary => ({
  runId: 'r1',
  runbook: { file: 'training-lab.md', title: 'On-call training' },
  target: 'lab',
  labModes: [],
  operators: ['robin'],
  dryRun: false,
  startedAt: '2026-12-07T16:51:37.000Z',
  status,
  resumes: 0,
  steps,
  findings: [],
  interactions: [],
  warnings: [],
  timeline: [],
});

describe('run-end summary', () => {
  it('steps, each drill in a line, the report and its charts', () => {
    const report: RunReport = {
      summary: summary([step(1, 'passed'), step(2, 'passed')], 'passed'),
      drills,
      training: [],
    };
    expect(
      runEndSummary(report, {
        report: '/runs/r1.report.md',
        charts: ['r1.drill-crash.svg', 'r1.drill-hang.svg', 'r1.drill-forced.svg'],
      }),
    ).toEqual([
      'On-call training: 2 of 2 steps passed (run passed)',
      '  drill crash: RTO 2.29 s, writes failed for 2.29 s, 0 acknowledged writes lost',
      '  drill hang: RTO 3.15 s, writes failed for 3.13 s, 21 acknowledged writes lost, the old master took 21 after the fault',
      '  drill forced: RTO 1.22 s, writes failed for 30 ms, 103 acknowledged writes lost, the old master took 119 after the fault',
      'report:  /runs/r1.report.md',
      'charts:  r1.drill-crash.svg, r1.drill-hang.svg, r1.drill-forced.svg (beside the report)',
    ]);
  });

  it('a run left early says what failed, was skipped and did not run', () => {
    const report: RunReport = {
      summary: summary(
        [step(1, 'passed'), step(2, 'failed'), step(3, 'skipped'), step(4, 'pending')],
        'aborted',
      ),
      drills: [],
      training: [],
    };
    expect(runEndSummary(report, { report: 'r.md', charts: [] })).toEqual([
      'On-call training: 1 of 4 steps passed, 1 failed, 1 skipped, 1 not run (run aborted)',
      'report:  r.md',
    ]);
  });
});
