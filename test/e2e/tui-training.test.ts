// The training runbook walked to its end in a real terminal, as a trainee would: the built CLI in tmux runs
// runbooks/training-lab.md against its own lab (VPC 127.84.0.0/24, state home of its own), the test answers
// every question from the screen — names, predictions, confirmations, the droplet names to type — and runs on
// with `a` between them. Each exercise's "why?" is asked with its prediction/measurement table on screen, the
// training record shows the drills side by side, and when the TUI quits the last lines say the lab emulator
// it started is still running and how to stop it. Then what the walk left under its state home: every step
// passed, the journal keeps each answer, each review question puts the prediction beside the measured figure,
// and the report has the four drills (crash, hang, forced failover, planned switchover) and the trainee's
// name. This is the training runbook's only lab run (a headless one as well cost CI over a minute). Short
// Sentinel timings (down_after_ms, failover_timeout_ms) keep it lean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTuiTerminal, type TuiTerminal } from '../helpers/tmux.js';
import {
  labProcesses,
  onlyJournal,
  type ReportedDrill,
  removeLabState,
  reportOf,
  stepIds,
  stepStatuses,
  tempStateHome,
} from './run-cli.js';

const RUNBOOK = 'runbooks/training-lab.md';

/** What the trainee answers, by the runbook's variable: the journal and the report must keep each. */
const TRAINEE = {
  trainee: 'Robin Trainee',
  predict_crash_seconds: '4',
  predict_crash_lost: 'none',
  predict_hang_seconds: '9',
  predict_hang_thaw: 'it stays a master until Sentinel demotes it',
  predict_forced_lost: 'some',
  predict_forced_ms: '150',
  review_crash: 'most of it is down-after-milliseconds',
  review_hang: 'the frozen master kept its connections open',
  review_forced: 'the old master took writes until it was demoted',
  lesson: 'clients must react to +switch-master',
};

/**
 * Answers by the question's first words: text is typed, a choice is picked by its number (the runbook's
 * none,some: 1 is none, 2 is some). Each review question begins with its own prediction.
 */
const ANSWERS: Array<[prefix: string, answer: { text: string } | { choice: string }]> = [
  ['Your name', { text: TRAINEE.trainee }],
  // The lab starts with no VPC in the region: the first one becomes its default (kept at teardown).
  ['nyc1 has no VPC yet', { choice: '1' }],
  ['Crash: how many seconds', { text: TRAINEE.predict_crash_seconds }],
  ['Crash: will any acknowledged write be lost?', { choice: '1' }],
  ['Hang: how many seconds', { text: TRAINEE.predict_hang_seconds }],
  ['Hang: what will the frozen master do', { text: TRAINEE.predict_hang_thaw }],
  ['Forced failover: will any', { choice: '2' }],
  ['Forced failover: how many milliseconds', { text: TRAINEE.predict_forced_ms }],
  ['Predicted 4 s,', { text: TRAINEE.review_crash }],
  ['Predicted 9 s,', { text: TRAINEE.review_hang }],
  ['Predicted "some" lost', { text: TRAINEE.review_forced }],
  ['The one thing', { text: TRAINEE.lesson }],
];

let stateHome: string;
let terminal: TuiTerminal | undefined;

beforeAll(async () => {
  stateHome = tempStateHome('drillbook-e2e-tui-training-');
  terminal = await startTuiTerminal({
    name: 'e2e-tui-training',
    args: [
      'run',
      RUNBOOK,
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
          // An `a` sent to run on just as the question opened lands in its text field: clear it first.
          keys('BSpace', 'BSpace');
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

    // What the walk left under its state home: the journal and the report the TUI wrote when it quit.
    const journal = onlyJournal(stateHome);
    const statuses = stepStatuses(journal);
    expect(Object.keys(statuses)).toEqual(await stepIds(RUNBOOK));
    expect(Object.entries(statuses).filter(([, status]) => status !== 'passed')).toEqual([]);
    const answers = journal.flatMap((event) => (event.type === 'prompt.answered' ? [event] : []));
    for (const value of Object.values(TRAINEE)) {
      expect(answers.map((answer) => answer.answer)).toContain(value);
    }
    // Each review question puts the prediction beside the measurement, rendered from the probe's results.
    const { json, markdown } = reportOf(stateHome);
    const drills = (json as { drills: ReportedDrill[] }).drills;
    expect(drills.map((drill) => [drill.probe, drill.phases.fault?.name, drill.failed_over])).toEqual([
      ['crash', 'power_off', true],
      ['hang', 'freeze', true],
      ['forced', 'SENTINEL FAILOVER', true],
      ['planned', 'switchover', true],
    ]);
    const reviews = answers.filter((answer) => answer.question.startsWith('Predicted'));
    const [crash, hang, forced] = drills;
    expect(reviews.map((review) => [review.question, review.answer])).toEqual([
      [
        `Predicted 4 s, measured ${crash?.unavailable_ms} ms without writes: why the difference?`,
        TRAINEE.review_crash,
      ],
      [
        `Predicted 9 s, measured ${hang?.unavailable_ms} ms without writes: why the difference?`,
        TRAINEE.review_hang,
      ],
      [
        `Predicted "some" lost; ${forced?.lost_acknowledged} acknowledged writes were lost: why?`,
        TRAINEE.review_forced,
      ],
    ]);
    expect(markdown).toContain(TRAINEE.trainee);
  }, 540_000);
});
