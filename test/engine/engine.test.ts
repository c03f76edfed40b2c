import { describe, expect, it } from 'vitest';
import type { ActionOutcome } from '../../src/contract/action.js';
import {
  abortableAction,
  action,
  failed,
  ofType,
  ok,
  runbook,
  scriptedInteraction,
  startEngine,
  step,
  untilAborted,
  variable,
} from './fake-runbook.js';

describe('engine: order, results, failures', () => {
  it('runs steps and actions in order and makes results addressable by later steps', async () => {
    const calls: string[] = [];
    const book = runbook([
      step('first', [
        action(
          {
            behave: () => {
              calls.push('a');
              return ok('made a', { value: 41 });
            },
          },
          { id: 'alpha' },
        ),
        action({
          behave: (ctx) => {
            ctx.publish('probe.app', { writes: 7 });
            calls.push('b');
            return ok();
          },
        }),
      ]),
      step('second', [
        action({
          preview: 'uses {{ alpha.value }}',
          behave: (ctx) => {
            calls.push(`c:${ctx.render('{{ alpha.value }}/{{ probe.app.writes }}/{{ run.target }}')}`);
            return ok();
          },
        }),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book });
    expect(await engine.runAll()).toBe('passed');
    expect(calls).toEqual(['a', 'b', 'c:41/7/lab']);
    expect(events.map((e) => e.type)).toEqual([
      'run.started',
      'step.started',
      'action.started',
      'action.finished',
      'action.started',
      'action.finished',
      'step.finished',
      'step.started',
      'action.started',
      'action.finished',
      'step.finished',
      'steps.stopped',
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(ofType(events, 'action.started')[2]?.preview).toEqual(['uses 41']);
    expect(engine.state().steps.first).toBe('passed');
    expect(engine.results()).toMatchObject({ alpha: { value: 41 }, probe: { app: { writes: 7 } } });
    expect(await engine.finish()).toBe('passed');
    const finished = events.at(-1);
    expect(finished?.type === 'run.finished' && finished.steps[0]?.results.alpha).toMatchObject({
      ok: true,
      data: { value: 41 },
    });
  });

  it('stops at a failing action, naming the step, action and file:line, and leaves later steps pending', async () => {
    let laterRan = false;
    const book = runbook([
      step('breaks', [
        action(
          { behave: () => failed('replica link is down') },
          { id: 'link', loc: { file: 'fake.md', line: 33, column: 1 } },
        ),
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
    const { engine, events } = await startEngine({ runbook: book });
    expect(await engine.runAll()).toBe('failed');
    expect(laterRan).toBe(false);
    expect(engine.state().steps.later).toBe('pending');
    const finished = ofType(events, 'step.finished')[0];
    expect(finished?.status).toBe('failed');
    expect(finished?.error).toBe('step "breaks", action 1 (fake link, fake.md:33): replica link is down');
    expect(await engine.finish()).toBe('failed');
  });

  it('turns a thrown error and a missing reference into a failed step, not a crash', async () => {
    const book = runbook([
      step('throws', [
        action({ behave: () => Promise.reject(new Error('connection refused by 127.60.0.1:6379')) }),
      ]),
      step('missing', [action({ preview: '{{ nodes.redis-1.ip }}', behave: () => ok() })]),
    ]);
    const { engine, events } = await startEngine({ runbook: book });
    expect(await engine.runStep('throws')).toBe('failed');
    expect(await engine.runStep('missing')).toBe('failed');
    const errors = ofType(events, 'step.finished').map((e) => e.error);
    expect(errors[0]).toContain('connection refused by 127.60.0.1:6379');
    expect(errors[1]).toContain('nothing is named "nodes"');
  });

  it('re-runs an action up to retries= times and reports the attempts when it never succeeds', async () => {
    let calls = 0;
    const flaky = runbook([
      step('flaky', [
        action({ behave: () => (++calls < 3 ? failed(`try ${calls}`) : ok()) }, { retries: 2 }),
      ]),
    ]);
    const { engine } = await startEngine({ runbook: flaky });
    expect(await engine.runAll()).toBe('passed');
    expect(calls).toBe(3);

    const broken = runbook([step('broken', [action({ behave: () => failed('no quorum') }, { retries: 1 })])]);
    const second = await startEngine({ runbook: broken });
    expect(await second.engine.runAll()).toBe('failed');
    expect(ofType(second.events, 'step.finished')[0]?.error).toContain(
      'no quorum (after 2 attempts, retries=1)',
    );
    expect(ofType(second.events, 'action.output').map((e) => e.line)).toEqual([
      'attempt 1 of 2 failed (no quorum); retrying',
    ]);
  });

  it('fails an action that outlives its timeout, even one that ignores its signal', async () => {
    const book = runbook([
      step('honours', [action({ behave: untilAborted }, { timeoutMs: 50 })]),
      step('ignores', [action({ behave: () => new Promise(() => {}) }, { timeoutMs: 50 })]),
    ]);
    const { engine, events } = await startEngine({ runbook: book });
    expect(await engine.runStep('honours')).toBe('failed');
    expect(await engine.runStep('ignores')).toBe('failed');
    for (const finished of ofType(events, 'step.finished')) {
      expect(finished.error).toContain('timed out after 50ms (timeout=50ms)');
    }
  });

  it('aborts the running step on abort(): runAll stops as aborted and later steps stay pending', async () => {
    const long = abortableAction();
    const book = runbook([step('long', [long.action]), step('after', [action({ behave: () => ok() })])]);
    const { engine, events } = await startEngine({ runbook: book });
    const result = engine.runAll();
    await long.started;
    engine.abort();
    expect(await result).toBe('aborted');
    expect(engine.state().steps.long).toBe('failed');
    expect(engine.state().steps.after).toBe('pending');
    expect(ofType(events, 'step.finished')[0]?.error).toContain('aborted by the operator (Ctrl-C)');
    expect(await engine.finish()).toBe('aborted');
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
  });

  /** A mutating block whose first attempt runs until aborted, and whose later attempts end as given. */
  function abortedThenEnds(...later: ActionOutcome[]) {
    let attempts = 0;
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const block = action(
      {
        behave: (ctx) => {
          if (++attempts > 1) return later[attempts - 2] ?? ok();
          markStarted();
          return untilAborted(ctx);
        },
      },
      { safety: 'mutating' },
    );
    return { block, started };
  }

  it('says before re-running a step an abort stopped part-way that it may have partly completed', async () => {
    const provision = abortedThenEnds(failed('droplet limit reached'), ok());
    const interaction = scriptedInteraction({ confirm: true });
    const book = runbook([step('provision', [provision.block])]);
    const { engine } = await startEngine({ runbook: book, interaction });
    const first = engine.runStep('provision');
    await provision.started;
    engine.abort();
    expect(await first).toBe('failed');
    expect(await engine.runStep('provision')).toBe('failed');
    expect(await engine.runStep('provision')).toBe('passed');
    const [before, afterAbort, afterFailure] = interaction.confirms.map((c) => c.message);
    expect(before).not.toMatch(/previous attempt/);
    expect(afterAbort).toMatch(
      /^Its previous attempt in this run \(started \d{4}-\d\d-\d\dT[\d:.]+Z\) was aborted before it finished: some of its blocks may have run; check what they changed .* before running it again\. Step provision: /,
    );
    // The second attempt finished (it failed on its own): nothing of it is left half-done.
    expect(afterFailure).not.toMatch(/previous attempt/);
    await engine.finish();
  });

  it('with --yes, warns before re-running a step an abort stopped part-way', async () => {
    const slow = abortedThenEnds(ok());
    const book = runbook([step('slow', [slow.block])]);
    const { engine, events } = await startEngine({ runbook: book, yes: true });
    const first = engine.runStep('slow');
    await slow.started;
    engine.abort();
    await first;
    expect(await engine.runStep('slow')).toBe('passed');
    expect(ofType(events, 'log').map((e) => [e.level, e.message])).toContainEqual([
      'warn',
      'step "slow" was aborted part-way earlier in this run and may have partly completed; running it again because of --yes',
    ]);
    await engine.finish();
  });

  it('lets a failed step be retried after an abort', async () => {
    let calls = 0;
    const book = runbook([
      step('again', [action({ behave: () => (++calls === 1 ? failed('first time') : ok()) })]),
    ]);
    const { engine } = await startEngine({ runbook: book });
    expect(await engine.runStep('again')).toBe('failed');
    expect(await engine.runStep('again')).toBe('passed');
    expect(await engine.finish()).toBe('passed');
  });

  it('re-evaluates under within= until it holds, and says how long it waited when it never does', async () => {
    let calls = 0;
    const book = runbook([
      step('converges', [
        action({ behave: () => (++calls < 3 ? failed('2 of 3 sentinels agree') : ok()) }, { withinMs: 5000 }),
      ]),
      step('never', [action({ behave: () => failed('master_link_status is down') }, { withinMs: 200 })]),
    ]);
    const { engine, events } = await startEngine({ runbook: book });
    expect(await engine.runStep('converges')).toBe('passed');
    expect(calls).toBe(3);
    expect(await engine.runStep('never')).toBe('failed');
    const error = ofType(events, 'step.finished')[1]?.error ?? '';
    expect(error).toMatch(/still not ok after within=200ms \(\d+ evaluations\): master_link_status is down/);
  });

  it('runs from a step or only the chosen steps, by id or 1-based number, and skips on request', async () => {
    const ran: string[] = [];
    const make = (id: string) =>
      step(id, [
        action({
          behave: () => {
            ran.push(id);
            return ok();
          },
        }),
      ]);
    const book = runbook([make('one'), make('two'), make('three'), make('four')]);
    const { engine, events } = await startEngine({ runbook: book });
    expect(await engine.runAll({ from: 'three' })).toBe('passed');
    expect(await engine.runAll({ only: ['1'] })).toBe('passed');
    engine.skipStep('2');
    expect(ran).toEqual(['three', 'four', 'one']);
    expect(engine.state().steps.two).toBe('skipped');
    expect(ofType(events, 'step.finished').at(-1)).toMatchObject({ step: 'two', status: 'skipped' });
    await expect(engine.runAll({ from: 'nine' })).rejects.toThrow(
      'no step "nine"; use a step id or a number from 1 to 4',
    );
  });

  it('gives actions every variable as environment under its env name, and leaves env= to the kind', async () => {
    let env: Record<string, string> = {};
    const book = runbook([
      step('use', [
        action(
          {
            behave: (ctx) => {
              env = ctx.env();
              return ok();
            },
          },
          // A fake kind has no env= of its own: the engine must not read it for the kind.
          { attrs: { env: 'MASTER_IP=vars.port' } },
        ),
      ]),
    ]);
    book.vars.push(variable('port', { default: '6379' }), variable('masterName', { default: 'mymaster' }));
    const { engine } = await startEngine({ runbook: book });
    await engine.runAll();
    expect(env).toEqual({
      PORT: '6379',
      MASTER_NAME: 'mymaster',
      DRILLBOOK_TARGET: 'lab',
      DRILLBOOK_RUN_ID: engine.runId,
    });
  });
});
