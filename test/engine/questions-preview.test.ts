// Approval as engine state (questions), preview(step), runAll's stopBefore, and one env-name function for
// preview and run: the engine API the TUI projects.
import { describe, expect, it } from 'vitest';
import { actionKinds } from '../../src/actions/registry.js';
import type { EngineEvent } from '../../src/contract/events.js';
import { createEngine } from '../../src/engine/engine.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { tempDir } from '../helpers/temp-dir.js';
import { action, ofType, ok, runbook, startEngine, step, variable } from './fake-runbook.js';

/** Resolves once the engine reports a pending question. */
function nextQuestion(events: EngineEvent[]): Promise<Extract<EngineEvent, { type: 'question.asked' }>> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 3000;
    const poll = () => {
      const asked = ofType(events, 'question.asked').at(-1);
      const closed = new Set(ofType(events, 'question.closed').map((e) => e.question));
      if (asked && !closed.has(asked.question.id)) resolve(asked);
      else if (Date.now() > deadline) reject(new Error('no question was asked'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

const mutating = (id: string, ran: string[]) =>
  step(id, [
    action(
      {
        behave: () => {
          ran.push(id);
          return ok();
        },
      },
      { safety: 'mutating', confirm: `changes ${id}` },
    ),
  ]);

const safe = (id: string, ran: string[]) =>
  step(id, [
    action({
      behave: () => {
        ran.push(id);
        return ok();
      },
    }),
  ]);

describe('engine: questions are engine state', () => {
  it('holds a confirmation as a pending question until approve(), then runs the step', async () => {
    const ran: string[] = [];
    const { engine, events } = await startEngine({
      runbook: runbook([mutating('scale', ran)]),
      interaction: undefined,
    });
    const running = engine.runStep('scale');
    const asked = await nextQuestion(events);
    expect(asked.question).toMatchObject({ type: 'confirm', request: { step: 'scale', safety: 'mutating' } });
    expect(engine.state()).toMatchObject({ running: 'scale', question: { id: asked.question.id } });
    expect(ran).toEqual([]);
    engine.approve(asked.question.id);
    expect(await running).toBe('passed');
    expect(ran).toEqual(['scale']);
    expect(engine.state().question).toBeUndefined();
    const types = events.map((e) => e.type);
    expect(types.slice(types.indexOf('question.asked'), types.indexOf('step.started') + 1)).toEqual([
      'question.asked',
      'question.closed',
      'confirm.answered',
      'step.started',
    ]);
    expect(ofType(events, 'question.closed')[0]).toMatchObject({ outcome: 'answered', step: 'scale' });
  });

  it('reports a declined confirmation as step.declined and leaves the step pending', async () => {
    const ran: string[] = [];
    const { engine, events } = await startEngine({
      runbook: runbook([mutating('scale', ran)]),
      interaction: undefined,
    });
    const running = engine.runStep('scale');
    engine.decline((await nextQuestion(events)).question.id);
    expect(await running).toBe('pending');
    expect(ran).toEqual([]);
    expect(ofType(events, 'confirm.answered')[0]).toMatchObject({ accepted: false, how: 'operator' });
    expect(ofType(events, 'step.declined')).toEqual([
      expect.objectContaining({ step: 'scale', reason: 'declined by the operator' }),
    ]);
    expect(engine.state().steps.scale).toBe('pending');
  });

  it('withdraws the pending question when the step is aborted', async () => {
    const { engine, events } = await startEngine({
      runbook: runbook([mutating('scale', [])]),
      interaction: undefined,
    });
    const running = engine.runStep('scale');
    const asked = await nextQuestion(events);
    engine.abort();
    expect(await running).toBe('pending');
    expect(ofType(events, 'question.closed')[0]).toMatchObject({
      question: asked.question.id,
      outcome: 'withdrawn',
      reason: 'the step was aborted',
    });
    expect(ofType(events, 'step.declined')[0]?.reason).toBe('aborted while waiting for confirmation');
    expect(() => engine.approve(asked.question.id)).toThrow(`no question ${asked.question.id} is waiting`);
  });

  it("answers an action's prompt through answer() and records it", async () => {
    let got = '';
    const book = runbook([
      step('ask', [
        action({
          behave: async (ctx) => {
            const reply = await ctx.interaction.ask(
              { step: 'ask', kind: 'value', question: 'Ticket?' },
              ctx.signal,
            );
            got = reply.value;
            return ok();
          },
        }),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book, interaction: undefined });
    const running = engine.runStep('ask');
    const asked = await nextQuestion(events);
    expect(asked.question).toMatchObject({ type: 'prompt', request: { question: 'Ticket?' } });
    expect(() => engine.approve(asked.question.id)).toThrow('is a prompt: answer it');
    engine.answer(asked.question.id, 'INC-7');
    expect(await running).toBe('passed');
    expect(got).toBe('INC-7');
    expect(ofType(events, 'prompt.answered')[0]).toMatchObject({ question: 'Ticket?', answer: 'INC-7' });
  });

  it('asks for a prompt variable at start as a question too', async () => {
    const book = runbook([], [variable('operator', { source: { kind: 'prompt' } })]);
    const engine = await createEngine({
      runbook: book,
      target: 'lab',
      resolveTarget: async () => ({ name: 'lab', apiUrl: 'http://127.0.0.1:1/v2', token: 'unused-token' }),
      journalPath: tempDir(),
      kinds: new Map(),
      operator: 'tester',
    });
    const events: EngineEvent[] = [];
    engine.subscribe((event) => events.push(event));
    const starting = engine.start();
    const asked = await nextQuestion(events);
    engine.answer(asked.question.id, 'ada');
    await starting;
    expect(engine.results()).toMatchObject({ vars: { operator: 'ada' } });
    await engine.finish();
  });
});

describe('engine: runAll stops and says why', () => {
  it('with stopBefore, runs on until a step that needs the operator, and emits steps.stopped', async () => {
    const ran: string[] = [];
    const book = runbook([safe('one', ran), safe('two', ran), mutating('three', ran), safe('four', ran)]);
    const { engine, events } = await startEngine({ runbook: book });
    expect(await engine.runAll({ from: 'one', stopBefore: 'needs-operator', rerunDone: false })).toBe(
      'passed',
    );
    expect(ran).toEqual(['one', 'two']);
    expect(ofType(events, 'steps.stopped').at(-1)).toMatchObject({ reason: 'needs-operator', step: 'three' });
    // Run on from the step that needs the operator: it is the first, so it runs; done steps are not re-run.
    expect(await engine.runAll({ from: 'three', stopBefore: 'needs-operator', rerunDone: false })).toBe(
      'passed',
    );
    expect(ran).toEqual(['one', 'two', 'three', 'four']);
    expect(ofType(events, 'steps.stopped').at(-1)).toMatchObject({ reason: 'end' });
  });

  it('stops at a declined step with reason not-run', async () => {
    const ran: string[] = [];
    const book = runbook([mutating('scale', ran), safe('after', ran)]);
    const { engine, events } = await startEngine({ runbook: book, interaction: undefined });
    const running = engine.runAll();
    engine.decline((await nextQuestion(events)).question.id);
    expect(await running).toBe('aborted');
    expect(ran).toEqual([]);
    expect(ofType(events, 'steps.stopped').at(-1)).toMatchObject({ reason: 'not-run', step: 'scale' });
  });
});

describe('engine: preview(step)', () => {
  it('renders each action over the results known now and says which are not known yet', async () => {
    const book = runbook([
      step('make', [action({ behave: () => ok('', { ip: '127.60.0.9' }) }, { id: 'node' })]),
      step('use', [action({ preview: 'connect {{ node.ip }} as {{ vars.who }}', behave: () => ok() })]),
    ]);
    book.vars.push(variable('who', { default: 'ops' }));
    const { engine, events } = await startEngine({ runbook: book });
    expect(engine.preview('use')).toEqual([
      {
        index: 0,
        kind: 'fake',
        safety: 'safe',
        lines: ['', '(known when it runs: {{ node.ip }}: nothing is named "node")'],
      },
    ]);
    await engine.runStep('make');
    expect(engine.preview('use')[0]?.lines).toEqual(['connect 127.60.0.9 as ops']);
    // A preview runs nothing and says nothing on the event stream.
    expect(events.filter((e) => e.type.startsWith('step.')).map((e) => e.type)).toEqual([
      'step.started',
      'step.finished',
    ]);
  });
});

describe('engine: one env-name function for preview and run', () => {
  it('previews the environment names a script really receives', async () => {
    const source = [
      '---',
      'title: Env names',
      'vars:',
      '  masterName:',
      '    default: mymaster',
      '---',
      '',
      '# Env names',
      '',
      '## Address',
      '',
      '```sh id=addr',
      'echo 127.60.0.21',
      '```',
      '',
      '## Use them',
      '',
      '```sh env=MASTER_IP=addr.stdout',
      'echo "name=$MASTER_NAME ip=$MASTER_IP"',
      '```',
      '',
    ].join('\n');
    const { runbook: book, diagnostics } = parseRunbook(source, 'env-names.md', { kinds: actionKinds });
    expect(diagnostics).toEqual([]);
    if (!book) throw new Error('did not parse');
    const { engine, events } = await startEngine({ runbook: book, kinds: actionKinds });
    const before = engine.preview('use-them')[0]?.lines ?? [];
    expect(before).toContain('# env MASTER_NAME=mymaster');
    expect(before.join('\n')).not.toContain('MASTERNAME');
    expect(before).toContain('# env MASTER_IP=<addr.stdout, not known yet>');
    expect(await engine.runAll()).toBe('passed');
    const output = ofType(events, 'action.output').map((e) => e.line);
    expect(output).toContain('name=mymaster ip=127.60.0.21');
    const shown = ofType(events, 'action.started').at(-1)?.preview ?? [];
    expect(shown).toContain('# env MASTER_NAME=mymaster');
    expect(shown).toContain('# env MASTER_IP=127.60.0.21  (addr.stdout)');
    await engine.finish();
  });
});
