// The built program in a real terminal: the CLI bundled as scripts/build.mjs does (into a private folder, since
// anyone's build deletes dist/), run with `node cli.js run` inside tmux, driven key by key, the screen asserted
// after each key, and the terminal checked after Ctrl-C Ctrl-C (raw mode off, cursor shown, alternate screen left).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { startTuiTerminal, type TuiTerminal } from '../helpers/tmux.js';

const runbook = 'fixtures/tui/walkthrough.md';
let stateDir: string;
let terminal: TuiTerminal | undefined;

/** The detail pane's title row names the selected step. */
const detailTitle = (s: string) => (s.split('\n')[2] ?? '').split('│')[1]?.trim() ?? '';

beforeAll(async () => {
  stateDir = tempDir('drillbook-e2e-tui-');
  terminal = await startTuiTerminal({
    name: 'e2e-tui',
    args: ['run', runbook],
    env: { XDG_STATE_HOME: stateDir },
    after: 'stty -a',
  });
});

afterAll(() => {
  terminal?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('drillbook run in a real terminal', () => {
  it('walks the runbook with the keyboard and restores the terminal on Ctrl-C Ctrl-C', async () => {
    const { keys, type, paneFlag, waitFor, waitForScreen } = terminal as TuiTerminal;
    const header = /^TUI walkthrough\s+target lab run \d{8}-\d{6}-[0-9a-f]+ 0\/5/;
    let s = await waitForScreen((x) => header.test(x), 'the header with the run id');
    expect(s).toContain('○ 1. Say hello');
    expect(s).toContain('A safe shell step: it only prints a line');
    expect(s).toContain('• prints the greeting');
    expect(s).toContain('Enter run');
    expect(paneFlag('alternate_on')).toBe('1');

    keys('Enter');
    s = await waitFor('✓ 1. Say hello');
    expect(s.split('\n')[0]).toContain('1/5');
    s = await waitFor('hello from drillbook');
    expect(detailTitle(s)).toBe('1. Say hello');

    keys('Enter');
    s = await waitForScreen((x) => detailTitle(x) === '2. Record the ticket', 'Enter to move on');
    keys('Enter');
    s = await waitFor('? Incident ticket id?');
    type('INC-42');
    await waitFor('› INC-42');
    keys('Enter');
    s = await waitFor('✓ 2. Record the ticket');
    expect(s).toContain('Incident ticket id? → INC-42');

    keys('Enter');
    await waitForScreen((x) => detailTitle(x) === '3. Write the marker', 'Enter to move on');
    keys('Enter');
    s = await waitFor('Proceed? y/N');
    expect(s).toContain('Confirm: Write the marker: writes the ticket marker to stdout');
    keys('Enter');
    s = await waitFor('Write the marker was not run.');
    expect(s).toContain('○ 3. Write the marker');

    keys('Enter');
    await waitFor('Proceed? y/N');
    keys('y');
    s = await waitFor('✓ 3. Write the marker');
    s = await waitFor('marker for INC-42');
    expect(s).toContain('# env TICKET=INC-42');

    keys('j', 'Enter');
    s = await waitFor('✓ 4. Check the results');
    s = await waitFor('3/3 checks passed');
    expect(s).toContain('✓ marker.stdout contains "marker for"');

    keys('j', 'Enter');
    s = await waitForScreen(
      (x) => x.includes('waiting') && /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 5\. Wait for ever/.test(x),
      'the long step',
    );

    keys('C-c');
    await waitFor('✗ 5. Wait for ever');
    await waitFor('aborted — Ctrl-C again quits');
    expect(paneFlag('alternate_on')).toBe('1');

    keys('C-c');
    // The shell prints EXIT= before `stty -a` has written its line of local modes: wait for that line too.
    const afterExit = (x: string) => (x.includes('EXIT=130') ? x.slice(x.indexOf('EXIT=130')) : '');
    s = await waitForScreen(
      (x) => /(^|\s)-?isig(\s|$)/m.test(afterExit(x)),
      'EXIT=130 and the local modes stty -a prints after it',
    );
    expect(s).not.toContain('Steps');
    expect(s).toMatch(/journal: .*drillbook\/runs\/.*\.jsonl/);
    const stty = afterExit(s);
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(stty).toMatch(/(^|\s)echo(\s|$)/m);
    expect(paneFlag('alternate_on')).toBe('0');
    expect(paneFlag('cursor_flag')).toBe('1');
  });
});
