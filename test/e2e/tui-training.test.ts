// The training runbook walked to its end in a real terminal, as a trainee would: the built CLI in tmux runs
// runbooks/training-lab.md against its own lab (VPC 127.84.0.0/24, state home of its own), the test answers
// every question from the screen — names, predictions, confirmations, the droplet names to type — and runs on
// with `a` between them. Each exercise's "why?" is asked with its prediction/measurement table on screen, the
// training record shows the drills side by side, and when the TUI quits the last lines say the lab emulator
// it started is still running and how to stop it. Short Sentinel timings (down_after_ms, failover_timeout_ms)
// keep it lean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTuiTerminal, type TuiTerminal } from '../helpers/tmux.js';
import { labProcesses, removeLabState, tempStateHome } from './run-cli.js';

let stateHome: string;
let terminal: TuiTerminal | undefined;

/** Answers by the question's first words: text is typed, a choice is picked by its number. */
const ANSWERS: Array<[prefix: string, answer: { text: string } | { choice: string }]> = [
  ['Your name', { text: 'Robin Trainee' }],
  // The lab starts with no VPC in the region: the first one becomes its default (kept at teardown).
  ['nyc1 has no VPC yet', { choice: '1' }],
  ['Crash: how many seconds', { text: '4' }],
  ['Crash: will any acknowledged write be lost?', { choice: '1' }],
  ['Hang: how many seconds', { text: '9' }],
  ['Hang: what will the frozen master do', { text: 'it stays a master until Sentinel demotes it' }],
  ['Forced failover: will any', { choice: '2' }],
  ['Forced failover: how many milliseconds', { text: '150' }],
  ['Predicted', { text: 'it is mostly down-after-milliseconds' }],
  ['The one thing', { text: 'clients must react to +switch-master' }],
];

beforeAll(async () => {
  stateHome = tempStateHome('drillbook-e2e-tui-training-');
  terminal = await startTuiTerminal({
    name: 'e2e-tui-training',
    args: [
      'run',
      'runbooks/training-lab.md',
      '--var',
      'down_after_ms=1000',
      '--var',
      'failover_timeout_ms=6000',
      '--var',
      'vpc_range=10.84.0.0/24',
    ],
    env: { XDG_STATE_HOME: stateHome },
    rows: 45,
    pollMs: 100,
  });
}, 60_000);

afterAll(async () => {
  terminal?.close();
  if (stateHome) await removeLabState(stateHome);
}, 60_000);

/** The dialog's lines (inside ║ … ║), joined: the question or confirmation on screen, if any. */
function dialogOf(screen: string): string {
  return screen
    .split('\n')
    .filter((line) => line.startsWith('║'))
    .map((line) => line.slice(1, -1).trim())
    .join(' ');
}

describe('the training runbook in a real terminal', () => {
  it('is walked to its end, each "why?" asked beside its prediction and measurement', async () => {
    const { screen, keys, type, waitForScreen } = terminal as TuiTerminal;
    await waitForScreen((s) => s.includes('○ 1. Welcome'), 'the step list');
    const whyScreens: string[] = [];
    let lastRunOn = 0;
    const deadline = Date.now() + 480_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`The walk did not end. Screen:\n${screen()}`);
      const s = screen();
      if (/18\/18/.test(s.split('\n')[0] ?? '')) break;
      if (/✗ \d+\. /.test(s)) throw new Error(`A step failed. Screen:\n${s}`);
      const dialog = dialogOf(s);
      const typed = /Type (.+?) to proceed/.exec(dialog);
      if (typed?.[1]) {
        type(typed[1]);
        keys('Enter');
      } else if (dialog.includes('Proceed? y/N')) {
        keys('y');
      } else if (dialog.startsWith('? ')) {
        const question = dialog.slice(2);
        const answer = ANSWERS.find(([prefix]) => question.startsWith(prefix))?.[1];
        if (answer === undefined) throw new Error(`No answer for "${question}". Screen:\n${s}`);
        if (question.startsWith('Predicted')) {
          // The detail pane moves to its end once it has measured itself with the question open.
          whyScreens.push(
            await waitForScreen(
              (x) => x.includes('you predicted') && dialogOf(x).startsWith('? Predicted'),
              `the prediction table beside "${question}"`,
              5000,
            ),
          );
        }
        if ('choice' in answer) {
          keys(answer.choice);
        } else {
          type(answer.text);
          keys('Enter');
        }
      } else if (Date.now() - lastRunOn > 2000) {
        // Nothing asked: run on to the next question (a no-op while a step runs).
        keys('a');
        lastRunOn = Date.now();
      } else {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      // Give the answer time to reach the screen before reading it again.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    // Three exercises ask "why?", each with its table of prediction next to measurement in view.
    expect(whyScreens).toHaveLength(3);
    for (const whyScreen of whyScreens) {
      expect(whyScreen).toContain('you predicted');
      expect(whyScreen).toMatch(/Writes failed.*\s\d+ m?s\s+[\d.]+ ms/);
    }
    // The training record (the step above the last) puts the four drills side by side.
    keys('k');
    const record = await waitForScreen(
      (x) => /drill\s+RTO\s+unavail\./.test(x) && /planned\s+\S/.test(x),
      "the training record's drills table",
      10_000,
    );
    // RTO, unavailability, lost: a switchover that paused writes without an outage has no RTO ("—").
    const row = (drill: string) => new RegExp(`${drill}\\s+(—|[\\d.]+ m?s)\\s+[\\d.]+ m?s\\s+(\\d+)\\s`);
    for (const drill of ['crash', 'hang', 'forced', 'planned']) expect(record).toMatch(row(drill));
    expect(record.match(row('planned'))?.[2]).toBe('0');

    keys('q');
    const end = await waitForScreen((s) => s.includes('EXIT='), 'the TUI to quit', 30_000);
    expect(end).toMatch(/18 of 18 steps passed/);
    expect(end.replace(/\n/g, '')).toContain(
      'the lab emulator this run started is still running, with its droplets; stop it with: drillbook lab down',
    );
    expect(await labProcesses(stateHome)).toEqual([]);
  }, 540_000);
});
