// always=true (cleanup that always runs), finding=true (checklists that keep going) and each= (once per
// element, by name), through the real engine with fake action kinds.
import { describe, expect, it } from 'vitest';
import { checkAction } from '../../src/actions/check/index.js';
import type { ActionKind } from '../../src/contract/action.js';
import { readJournal } from '../../src/engine/journal.js';
import { renderMarkdownReport, summarizeRun } from '../../src/engine/report.js';
import { tempDir } from '../helpers/temp-dir.js';
import {
  abortableAction,
  action,
  failed,
  fakeKinds,
  ofType,
  ok,
  runbook,
  startEngine,
  step,
} from './fake-runbook.js';

// biome-ignore lint/suspicious/noExplicitAny: kinds of different spec types side by side, as the registry has them.
const kinds = new Map<string, ActionKind<any>>([...fakeKinds, ['check', checkAction]]);

function recorder() {
  const ran: string[] = [];
  const act = (name: string, outcome = ok()) =>
    action({
      behave: () => {
        ran.push(name);
        return outcome;
      },
    });
  return { ran, act };
}

function report(journalPath: string): string {
  return renderMarkdownReport(summarizeRun(readJournal(journalPath)));
}

describe('always=true: cleanup that always runs', () => {
  it('runs the always-blocks of its own step after a failure, and of later steps when the run stops', async () => {
    const { ran, act } = recorder();
    const book = runbook([
      step('freeze', [
        act('freeze'),
        act('verify', failed('replica not promoted')),
        { ...act('thaw-here'), always: true },
      ]),
      step('observe', [act('observe')]),
      step('thaw', [act('note'), { ...act('thaw'), always: true }]),
      step('after', [act('after')]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    expect(await engine.runAll()).toBe('failed');
    expect(ran).toEqual(['freeze', 'verify', 'thaw-here']);
    expect(await engine.finish()).toBe('failed');
    // observe and note are not cleanup; the thaw step's always-block runs, recorded as its cleanup.
    expect(ran).toEqual(['freeze', 'verify', 'thaw-here', 'thaw']);
    const thaw = events.filter((e) => 'step' in e && e.step === 'thaw');
    expect(thaw.map((e) => e.type)).toEqual([
      'step.started',
      'action.started',
      'action.finished',
      'step.finished',
    ]);
    expect(ofType(events, 'step.finished').at(-1)).toMatchObject({
      step: 'thaw',
      status: 'passed',
      cleanup: true,
    });
    const run = ofType(events, 'run.finished')[0];
    expect(run?.steps.find((s) => s.id === 'thaw')?.status).toBe('pending');
    expect(report(engine.journalPath)).toContain('| 3 | Step thaw | safe | not run (cleanup passed) |');
  });

  it('--resume runs a step whose cleanup ran as a whole: the cleanup did not count as the step', async () => {
    const { ran, act } = recorder();
    let verdict = failed('replica not promoted');
    const book = runbook([
      step('freeze', [act('freeze'), action({ behave: () => verdict })]),
      step('thaw', [act('note'), { ...act('thaw'), always: true }]),
    ]);
    const dir = tempDir('drillbook-cleanup-resume-');
    const first = await startEngine({ runbook: book, kinds, journalPath: dir });
    await first.engine.runAll();
    await first.engine.finish();
    expect(ran).toEqual(['freeze', 'thaw']);
    verdict = ok();
    const second = await startEngine({ runbook: book, kinds, journalPath: dir, resume: first.engine.runId });
    expect(await second.engine.runAll()).toBe('passed');
    expect(ran).toEqual(['freeze', 'thaw', 'freeze', 'note', 'thaw']);
    await second.engine.finish();
  });

  it('runs nothing at the end when the run went through, or when no earlier step ran', async () => {
    const { ran, act } = recorder();
    const book = runbook([step('a', [act('a')]), step('b', [{ ...act('b'), always: true }])]);
    const first = await startEngine({ runbook: book, kinds });
    await first.engine.runAll();
    await first.engine.finish();
    expect(ran).toEqual(['a', 'b']);
    const second = await startEngine({ runbook: book, kinds });
    await second.engine.finish();
    expect(ran).toEqual(['a', 'b']);
  });

  it('still runs after an abort; a second abort skips it and says which block did not run', async () => {
    const { ran, act } = recorder();
    const freeze = abortableAction();
    const book = runbook([step('freeze', [freeze.action]), step('thaw', [{ ...act('thaw'), always: true }])]);
    const once = await startEngine({ runbook: book, kinds });
    const walk = once.engine.runAll();
    await freeze.started;
    once.engine.abort('terminated by SIGTERM');
    expect(await walk).toBe('aborted');
    expect(await once.engine.finish()).toBe('aborted');
    expect(ran).toEqual(['thaw']);

    ran.length = 0;
    const again = abortableAction();
    const book2 = runbook([step('freeze', [again.action]), step('thaw', [{ ...act('thaw'), always: true }])]);
    const second = await startEngine({ runbook: book2, kinds });
    const walk2 = second.engine.runAll();
    await again.started;
    second.engine.abort();
    second.engine.abort();
    await walk2;
    await second.engine.finish();
    expect(ran).toEqual([]);
    const warning = ofType(second.events, 'log').find((e) => e.message.startsWith('cleanup skipped'));
    expect(warning?.message).toMatch(
      /step "thaw", action 1 \(fake, fake.md:10\) did not run \(aborted by the operator \(Ctrl-C\)\); do it by hand/,
    );
  });

  it('a dry run previews the always-block and runs nothing at the end', async () => {
    const { ran, act } = recorder();
    const book = runbook([step('a', [act('a')]), step('b', [{ ...act('b'), always: true }])]);
    const { engine, events } = await startEngine({ runbook: book, kinds, dryRun: true });
    await engine.runAll();
    await engine.finish();
    expect(ran).toEqual([]);
    expect(ofType(events, 'action.started')[1]?.preview).toContain(
      '(always: runs even after a failure or an abort, as cleanup)',
    );
  });
});

describe('finding=true: checklists that keep going', () => {
  it('records the failure as a finding and goes on to the next block and step', async () => {
    const { ran, act } = recorder();
    const book = runbook([
      step('quorum', [
        { ...act('ckquorum', failed('NOQUORUM 1 usable Sentinels')), finding: true },
        act('links'),
      ]),
      step('decide', [act('decide')]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    expect(await engine.runAll()).toBe('passed');
    expect(await engine.finish()).toBe('passed');
    expect(ran).toEqual(['ckquorum', 'links', 'decide']);
    expect(ofType(events, 'action.finished')[0]).toMatchObject({ ok: false, finding: true });
    expect(ofType(events, 'step.finished')[0]).toMatchObject({ status: 'passed', findings: 1 });
    const text = report(engine.journalPath);
    expect(text).toContain('## Findings (1)');
    expect(text).toContain('  - NOQUORUM 1 usable Sentinels');
    expect(text).toContain('| 1 | Step quorum | safe | passed, 1 finding |');
  });

  it('a finding block that cannot be filled in (an earlier finding left a value missing) is a finding too', async () => {
    const { ran, act } = recorder();
    const book = runbook([
      step('views', [{ ...act('views', failed('every Sentinel unreachable')), id: 'views', finding: true }]),
      step('replicas', [
        action({ preview: 'SENTINEL REPLICAS on {{ views.first }}', behave: () => ok() }, { finding: true }),
        act('next'),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    expect(await engine.runAll()).toBe('passed');
    expect(ran).toEqual(['views', 'next']);
    expect(ofType(events, 'action.finished')[1]).toMatchObject({ ok: false, finding: true });
    expect(ofType(events, 'action.finished')[1]?.error).toMatch(/views/);
    expect(ofType(events, 'step.finished')[1]).toMatchObject({ status: 'passed', findings: 1 });
    await engine.finish();
  });

  it('an aborted finding block is an abort, not a finding', async () => {
    const slow = abortableAction({ finding: true });
    const book = runbook([step('slow', [slow.action])]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    const walk = engine.runAll();
    await slow.started;
    engine.abort();
    expect(await walk).toBe('aborted');
    expect(ofType(events, 'action.finished')[0]?.finding).toBeUndefined();
  });
});

describe('each=: once per element, by name', () => {
  const replicas = [
    { name: '127.0.0.1:6380', ip: '127.0.0.1', port: '6380', flags: 'slave' },
    { name: '127.0.0.1:6379', ip: '127.0.0.1', port: '6379', flags: 's_down,slave,disconnected' },
    { name: '127.0.0.1:6381', ip: '127.0.0.1', port: '6381', flags: 'slave' },
  ];
  const where = (text: string) => {
    const spec = checkAction.parse({ attrs: {}, body: text }, () => {});
    return { text, spec };
  };

  it('binds item, passes over elements where= excludes without running them, and names each outcome', async () => {
    const seen: string[] = [];
    const book = runbook([
      step('list', [action({ behave: () => ok('3 replicas', replicas) }, { id: 'replicas' })]),
      step('each', [
        action(
          {
            preview: 'INFO replication on {{ item.ip }}:{{ item.port }}',
            behave: (ctx) => {
              const port = ctx.render('{{ item.port }}');
              seen.push(port);
              return port === '6381' ? failed('connection refused') : ok(`link up on ${port}`, { port });
            },
          },
          { id: 'links', each: { path: 'replicas', where: where('item.flags !contains s_down') } },
        ),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    expect(await engine.runAll()).toBe('failed');
    expect(seen).toEqual(['6380', '6381']);
    const lines = ofType(events, 'action.output').map((e) => e.line);
    expect(lines).toEqual([
      '127.0.0.1:6380: ok: link up on 6380',
      expect.stringMatching(
        /^127\.0\.0\.1:6379: passed over \(where="item.flags !contains s_down" does not hold: /,
      ),
      '127.0.0.1:6381: failed: connection refused',
    ]);
    const finished = ofType(events, 'action.finished')[1];
    expect(finished?.summary).toBe('1 of 3 failed, 1 passed over: 127.0.0.1:6381: failed');
    expect(finished?.error).toBe('127.0.0.1:6381: connection refused');
    expect(ofType(events, 'action.started')[1]?.preview[0]).toBe('INFO replication on 127.0.0.1:6380');
    expect(engine.results().links).toMatchObject({
      path: 'replicas',
      ran: 2,
      failed: 1,
      passedOver: 1,
      elements: [
        { name: '127.0.0.1:6380', ok: true, data: { port: '6380' } },
        { name: '127.0.0.1:6379', passedOver: expect.any(String) },
        { name: '127.0.0.1:6381', ok: false, error: 'connection refused' },
      ],
    });
    expect(engine.results().item).toBeUndefined();
    await engine.finish();
  });

  it('an abort between two elements fails the block, naming the elements that did not run', async () => {
    const seen: string[] = [];
    let abort = () => {};
    const book = runbook([
      step('list', [action({ behave: () => ok('3 replicas', replicas) }, { id: 'replicas' })]),
      step('each', [
        action(
          {
            behave: (ctx) => {
              seen.push(ctx.render('{{ item.port }}'));
              abort();
              return ok('done');
            },
          },
          { id: 'links', each: { path: 'replicas' } },
        ),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    abort = () => engine.abort();
    expect(await engine.runAll()).toBe('aborted');
    expect(seen).toEqual(['6380']);
    const finished = ofType(events, 'action.finished')[1];
    expect(finished?.ok).toBe(false);
    expect(finished?.error).toBe(
      'aborted after 1 of 3 elements of replicas: 127.0.0.1:6379, 127.0.0.1:6381 did not run',
    );
    expect(ofType(events, 'step.finished').at(-1)).toMatchObject({ step: 'each', status: 'failed' });
    await engine.finish();
  });

  it('fails an element its where= line cannot be evaluated for, saying where and what to do, and runs nothing for it', async () => {
    const listed = [
      { ip: '127.0.0.1', port: '6380', flags: 'slave' },
      { ip: '127.0.0.1', port: '6381' },
      { ip: '127.0.0.1', port: '6379', flags: 's_down,slave' },
    ];
    const seen: string[] = [];
    const book = runbook([
      step('list', [action({ behave: () => ok('3 replicas', listed) }, { id: 'replicas' })]),
      step('each', [
        action(
          {
            behave: (ctx) => {
              seen.push(ctx.render('{{ item.port }}'));
              return ok();
            },
          },
          { id: 'links', each: { path: 'replicas', where: where('item.flags !contains s_down') } },
        ),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    expect(await engine.runAll()).toBe('failed');
    expect(seen).toEqual(['6380']);
    const why =
      'where="item.flags !contains s_down" (fake.md:10:1) could not be evaluated for element 127.0.0.1:6381 of replicas: segment "flags" not found in item; the block did not run for it. Make the where= line read only what every element of replicas has (or fix the block that produces replicas), then retry the step';
    expect(ofType(events, 'action.output').map((e) => e.line)).toEqual([
      '127.0.0.1:6380: ok: ok',
      `127.0.0.1:6381: failed: ${why}`,
      expect.stringMatching(
        /^127\.0\.0\.1:6379: passed over \(where="item.flags !contains s_down" does not hold: /,
      ),
    ]);
    expect(ofType(events, 'step.finished')[1]?.error).toBe(
      `step "each", action 1 (fake links, fake.md:10): 127.0.0.1:6381: ${why}`,
    );
    expect(engine.results().links).toMatchObject({
      ran: 1,
      failed: 1,
      passedOver: 1,
      whereUndecided: 1,
      elements: [
        { name: '127.0.0.1:6380', ok: true },
        {
          name: '127.0.0.1:6381',
          ok: false,
          summary: 'where= could not be evaluated',
          error: why,
          whereUndecided: true,
        },
        { name: '127.0.0.1:6379', ok: true, passedOver: expect.any(String) },
      ],
    });
    await engine.finish();
  });

  it('with finding=true, each element its where= line cannot compare is a finding, named', async () => {
    const listed = [
      { name: 'sentinel-1', port: 26379 },
      { name: 'sentinel-2', port: 'unknown' },
      { name: 'sentinel-3', port: 'unknown' },
    ];
    const book = runbook([
      step('list', [action({ behave: () => ok('3 sentinels', listed) }, { id: 'sentinels' })]),
      step('each', [
        action(
          { behave: () => ok() },
          { each: { path: 'sentinels', where: where('item.port > 26000') }, finding: true },
        ),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    expect(await engine.runAll()).toBe('passed');
    expect(ofType(events, 'step.finished')[1]).toMatchObject({ status: 'passed', findings: 2 });
    const finished = ofType(events, 'action.finished')[1];
    expect(finished).toMatchObject({ ok: false, finding: true });
    expect(finished?.error?.split('\n')).toEqual([
      expect.stringMatching(
        /^sentinel-2: where="item.port > 26000" \(fake.md:10:1\) could not be evaluated for element sentinel-2 of sentinels: text, not a number;/,
      ),
      expect.stringMatching(
        /^sentinel-3: where="item.port > 26000" .* element sentinel-3 of sentinels: text, not a number;/,
      ),
    ]);
    await engine.finish();
  });

  it('a check per element with finding=true: each failing element is a finding, named', async () => {
    const book = runbook([
      step('list', [action({ behave: () => ok('3 replicas', replicas) }, { id: 'replicas' })]),
      step('down', [
        {
          kind: 'check',
          attrs: {},
          body: 'item.flags !contains s_down',
          retries: 0,
          safety: 'safe',
          spec: checkAction.parse({ attrs: {}, body: 'item.flags !contains s_down' }, () => {}),
          loc: { file: 'fake.md', line: 20, column: 1 },
          bodyLine: 21,
          each: { path: 'replicas' },
          finding: true,
        },
      ]),
      step('next', [action({ behave: () => ok() })]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    expect(await engine.runAll()).toBe('passed');
    expect(ofType(events, 'step.finished')[1]).toMatchObject({ step: 'down', status: 'passed', findings: 1 });
    const checks = ofType(events, 'action.finished')[1]?.checks ?? [];
    expect(checks.map((c) => [c.where, c.ok])).toEqual([
      ['127.0.0.1:6380', true],
      ['127.0.0.1:6379', false],
      ['127.0.0.1:6381', true],
    ]);
    await engine.finish();
    expect(report(engine.journalPath)).toMatch(/## Findings \(1\)[\s\S]*127\.0\.0\.1:6379: /);
  });

  it('a dry run previews an each= block with item as written: the list does not exist yet', async () => {
    const book = runbook([
      step('list', [action({ behave: () => ok('3 replicas', replicas) }, { id: 'replicas' })]),
      step('each', [
        action(
          { preview: 'INFO replication on {{ item.ip }}:{{ item.port }}', behave: () => ok() },
          { each: { path: 'replicas' } },
        ),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds, dryRun: true });
    await engine.runAll();
    expect(ofType(events, 'action.started')[1]?.preview).toEqual([
      'INFO replication on {{ item.ip }}:{{ item.port }}',
      '(once per element of replicas, the element as {{ item }})',
    ]);
    await engine.finish();
  });

  it('a path that is not a list fails the block saying so', async () => {
    const book = runbook([
      step('one', [action({ behave: () => ok('text', 'just text') }, { id: 'value' })]),
      step('each', [action({ behave: () => ok() }, { each: { path: 'value' } })]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, kinds });
    expect(await engine.runAll()).toBe('failed');
    expect(ofType(events, 'step.finished')[1]?.error).toMatch(/each=value is "?just text"?, not a list/);
    await engine.finish();
  });
});
