import { afterEach, describe, expect, it } from 'vitest';
import { ARROW_DOWN, ARROW_UP, lineWith, makeRunbook, renderTui } from './test-utils.js';

const runbook = makeRunbook([
  { id: 'check-tools', title: 'Check the tools', explanation: 'Make sure **redis-cli** is installed.' },
  { id: 'provision', title: 'Provision droplets', explanation: 'Creates `5` droplets in the VPC.' },
  { id: 'verify', title: 'Verify replication', explanation: '- every replica\n- link *up*' },
]);

let ui: ReturnType<typeof renderTui> | undefined;
afterEach(() => ui?.unmount());

describe('navigation', () => {
  it('lists every step as pending and shows the first step explanation', async () => {
    ui = renderTui({ runbook });
    const frame = await ui.waitForText('Check the tools');
    expect(frame).toContain('○ 1. Check the tools');
    expect(frame).toContain('○ 2. Provision droplets');
    expect(frame).toContain('○ 3. Verify replication');
    expect(frame).toContain('Make sure redis-cli is installed.');
  });

  it('renders Markdown for the terminal: soft line breaks join, links show their address', async () => {
    const book = makeRunbook([
      {
        id: 'md',
        title: 'Markdown',
        explanation:
          '## Why\n\nThe paragraph goes on\nacross source lines.\n\n1. first\n2. second\n\nSee [the docs](https://redis.io/docs/) and `SENTINEL MASTERS`.',
      },
    ]);
    ui = renderTui({ runbook: book, columns: 140 });
    const frame = await ui.waitForText('The paragraph goes on across source lines.');
    expect(frame).toContain('Why');
    expect(frame).toContain('1. first');
    expect(frame).toContain('2. second');
    expect(frame).toContain('See the docs (https://redis.io/docs/) and `SENTINEL MASTERS`.');
  });

  it('moves the selection with arrows and j/k, and shows the selected step', async () => {
    ui = renderTui({ runbook });
    await ui.waitForText('Make sure');
    await ui.press(ARROW_DOWN);
    await ui.waitForText('Creates `5` droplets in the VPC.');
    await ui.press('j');
    let frame = await ui.waitForText('• every replica');
    expect(frame).toContain('• link up');
    await ui.press('j');
    expect(ui.store.getState().ui.selected).toBe(2);
    await ui.press(ARROW_UP, 'k');
    frame = await ui.waitForText('Make sure');
    expect(ui.store.getState().ui.selected).toBe(0);
  });

  it('handles keys that arrive together as separate keystrokes', async () => {
    ui = renderTui({ runbook });
    await ui.waitForText('Make sure');
    await ui.press('jj');
    await ui.waitForText('• every replica');
    expect(ui.store.getState().ui.selected).toBe(2);
  });

  it('shows the header with title, target, run id once started', async () => {
    ui = renderTui({ runbook });
    await ui.start();
    const frame = await ui.waitForText('run-test-1');
    expect(lineWith(frame, 'Test runbook')).toContain('target lab');
    expect(frame).not.toContain('DRY RUN');
  });

  it('builds the footer from the keymap', async () => {
    ui = renderTui({ runbook });
    const frame = await ui.waitForText('? help');
    const footer = lineWith(frame, 'Enter run');
    for (const entry of [
      '↑↓ select',
      'a run on',
      's skip',
      'r retry',
      'd dry run',
      'Tab pane',
      '? help',
      'q quit',
    ]) {
      expect(footer).toContain(entry);
    }
    ui.resize(80, 24);
    const narrowFrame = await ui.waitFor(
      (f) => f.split('\n').every((line) => line.length <= 80) && f.includes('? help'),
      'an 80-column frame',
    );
    expect(narrowFrame.split('\n').length).toBeLessThanOrEqual(24);
    const narrow = lineWith(narrowFrame, 'Enter run');
    expect(narrow).toContain('? help');
    expect(narrow).toContain('q quit');
    expect(narrow.length).toBeLessThanOrEqual(80);
  });

  it('opens and closes full help with ?', async () => {
    ui = renderTui({ runbook });
    await ui.waitForText('Make sure');
    await ui.press('?');
    const frame = await ui.waitForText('Keys (? or Esc closes)');
    expect(frame).toContain('Run from the selected step on');
    await ui.press('?');
    await ui.waitFor((f) => !f.includes('Keys (? or Esc closes)'), 'help to close');
  });
});
