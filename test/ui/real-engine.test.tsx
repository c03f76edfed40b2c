// The TUI over the real Engine and real action kinds (sh, check, prompt): run-on, a declined confirmation,
// an answered prompt and the previews all come from the engine; the TUI only projects its events.
import { describe, expect, it } from 'vitest';
import { actionKinds } from '../../src/actions/registry.js';
import type { Runbook } from '../../src/contract/runbook.js';
import { MASK } from '../../src/engine/redact.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { ARROW_DOWN, ENTER, lineWith, tuiOverRealEngine } from './test-utils.js';

const SOURCE = `---
title: Real engine
vars:
  masterName:
    default: mymaster
  password:
    secret: true
    source: env:DRILLBOOK_TUI_TEST_UNSET
---

# Real engine

## First step

\`\`\`sh id=addr safety=safe
echo 127.60.0.21
\`\`\`

## Second step

\`\`\`check
addr.exitCode == 0
\`\`\`

## Third step

\`\`\`sh id=third safety=mutating env=MASTER_IP=addr.stdout
echo "name=$MASTER_NAME ip=$MASTER_IP"
\`\`\`

## Ask

\`\`\`prompt var=incident_id
Incident ticket id?
\`\`\`

## Use the answer

\`\`\`sh safety=safe
echo "incident $INCIDENT_ID"
\`\`\`
`;

function loadRunbook(failFirst: boolean): Runbook {
  const source = failFirst ? SOURCE.replace('echo 127.60.0.21', 'exit 3') : SOURCE;
  const { runbook, diagnostics } = parseRunbook(source, 'real-engine.md', { kinds: actionKinds });
  if (!runbook) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return runbook;
}

const renderOverEngine = tuiOverRealEngine();

function renderWithEngine(options: { failFirst?: boolean } = {}) {
  return renderOverEngine({
    runbook: loadRunbook(options.failFirst ?? false),
    kinds: actionKinds,
    target: { name: 'lab', apiUrl: 'http://127.0.0.1:1/v2', token: 'unused-token' },
    vars: { password: 'hunter2-secret' },
    columns: 140,
    rows: 40,
  });
}

describe('TUI over the real engine', () => {
  it('a runs on to the step that needs the operator; a declined confirmation leaves it pending; y runs it', async () => {
    const { ui } = await renderWithEngine();
    await ui.press('a');
    await ui.waitForText('Stopped before "Third step": it needs you. Enter runs it.');
    expect(ui.store.getState().steps['first-step']?.status).toBe('passed');
    expect(ui.store.getState().steps['second-step']?.status).toBe('passed');
    expect(ui.store.getState().ui.selected).toBe(2);

    await ui.press(ENTER);
    await ui.waitForText('Proceed? y/N');
    await ui.press('n');
    await ui.waitForText('Third step was not run.');
    expect(ui.store.getState().steps['third-step']?.status).toBe('pending');
    expect(ui.store.getState().question).toBeUndefined();
    expect(ui.frame()).toContain('declined by tester');

    await ui.press(ENTER);
    await ui.waitForText('Proceed? y/N');
    await ui.press('y');
    await ui.waitForText('name=mymaster ip=127.60.0.21');
    expect(ui.store.getState().steps['third-step']?.status).toBe('passed');
  });

  it('a stops at a failure and says so', async () => {
    const { ui } = await renderWithEngine({ failFirst: true });
    await ui.press('a');
    await ui.waitForText('✗ First step failed — r retries, s skips');
    expect(ui.store.getState().steps['first-step']?.status).toBe('failed');
    expect(ui.store.getState().steps['second-step']?.status).toBe('pending');
    expect(ui.store.getState().busy).toBe(false);
  });

  it('answers a prompt in its dialog and the next script receives the answer', async () => {
    const { ui } = await renderWithEngine();
    await ui.press(ARROW_DOWN, ARROW_DOWN, ARROW_DOWN);
    await ui.waitFor((f) => lineWith(f, 'Ask').length > 0, 'the Ask step');
    await ui.press(ENTER);
    await ui.waitForText('? Incident ticket id?');
    await ui.press('I', 'N', 'C', '-', '7', ENTER);
    await ui.waitForState((s) => s.steps.ask?.status === 'passed', 'the prompt step to pass');
    await ui.press(ENTER);
    await ui.waitForText('Next: Use the answer');
    await ui.press(ENTER);
    await ui.waitForText('incident INC-7');
  });

  it('previews the names scripts really receive, secrets masked, and refreshes as results arrive', async () => {
    const { ui } = await renderWithEngine();
    await ui.press(ARROW_DOWN, ARROW_DOWN);
    await ui.waitForState((s) => s.ui.selected === 2, 'the third step to be selected');
    await ui.press('d');
    let frame = await ui.waitForText('Dry run: what this step would do');
    expect(frame).toContain('[1] sh third (mutating)');
    expect(frame).toContain('# env MASTER_NAME=mymaster');
    expect(frame).not.toContain('MASTERNAME');
    expect(frame).toContain(`# env PASSWORD=${MASK}`);
    expect(frame).not.toContain('hunter2-secret');
    expect(frame).toContain('# env MASTER_IP=<addr.stdout, not known yet>');
    expect(ui.store.getState().steps['third-step']?.status).toBe('pending');

    // The first step's result makes MASTER_IP known: the pending action's preview is rendered again.
    await ui.press('k', 'k', ENTER);
    await ui.waitForState((s) => s.steps['first-step']?.status === 'passed', 'the first step to pass');
    await ui.press('j', 'j');
    frame = await ui.waitForText('# env MASTER_IP=127.60.0.21  (addr.stdout)');
    expect(frame).toContain('# env MASTER_NAME=mymaster');
  });
});
