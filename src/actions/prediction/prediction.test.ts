// The prediction kind: rows of what | predicted | measured, rendered at run time; the report's training record.
import { describe, expect, it } from 'vitest';
import type { EngineEvent, EngineEventBody } from '../../contract/events.js';
import { buildRunReport, renderRunReportMarkdown } from '../../drill/report.js';
import { createTestContext, parseBlock } from '../test-context.js';
import { predictionAction } from './index.js';

const body =
  'Writes failed for | {{ vars.predict_s }} s | {{ probe.crash.unavailable_ms }} ms\nAcked writes lost | {{ vars.predict_lost }} | {{ probe.crash.lost_acknowledged }}\n';

describe('prediction', () => {
  it('parses rows of three cells and says which line is not', () => {
    expect(parseBlock(predictionAction, { body }).spec?.rows).toHaveLength(2);
    const bad = parseBlock(predictionAction, { body: 'Writes | 4 s\n' }).problems[0];
    expect(bad).toMatchObject({ line: 1, message: '"Writes | 4 s" is not three cells' });
    expect(parseBlock(predictionAction, { body: '\n' }).problems[0]?.message).toMatch(/at least one/);
  });

  it('renders each cell over the run: the prediction next to the measurement', async () => {
    const t = createTestContext({
      vars: { predict_s: '4', predict_lost: 'none' },
      results: { probe: { crash: { unavailable_ms: 2289.2, lost_acknowledged: 0 } } },
    });
    const spec = parseBlock(predictionAction, { body }).spec;
    const outcome = await predictionAction.run(spec as never, t.ctx);
    expect(outcome).toMatchObject({
      ok: true,
      view: { kind: 'prediction' },
      data: {
        rows: [
          { what: 'Writes failed for', predicted: '4 s', measured: '2289.2 ms' },
          { what: 'Acked writes lost', predicted: 'none', measured: '0' },
        ],
      },
    });
  });

  it("the report's training record names the trainee and puts each prediction next to its measurement", () => {
    let seq = 0;
    const at = (body: EngineEventBody, t: number) =>
      ({ ...body, seq: ++seq, t, wall: new Date(1_800_000_000_000 + t).toISOString() }) as EngineEvent;
    const events = [
      at(
        {
          type: 'run.started',
          runId: 'r1',
          runbook: { file: 'training-lab.md', title: 'Training' },
          target: 'lab',
          dryRun: false,
          operator: 'Robin Trainee',
          steps: [{ id: 'review', title: 'What happened', safety: 'safe' }],
        },
        0,
      ),
      at({ type: 'step.started', step: 'review' }, 1),
      at(
        {
          type: 'action.finished',
          step: 'review',
          action: 0,
          kind: 'prediction',
          ok: true,
          summary: '…',
          durationMs: 1,
          data: { rows: [{ what: 'Writes failed for', predicted: '4 s', measured: '2289.2 ms' }] },
          view: {
            kind: 'prediction',
            rows: [{ what: 'Writes failed for', predicted: '4 s', measured: '2289.2 ms' }],
          },
        },
        2,
      ),
      at(
        {
          type: 'prompt.answered',
          step: 'review',
          action: 1,
          question: 'Why the difference?',
          answer: 'down-after-milliseconds',
          kind: 'value',
        },
        3,
      ),
      at({ type: 'step.finished', step: 'review', status: 'passed', durationMs: 3 }, 4),
      at({ type: 'run.finished', status: 'passed', durationMs: 5, steps: [] }, 5),
    ];
    const markdown = renderRunReportMarkdown(buildRunReport(events));
    expect(markdown).toContain('## Training record');
    expect(markdown).toContain('Trainee: Robin Trainee.');
    expect(markdown).toContain('| 1. What happened | Writes failed for | 4 s | 2289.2 ms |');
    expect(markdown).toContain('* Why the difference? — down-after-milliseconds');
  });
});
