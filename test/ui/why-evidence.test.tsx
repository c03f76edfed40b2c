// Item 8: a trainee's "why?" is asked with the evidence in sight. The step's prose is longer than the detail
// pane, so at the top the prediction table would be out of view; while the question is open the pane shows
// its end — the table of prediction next to measurement — and goes back to where the operator left it after.
import { afterEach, describe, expect, it } from 'vitest';
import { ENTER, lineWith, makeRunbook, renderTui, type StepScript } from './test-utils.js';

let ui: ReturnType<typeof renderTui> | undefined;
afterEach(() => ui?.unmount());

const prose = Array.from(
  { length: 40 },
  (_, i) => `Paragraph ${i + 1} of the explanation of what happened in the crash.\n`,
).join('\n');

const review: StepScript = async ({ emit, interaction, signal }) => {
  emit({ type: 'action.started', step: 'review', action: 0, kind: 'prediction', preview: [] });
  emit({
    type: 'action.finished',
    step: 'review',
    action: 0,
    kind: 'prediction',
    ok: true,
    summary: '1 prediction',
    durationMs: 1,
    view: {
      kind: 'prediction',
      rows: [
        { what: 'Writes failed for', predicted: '4 s', measured: '2210 ms' },
        // A long prediction gives way: the measurement beside it stays on screen.
        {
          what: 'The frozen master, once thawed',
          predicted: 'it stays a master until Sentinel demotes it',
          measured: 'slave of 127.84.0.11:6379',
        },
      ],
    },
  });
  emit({ type: 'action.started', step: 'review', action: 1, kind: 'prompt', preview: [] });
  const answer = await interaction.ask(
    {
      step: 'review',
      kind: 'value',
      question: 'Predicted 4 s, measured 2210 ms without writes: why the difference?',
    },
    signal,
  );
  emit({
    type: 'action.finished',
    step: 'review',
    action: 1,
    kind: 'prompt',
    ok: true,
    summary: answer.value,
    durationMs: 1,
  });
  return 'passed';
};

describe('the "why?" question', () => {
  it('keeps the prediction and the measurement in view while it is asked', async () => {
    const runbook = makeRunbook([
      {
        id: 'review',
        title: 'Exercise 1: what happened',
        explanation: prose,
        actions: [{ kind: 'prediction' }, { kind: 'prompt' }],
      },
    ]);
    ui = renderTui({ runbook, scripts: { review } });
    await ui.start();
    expect(ui.frame()).toContain('Paragraph 1 of');
    await ui.press(ENTER);
    const frame = await ui.waitForText('why the difference?');
    const row = lineWith(frame, 'Writes failed');
    expect(row).toContain('4 s');
    expect(row).toContain('2210 ms');
    expect(frame).toMatch(/you predicted\s+measured/);
    expect(lineWith(frame, 'The frozen')).toContain('slave of 127.84.0.11:6379');
    expect(frame).not.toContain('Paragraph 1 of');
    await ui.press('most of it is down-after-milliseconds');
    await ui.press(ENTER);
    await ui.waitForText('✓ 1. Exercise 1');
    expect(await ui.waitForText('Paragraph 1 of')).not.toContain('why the difference?');
  });
});
