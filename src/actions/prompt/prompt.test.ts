import { describe, expect, it } from 'vitest';
import {
  createTestContext,
  parseBlock,
  parsedAction,
  TEST_SECRET_MASK,
  type TestContextOptions,
} from '../test-context.js';
import { promptAction } from './index.js';

function setup(attrs: Record<string, string>, body: string, options: TestContextOptions = {}) {
  const { spec, action } = parsedAction(promptAction, { attrs, body });
  const t = createTestContext({
    ...options,
    runbook: { file: 'book.md' },
    action: { ...action, loc: { file: 'book.md', line: 7, column: 1 } },
    step: { id: 'declare-incident', title: 'Declare the incident' },
  });
  return { spec, t, run: () => promptAction.run(spec, t.ctx) };
}

const AT = '2026-11-28T09:12:03.000Z';

describe('prompt parse', () => {
  it('takes plain text as the question, # and colons included', () => {
    const { spec } = parsedAction(promptAction, {
      attrs: { checklist: 'true' },
      body: 'Announce the incident in #ops: now\n',
    });
    expect(spec).toEqual({
      kind: 'checklist',
      question: 'Announce the incident in #ops: now',
      secret: false,
    });
  });

  it('takes settings from a YAML body', () => {
    const { spec } = parsedAction(promptAction, {
      body: 'question: Which node failed?\nvar: failed_node\nchoices: [redis-1, redis-2, 3]\ndefault: redis-1\n',
    });
    expect(spec).toEqual({
      kind: 'choice',
      question: 'Which node failed?',
      variable: 'failed_node',
      secret: false,
      choices: ['redis-1', 'redis-2', '3'],
      default: 'redis-1',
    });
    expect(promptAction.publishes?.(spec)).toEqual(['vars.failed_node']);
    expect(promptAction.defaultSafety(spec)).toBe('safe');
  });

  it('reads choices from the info string and lists references in the question', () => {
    const { spec } = parsedAction(promptAction, {
      attrs: { var: 'mode', choices: 'kill, failover' },
      body: 'How should {{ vars.master }} fail?',
    });
    expect(spec.choices).toEqual(['kill', 'failover']);
    expect(promptAction.references?.(spec)).toEqual(['vars.master']);
  });

  it('reports YAML errors and unknown keys with their line', () => {
    const bad = parseBlock(promptAction, { body: 'question: "open\nvar: x' }).problems;
    expect(bad[0]).toMatchObject({
      line: 2,
      column: 7,
      message: 'prompt body is not valid YAML: Missing closing "quote',
    });
    const unknown = parseBlock(promptAction, { body: 'question: Why?\nvarr: x\n' }).problems;
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ line: 2, message: 'prompt body: unknown key "varr"' });
    const wrongType = parseBlock(promptAction, { body: 'question: Why?\nsecret: maybe\n' }).problems;
    expect(wrongType[0]).toMatchObject({ line: 2 });
    expect(wrongType[0]?.message).toContain('secret');
  });

  it('reports contradictory or incomplete settings', () => {
    const message = (attrs: Record<string, string>, body = 'Question?') =>
      parseBlock(promptAction, { attrs, body }).problems.map((p) => p.message);
    expect(message({}, '  ')).toEqual(['prompt has no question']);
    expect(message({ var: '9lives' })).toEqual(['var="9lives" is not a variable name']);
    expect(message({ checklist: 'true', secret: 'true' })).toEqual([
      'a checklist item takes no secret, choices or default',
    ]);
    expect(message({ secret: 'true', default: 'x' })).toEqual(['a secret prompt cannot have a default']);
    expect(message({ choices: 'a,b,a' })).toEqual(['choices lists "a" twice']);
    expect(message({ choices: 'a,,b' })).toEqual(['choices has an empty entry']);
    expect(message({ choices: 'a,b', default: 'c' })).toEqual([
      'default "c" is not one of the choices (a, b)',
    ]);
    expect(message({ var: 'x' }, 'question: Q?\nvar: y')).toEqual([
      'var is set both in the info string and in the body',
    ]);
    expect(message({ secret: 'yes' })[0]).toContain('secret');
  });
});

describe('prompt run', () => {
  it('asks for a value, records it with its time and publishes vars.NAME', async () => {
    const { t, run } = setup({ var: 'incident_id', default: 'INC-0' }, 'Incident id for {{ vars.team }}?', {
      vars: { team: 'ops' },
      answers: [{ value: 'INC-42', at: AT }],
    });
    const outcome = await run();
    expect(t.asked).toEqual([
      {
        step: 'declare-incident',
        kind: 'value',
        question: 'Incident id for ops?',
        variable: 'incident_id',
        default: 'INC-0',
      },
    ]);
    expect(outcome).toEqual({
      ok: true,
      summary: 'incident_id = INC-42 at 09:12:03 UTC',
      data: { value: 'INC-42', at: AT },
    });
    expect(t.published).toEqual([{ path: 'vars.incident_id', value: 'INC-42', secret: false }]);
    expect(t.ctx.resolve('vars.incident_id')).toBe('INC-42');
  });

  it('uses the default for an empty answer and rejects an empty answer without one', async () => {
    const withDefault = setup({ var: 'port', default: '6379' }, 'Port?', { answers: [''] });
    expect((await withDefault.run()).data).toMatchObject({ value: '6379' });
    const without = await setup({ var: 'port' }, 'Port?', { answers: [''] }).run();
    expect(without).toMatchObject({ ok: false, summary: 'unusable answer' });
    expect(without.error).toBe('book.md:7: answer to "Port?": the answer is empty; run the step again');
  });

  it('keeps a secret answer out of data and summary; only the variable holds it', async () => {
    const { t, run } = setup({ var: 'redis_password', secret: 'true' }, 'Redis password?', {
      answers: [{ value: 'hunter2', at: AT }],
    });
    const outcome = await run();
    expect(t.asked[0]).toMatchObject({ secret: true, variable: 'redis_password' });
    expect(outcome).toEqual({
      ok: true,
      summary: 'redis_password = (secret) at 09:12:03 UTC',
      data: { value: '(secret)', at: AT },
    });
    expect(JSON.stringify(outcome)).not.toContain('hunter2');
    expect(t.published).toEqual([{ path: 'vars.redis_password', value: 'hunter2', secret: true }]);
    t.ctx.output('password is hunter2');
    expect(t.output).toEqual([{ stream: 'stdout', line: `password is ${TEST_SECRET_MASK}` }]);
  });

  it('records a checklist item as done or skipped, with its time', async () => {
    const done = setup({ checklist: 'true' }, 'Announce the incident in #ops', {
      answers: [{ value: 'done', at: AT }],
    });
    expect(await done.run()).toEqual({
      ok: true,
      summary: 'done at 09:12:03 UTC',
      data: { value: 'done', at: AT },
    });
    expect(done.t.asked[0]).toEqual({
      step: 'declare-incident',
      kind: 'checklist',
      question: 'Announce the incident in #ops',
    });
    const skipped = setup({ checklist: 'true' }, 'Page the DBA', { answers: ['skipped'] });
    expect(await skipped.run()).toMatchObject({
      ok: true,
      summary: expect.stringMatching(/^skipped at \d\d:\d\d:\d\d UTC$/),
    });
    const odd = await setup({ checklist: 'true' }, 'Page the DBA', { answers: ['maybe'] }).run();
    expect(odd.error).toContain('expected done or skipped, got "maybe"');
  });

  it('accepts only one of the choices', async () => {
    const { t, run } = setup({ var: 'mode', choices: 'kill,failover' }, 'How?', { answers: ['failover'] });
    expect((await run()).summary).toMatch(/^mode = failover at /);
    expect(t.asked[0]).toMatchObject({ kind: 'choice', choices: ['kill', 'failover'] });
    const wrong = await setup({ var: 'mode', choices: 'kill,failover' }, 'How?', {
      answers: ['reboot'],
    }).run();
    expect(wrong.error).toContain('"reboot" is not one of kill, failover');
  });

  it('fails cleanly when the interaction rejects, keeping its explanation', async () => {
    const outcome = await setup({ var: 'incident_id' }, 'Incident id?', {
      answers: [{ reject: new Error('"Incident id?" needs an answer: pass --var incident_id=VALUE') }],
    }).run();
    expect(outcome).toEqual({
      ok: false,
      summary: 'no answer',
      error: 'book.md:7: no answer: "Incident id?" needs an answer: pass --var incident_id=VALUE',
    });
  });

  it('stops waiting when aborted', async () => {
    const { t, run } = setup({ checklist: 'true' }, 'Wait here', { answers: [{ waitForAbort: true }] });
    const running = run();
    await new Promise((resolve) => setTimeout(resolve, 10));
    t.abort();
    expect(await running).toMatchObject({
      ok: false,
      summary: 'aborted',
      error: expect.stringContaining('aborted while waiting'),
    });
    expect(t.published).toEqual([]);
  });

  it('fails without asking when the question references a missing result', async () => {
    const { t, run } = setup({}, 'Is {{ nodes.redis-1.ip }} down?');
    const outcome = await run();
    expect(outcome).toMatchObject({ ok: false, summary: 'missing nodes.redis-1.ip' });
    expect(t.asked).toEqual([]);
  });

  it('previews the question, target variable, choices and default', () => {
    const value = setup(
      { var: 'mode', choices: 'kill,failover', default: 'kill' },
      'How should {{ run.target }} fail?',
    );
    expect(promptAction.preview(value.spec, value.t.ctx)).toEqual([
      'ask: How should lab fail?',
      '  → vars.mode',
      '  choices: kill | failover',
      '  default: kill',
    ]);
    const secret = setup({ var: 'pw', secret: 'true' }, 'Password for {{ later.node }}?');
    expect(promptAction.preview(secret.spec, secret.t.ctx)).toEqual([
      'ask: Password for {{ later.node }}?',
      '  → vars.pw (secret, not shown)',
    ]);
    const item = setup({ checklist: 'true' }, 'Announce in #ops');
    expect(promptAction.preview(item.spec, item.t.ctx)).toEqual(['[ ] Announce in #ops']);
  });
});
