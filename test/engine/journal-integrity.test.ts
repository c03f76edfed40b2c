// The journal is the record: a torn tail is repaired on resume, one process writes it at a time, a resume
// against an edited runbook is noticed, and a journal that cannot be written stops the run (issue #15 items 1-4).
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/contract/runbook.js';
import type { EngineOptions } from '../../src/engine/engine.js';
import { readJournal, repairTornTail } from '../../src/engine/journal.js';
import { tempDir } from '../helpers/temp-dir.js';
import {
  action,
  failed,
  leaveLockOfDeadProcess,
  ofType,
  ok,
  runbook,
  scriptedInteraction,
  startEngine,
  step,
} from './fake-runbook.js';

const mutating = (id: string, behave = () => ok(), body = '') =>
  step(id, [action({ behave }, { safety: 'mutating', body })]);

/** A finished run whose step "b" failed, so a resume has something to do. */
async function recordedRun(steps: Step[], failing = 'b') {
  const dir = tempDir();
  const failOnce = new Set([failing]);
  const book = runbook(
    steps.map((s) => ({
      ...s,
      actions: s.actions.map((a) => ({
        ...a,
        spec: { behave: () => (failOnce.delete(s.id) ? failed('not yet') : ok()) },
      })),
    })),
  );
  const { engine } = await startEngine({ runbook: book, journalPath: dir, yes: true });
  await engine.runAll();
  await engine.finish();
  const journal = engine.journalPath;
  return {
    journal,
    dir,
    /** Resumes it with --yes over `steps` (the recorded ones or an edited runbook), as `run --resume --yes`. */
    resume: (steps: Step[], options: Partial<EngineOptions> = {}) =>
      startEngine({ runbook: runbook(steps), journalPath: dir, resume: journal, yes: true, ...options }),
  };
}

describe('a torn journal tail', () => {
  it('is cut back to the last complete line on resume, recorded, and nothing after it is lost', async () => {
    const recorded = await recordedRun([mutating('a'), mutating('b')]);
    const complete = readFileSync(recorded.journal, 'utf8');
    appendFileSync(recorded.journal, '{"type":"step.started","step":"b","seq":99,"t":1,"wa');
    const resumed = await recorded.resume([mutating('a'), mutating('b')]);
    expect(await resumed.engine.runAll()).toBe('passed');
    await resumed.engine.finish();
    const text = readFileSync(recorded.journal, 'utf8');
    expect(text.startsWith(complete)).toBe(true);
    // Every line parses: nothing fused with the fragment, so report and a further --resume read it all.
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const events = readJournal(recorded.journal);
    expect(events.at(-1)?.type).toBe('run.finished');
    expect(ofType(events, 'log').map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^the journal's last line was torn \(52 bytes/),
    );
  });

  it('completes a last line that only lacks its newline, and leaves an intact journal alone', () => {
    const path = join(tempDir(), 'j.jsonl');
    writeFileSync(path, '{"type":"run.started"}\n{"type":"log"}');
    expect(repairTornTail(path)).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe('{"type":"run.started"}\n{"type":"log"}\n');
    expect(repairTornTail(path)).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe('{"type":"run.started"}\n{"type":"log"}\n');
    writeFileSync(path, '{"type":"run.st');
    expect(repairTornTail(path)?.bytes).toBe(15);
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});

describe('one writer per journal', () => {
  it('refuses a second --resume while the first holds the journal, naming its pid; then allows it', async () => {
    const { journal, dir } = await recordedRun([mutating('a'), mutating('b')]);
    const book = runbook([mutating('a'), mutating('b')]);
    const first = await startEngine({ runbook: book, journalPath: dir, resume: journal, yes: true });
    expect(existsSync(`${journal}.lock`)).toBe(true);
    await expect(
      startEngine({ runbook: book, journalPath: dir, resume: journal, yes: true }),
    ).rejects.toThrow(`the journal ${journal} is in use by pid ${process.pid}`);
    await first.engine.finish();
    expect(existsSync(`${journal}.lock`)).toBe(false);
    const again = await startEngine({ runbook: book, journalPath: dir, resume: journal, yes: true });
    await again.engine.finish();
  });

  it('refuses two new runs on one --journal FILE', async () => {
    const path = join(tempDir(), 'drill.jsonl');
    const book = runbook([mutating('a')]);
    const first = await startEngine({ runbook: book, journalPath: path, yes: true });
    await expect(startEngine({ runbook: book, journalPath: path })).rejects.toThrow(/is in use by pid/);
    await first.engine.finish();
  });

  it('takes over the lock of a process that died', async () => {
    const recorded = await recordedRun([mutating('a'), mutating('b')]);
    leaveLockOfDeadProcess(recorded.journal);
    const resumed = await recorded.resume([mutating('a'), mutating('b')]);
    expect(await resumed.engine.runAll()).toBe('passed');
    await resumed.engine.finish();
    expect(existsSync(`${recorded.journal}.lock`)).toBe(false);
  });
});

describe('resuming against an edited runbook', () => {
  const original = () => [
    mutating('a', ok, 'echo a'),
    mutating('b', ok, 'echo b'),
    mutating('c', ok, 'echo c'),
  ];

  it.each([
    [
      'renamed',
      [mutating('a', ok, 'echo a'), mutating('b2', ok, 'echo b'), mutating('c', ok, 'echo c')],
      'step "b" is now "b2" (renamed)',
    ],
    ['removed', [mutating('a', ok, 'echo a'), mutating('c', ok, 'echo c')], 'step "b" was removed'],
    ['added', [...original(), mutating('d', ok, 'echo d')], 'step "d" was added'],
    [
      'reordered',
      [mutating('b', ok, 'echo b'), mutating('a', ok, 'echo a'), mutating('c', ok, 'echo c')],
      'the steps are in a different order (b, a, c)',
    ],
    [
      'edited',
      [mutating('a', ok, 'echo A!'), mutating('b', ok, 'echo b'), mutating('c', ok, 'echo c')],
      'step "a" has changed content',
    ],
  ])('refuses headless when a step was %s, saying what changed', async (_how, edited, change) => {
    const recorded = await recordedRun(original());
    const headless = scriptedInteraction();
    headless.confirm = async () => {
      throw new Error('nobody can confirm it here');
    };
    const attempt = recorded.resume(edited, { interaction: headless });
    const error = await attempt.then(
      () => undefined,
      (refused: Error) => refused,
    );
    expect(error?.message).toContain(change);
    expect(error?.message).toContain('pass --accept-changed-runbook');
  });

  it('goes on with --accept-changed-runbook, recording the accepted changes', async () => {
    const recorded = await recordedRun(original());
    const edited = [mutating('a', ok, 'echo a'), mutating('b2', ok, 'echo b'), mutating('c', ok, 'echo c')];
    const resumed = await recorded.resume(edited, { acceptChangedRunbook: true });
    expect(ofType(resumed.events, 'log').map((e) => e.message)).toContain(
      'resuming an edited runbook (accepted): step "b" is now "b2" (renamed)',
    );
    await resumed.engine.finish();
  });

  it('asks the operator in a terminal: no refuses, yes goes on', async () => {
    const { journal, dir } = await recordedRun(original());
    const edited = runbook([mutating('a', ok, 'echo a'), mutating('b', ok, 'echo b')]);
    const no = scriptedInteraction({ confirm: false });
    await expect(
      startEngine({ runbook: edited, journalPath: dir, resume: journal, interaction: no }),
    ).rejects.toThrow('step "c" was removed');
    expect(no.confirms[0]?.message).toMatch(/Resume anyway\?$/);
    const yes = await startEngine({
      runbook: edited,
      journalPath: dir,
      resume: journal,
      interaction: scriptedInteraction(),
    });
    await yes.engine.finish();
  });

  it('says nothing when the runbook is the one recorded', async () => {
    const recorded = await recordedRun(original());
    const resumed = await recorded.resume(original());
    expect(ofType(resumed.events, 'log').some((e) => e.message.includes('edited runbook'))).toBe(false);
    expect(await resumed.engine.runAll()).toBe('passed');
    await resumed.engine.finish();
  });
});

describe('a journal that cannot be written', () => {
  it('stops the run at once when the file is deleted mid-run: the step fails, nothing more runs', async () => {
    const dir = tempDir();
    let laterRan = false;
    const book = runbook([
      step('delete', [
        action({
          behave: async (ctx) => {
            rmSync(join(dir, `${ctx.runId}.jsonl`));
            for (let i = 0; i < 20 && !ctx.signal.aborted; i++) {
              ctx.output(`still mutating ${i}`);
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
            return ctx.signal.aborted ? failed('stopped') : ok();
          },
        }),
      ]),
      step('later', [
        action({
          behave: () => {
            laterRan = true;
            return ok();
          },
        }),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, journalPath: dir });
    expect(await engine.runAll()).toBe('aborted');
    expect(await engine.finish()).toBe('failed');
    expect(laterRan).toBe(false);
    const error = ofType(events, 'log').find((e) => e.level === 'error');
    expect(error?.message).toMatch(/^the journal .* cannot be written \(the file was deleted or replaced/);
    expect(error?.message).toContain('--resume');
    expect(ofType(events, 'action.output').length).toBeLessThan(10);
  });
});
