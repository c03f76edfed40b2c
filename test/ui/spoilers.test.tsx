// `spoilers: hide`: a training runbook keeps the text of steps not reached yet out of sight, so reading
// ahead cannot give an exercise's answer away; a step shows its text once it is the next one or has run.
import { afterEach, describe, expect, it } from 'vitest';
import { actionKinds } from '../../src/actions/registry.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { ARROW_DOWN, makeRunbook, passingStep, renderTui } from './test-utils.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('no spoilers', () => {
  const steps = [
    { id: 'predict', title: 'Predict', explanation: 'How long will writes fail?' },
    { id: 'crash', title: 'Crash', explanation: 'The master is powered off.' },
    { id: 'answer', title: 'What happened', explanation: 'ANSWER: the replica is now the master.' },
  ];

  it('hides the prose of steps ahead, and shows it as the run reaches them', async () => {
    const runbook = { ...makeRunbook(steps), hideAhead: true };
    const tui = renderTui({ runbook, scripts: { predict: passingStep('predict') } });
    cleanup = tui.unmount;
    await tui.waitForText('How long will writes fail?');
    await tui.press(ARROW_DOWN, ARROW_DOWN);
    const ahead = await tui.waitForText("This step's text shows when you reach it");
    expect(ahead).not.toContain('ANSWER');
    await tui.press('k', 'k');
    await tui.press('\r');
    await tui.waitForState((s) => s.steps.predict?.status === 'passed', 'the first step run');
    await tui.press(ARROW_DOWN);
    await tui.waitForText('The master is powered off.');
    await tui.press(ARROW_DOWN);
    expect(await tui.waitForText("This step's text shows when you reach it")).not.toContain('ANSWER');
  });

  it('without the option every step shows its text', async () => {
    const tui = renderTui({ runbook: makeRunbook(steps) });
    cleanup = tui.unmount;
    await tui.press(ARROW_DOWN, ARROW_DOWN);
    await tui.waitForText('ANSWER: the replica is now the master.');
  });

  it('front matter spoilers: hide sets it; another value is an error that says what to write', () => {
    const text = (value: string) => `---\ntitle: T\nspoilers: ${value}\n---\n\n## One\n\nText.\n`;
    expect(parseRunbook(text('hide'), 't.md', { kinds: actionKinds }).runbook?.hideAhead).toBe(true);
    const bad = parseRunbook(text('maybe'), 't.md', { kinds: actionKinds });
    expect(bad.diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n')).toMatch(
      /3: .*spoilers.*must be show or hide/,
    );
  });
});
