import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MASK } from '../../src/engine/redact.js';
import {
  action,
  ofType,
  ok,
  runbook,
  scriptedInteraction,
  startEngine,
  step,
  variable,
} from './fake-runbook.js';

const SECRET = 'hunter2-correct-horse';

afterEach(() => {
  delete process.env.DRILLBOOK_TEST_PASSWORD;
});

describe('engine: variables', () => {
  it('takes --var over the environment over the default, asks for prompt variables, and generates secrets', async () => {
    process.env.DRILLBOOK_TEST_PASSWORD = 'from-env-value';
    const book = runbook(
      [step('noop', [action({ behave: () => ok() })])],
      [
        variable('region', { default: 'ams3' }),
        variable('size', { default: 's-1vcpu-1gb' }),
        variable('password', { secret: true, source: { kind: 'env', name: 'DRILLBOOK_TEST_PASSWORD' } }),
        variable('operator_note', { source: { kind: 'prompt' }, description: 'Why this drill' }),
        variable('sentinel_token', { source: { kind: 'generate', length: 24 } }),
      ],
    );
    const interaction = scriptedInteraction({ values: { operator_note: 'quarterly drill' } });
    const { engine, events } = await startEngine({ runbook: book, interaction, vars: { region: 'fra1' } });
    const vars = engine.results().vars as Record<string, string>;
    expect(vars).toMatchObject({
      region: 'fra1',
      size: 's-1vcpu-1gb',
      password: MASK,
      operator_note: 'quarterly drill',
    });
    expect(vars.sentinel_token).toBe(MASK);
    expect(interaction.asks[0]).toMatchObject({
      kind: 'value',
      variable: 'operator_note',
      question: 'Why this drill (operator_note)',
    });
    expect(ofType(events, 'prompt.answered')[0]).toMatchObject({
      answer: 'quarterly drill',
      question: 'Why this drill (operator_note)',
    });
    expect(ofType(events, 'run.started')[0]?.vars).toEqual({
      region: 'fra1',
      size: 's-1vcpu-1gb',
      operator_note: 'quarterly drill',
    });
  });

  it('refuses to start when a variable has no value, naming each one and the flag that gives it', async () => {
    const book = runbook(
      [step('noop', [action({ behave: () => ok() })])],
      [
        variable('droplet_count'),
        variable('token', { secret: true, source: { kind: 'env', name: 'DRILLBOOK_TEST_PASSWORD' } }),
      ],
    );
    await expect(startEngine({ runbook: book })).rejects.toThrow(
      'fake.md:2:1: variable droplet_count has no value: pass --var droplet_count=VALUE\n' +
        'fake.md:2:1: variable token has no value: set the environment variable DRILLBOOK_TEST_PASSWORD, or pass --var token=VALUE',
    );
  });

  it('refuses a secret too short to mask, but takes an empty one as "none" (an optional password left unset)', async () => {
    const book = (value: string) =>
      runbook(
        [step('noop', [action({ behave: () => ok() })])],
        [
          variable('sentinel_password', {
            secret: true,
            default: value,
            source: { kind: 'env', name: 'DRILLBOOK_TEST_PASSWORD' },
          }),
        ],
      );
    await expect(startEngine({ runbook: book('ab') })).rejects.toThrow(
      'variable sentinel_password is secret but its value is shorter than 3 characters',
    );
    const { engine } = await startEngine({ runbook: book('') });
    expect((engine.results().vars as Record<string, string>).sentinel_password).toBe('');
  });
});

describe('engine: redaction', () => {
  it('masks secret values in every event and in the journal, in text and in structured data', async () => {
    const book = runbook(
      [
        step('leaky', [
          action(
            {
              preview: 'AUTH {{ vars.password }}',
              behave: async (ctx) => {
                ctx.output(`connecting with ${ctx.vars.password}`);
                const target = await ctx.target();
                ctx.output(`token ${target.token}`);
                ctx.publish('leak.nested', { list: [ctx.vars.password, { deep: `x${ctx.vars.password}x` }] });
                return {
                  ok: false,
                  summary: `bad ${ctx.vars.password}`,
                  error: `AUTH ${ctx.vars.password} failed`,
                  data: { pw: ctx.vars.password },
                };
              },
            },
            { id: 'leak' },
          ),
        ]),
      ],
      [variable('password', { secret: true })],
    );
    const { engine, events } = await startEngine({ runbook: book, vars: { password: SECRET } });
    await engine.runAll();
    await engine.finish();
    const everything = JSON.stringify(events);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('lab-token-value');
    expect(everything).toContain(`connecting with ${MASK}`);
    expect(everything).toContain(`x${MASK}x`);
    const journal = readFileSync(engine.journalPath, 'utf8');
    expect(journal).not.toContain(SECRET);
    expect(journal).not.toContain('lab-token-value');
    expect(JSON.stringify(engine.results())).not.toContain(SECRET);
  });
});

describe('engine: published values', () => {
  it('masks a value published as secret, and lets later actions use it as a variable', async () => {
    let env: Record<string, string> = {};
    const book = runbook([
      step('ask', [
        action({
          behave: (ctx) => {
            ctx.publish('vars.admin_password', 'typed-by-operator-42', { secret: true });
            ctx.output('answer typed-by-operator-42 recorded');
            return ok();
          },
        }),
      ]),
      step('use', [
        action({
          behave: (ctx) => {
            env = ctx.env();
            return ok(ctx.render('{{ vars.admin_password }}'));
          },
        }),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book });
    expect(await engine.runAll()).toBe('passed');
    expect(env.ADMIN_PASSWORD).toBe('typed-by-operator-42');
    expect(JSON.stringify(events)).not.toContain('typed-by-operator-42');
    expect(ofType(events, 'action.finished')[1]?.summary).toBe(MASK);
  });

  it('puts timeline entries on the run clock, at their own time when given, and reads them back', async () => {
    let since: ReadonlyArray<{ name: string; t: number }> = [];
    let fault = 0;
    const book = runbook([
      step('drill', [
        action({
          behave: (ctx) => {
            fault = ctx.now();
            ctx.timeline('fault', 'kill', 'SIGKILL redis-1');
            ctx.timeline('sentinel', '+sdown', 'master mymaster', ['sentinel-1', 'sentinel-2'], fault + 5);
            since = ctx.timelineSince?.(fault) ?? [];
            return ok();
          },
        }),
      ]),
    ]);
    const { engine, events } = await startEngine({ runbook: book });
    await engine.runAll();
    expect(since.map((e) => e.name)).toEqual(['kill', '+sdown']);
    const sdown = ofType(events, 'timeline')[1];
    expect(since[1]?.t).toBe(fault + 5);
    expect(sdown?.at).toBe(fault + 5);
    expect(sdown?.seenBy).toEqual(['sentinel-1', 'sentinel-2']);
  });
});
