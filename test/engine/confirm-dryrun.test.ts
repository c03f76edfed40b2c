import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labAction } from '../../src/actions/lab/index.js';
import { probeAction } from '../../src/actions/probe/index.js';
import { redisAction } from '../../src/actions/redis/index.js';
import { actionKinds } from '../../src/actions/registry.js';
import { sentinelAction } from '../../src/actions/sentinel/index.js';
import { createTestContext, parsedAction } from '../../src/actions/test-context.js';
import type { EngineEventBody } from '../../src/contract/events.js';
import { confirmStep } from '../../src/engine/confirm.js';
import { stepNeedsOperator } from '../../src/engine/run-on.js';
import { loadRunbook } from '../../src/runbook/parse.js';
import {
  action,
  fakeKind,
  ofType,
  ok,
  runbook,
  scriptedInteraction,
  startEngine,
  step,
  variable,
} from './fake-runbook.js';

const mutating = (onRun: () => void) =>
  step('scale', [
    action(
      {
        behave: () => {
          onRun();
          return ok();
        },
      },
      { safety: 'mutating', confirm: 'creates {{ vars.count }} droplets' },
    ),
  ]);
const destructive = (onRun: () => void) =>
  step('destroy', [
    action(
      {
        behave: () => {
          onRun();
          return ok();
        },
        typeToConfirm: 'redis-1',
      },
      { safety: 'destructive' },
    ),
  ]);

describe('engine: confirmation by safety', () => {
  it('asks the operator before a mutating step, and a refusal leaves the step pending and stops runAll', async () => {
    let runs = 0;
    const interaction = scriptedInteraction({ confirm: false });
    const book = runbook([mutating(() => runs++)]);
    book.vars.push({
      name: 'count',
      secret: false,
      default: '5',
      source: { kind: 'default' },
      loc: book.steps[0]?.loc ?? { file: 'fake.md', line: 2, column: 1 },
    });
    const { engine, events } = await startEngine({ runbook: book, interaction });
    expect(await engine.runAll()).toBe('aborted');
    expect(runs).toBe(0);
    expect(engine.state().steps.scale).toBe('pending');
    expect(interaction.confirms).toEqual([
      {
        step: 'scale',
        safety: 'mutating',
        message: 'Step scale: creates 5 droplets',
        typeToConfirm: undefined,
      },
    ]);
    expect(ofType(events, 'confirm.answered')[0]).toMatchObject({ accepted: false, how: 'operator' });
  });

  it('runs a mutating step without asking under --yes, recording that a flag answered', async () => {
    let runs = 0;
    const interaction = scriptedInteraction({ confirm: false });
    const { engine, events } = await startEngine({
      runbook: runbook([mutating(() => runs++)]),
      interaction,
      yes: true,
    });
    expect(await engine.runAll()).toBe('passed');
    expect(runs).toBe(1);
    expect(interaction.confirms).toHaveLength(0);
    expect(ofType(events, 'confirm.answered')[0]).toMatchObject({ accepted: true, how: 'flag' });
  });

  it('makes the operator type the resource name for a destructive step unless --yes --allow-destroy', async () => {
    let runs = 0;
    const interaction = scriptedInteraction({ confirm: true });
    const first = await startEngine({
      runbook: runbook([destructive(() => runs++)]),
      interaction,
      yes: true,
    });
    expect(await first.engine.runAll()).toBe('passed');
    expect(interaction.confirms[0]).toMatchObject({ safety: 'destructive', typeToConfirm: 'redis-1' });

    const silent = scriptedInteraction({ confirm: false });
    const second = await startEngine({
      runbook: runbook([destructive(() => runs++)]),
      interaction: silent,
      yes: true,
      allowDestroy: true,
    });
    expect(await second.engine.runAll()).toBe('passed');
    expect(silent.confirms).toHaveLength(0);
    expect(runs).toBe(2);
  });

  it("fails the step with the interaction's message when it cannot ask (headless without the flag)", async () => {
    const headless = {
      confirm: async () => {
        throw new Error(
          'step "destroy" is destructive: pass --yes --allow-destroy to run it without a terminal',
        );
      },
      ask: async () => {
        throw new Error('unused');
      },
    };
    const { engine, events } = await startEngine({
      runbook: runbook([destructive(() => {})]),
      interaction: headless,
    });
    expect(await engine.runAll()).toBe('failed');
    expect(ofType(events, 'step.finished')[0]?.error).toBe(
      'step "destroy" is destructive: pass --yes --allow-destroy to run it without a terminal',
    );
  });
});

describe('engine: dry run', () => {
  it('previews every action with what is known, runs nothing, and marks each step skipped', async () => {
    let runs = 0;
    const book = runbook([
      step('create', [
        action(
          {
            preview: 'create droplets',
            behave: () => {
              runs++;
              return ok('', { ip: '1' });
            },
          },
          { id: 'nodes', safety: 'mutating' },
        ),
      ]),
      step('read', [
        action({
          preview: 'read {{ nodes.ip }} as {{ vars.user }}',
          behave: () => {
            runs++;
            return ok();
          },
        }),
      ]),
    ]);
    book.vars.push({
      name: 'user',
      secret: false,
      default: 'ops',
      source: { kind: 'default' },
      loc: book.steps[0]?.loc ?? { file: 'fake.md', line: 2, column: 1 },
    });
    const interaction = scriptedInteraction();
    const { engine, events } = await startEngine({ runbook: book, dryRun: true, interaction });
    expect(await engine.runAll()).toBe('passed');
    expect(runs).toBe(0);
    expect(interaction.confirms).toHaveLength(0);
    expect(ofType(events, 'action.started').map((e) => e.preview)).toEqual([
      ['create droplets'],
      ['read {{ nodes.ip }} as ops'],
    ]);
    expect(ofType(events, 'action.finished').map((e) => e.summary)).toEqual([
      'not run (dry run, mutating)',
      'not run (dry run, safe)',
    ]);
    expect(ofType(events, 'step.finished').map((e) => e.status)).toEqual(['skipped', 'skipped']);
    expect(ofType(events, 'run.started')[0]?.dryRun).toBe(true);
  });
});

describe('stepNeedsOperator', () => {
  it('is true for steps that will confirm or prompt, false for safe steps without prompts', () => {
    expect(stepNeedsOperator(step('read', [action({ behave: () => ok() })]))).toBe(false);
    expect(stepNeedsOperator(step('write', [action({ behave: () => ok() }, { safety: 'mutating' })]))).toBe(
      true,
    );
    expect(stepNeedsOperator(step('ask', [action({ behave: () => ok() }, { kind: 'prompt' })]))).toBe(true);
  });
});

describe('engine: what the kind adds to a confirmation', () => {
  const pricedKind = {
    ...fakeKind,
    kind: 'priced',
    confirmation: async (_spec: unknown, ctx: { vars: Readonly<Record<string, string>> }) => ({
      does: 'creates droplets',
      message: `creates 5 droplets at $0.045/hour (token ${ctx.vars.token})`,
      typeToConfirm: 'redis-1 redis-2',
    }),
  };
  const kinds = new Map([
    [fakeKind.kind, fakeKind],
    [pricedKind.kind, pricedKind],
  ]);

  it('says what the kind looked up, masks secrets in it, and takes its name to type', async () => {
    const interaction = scriptedInteraction({ confirm: false });
    const book = runbook(
      [step('destroy', [action({ behave: () => ok() }, { kind: 'priced', safety: 'destructive' })])],
      [variable('token', { secret: true, default: 'tok-123456' })],
    );
    const { engine } = await startEngine({ runbook: book, interaction, kinds });
    await engine.runAll();
    expect(interaction.confirms).toEqual([
      {
        step: 'destroy',
        safety: 'destructive',
        message: 'Step destroy: creates droplets — creates 5 droplets at $0.045/hour (token ••••••)',
        brief: 'Step destroy: creates droplets',
        typeToConfirm: 'redis-1 redis-2',
      },
    ]);
  });

  it('asks the kind for its words only, without look-ups, when a flag answers, and records them', async () => {
    const asked: Array<{ lookUp: boolean } | undefined> = [];
    const counting = {
      ...pricedKind,
      confirmation: async (_spec: unknown, _ctx: unknown, options?: { lookUp: boolean }) => {
        asked.push(options);
        return { does: 'scales the cluster to 5 droplets' };
      },
    };
    const { engine, events } = await startEngine({
      runbook: runbook([
        step('scale', [action({ behave: () => ok() }, { kind: 'priced', safety: 'mutating' })]),
      ]),
      kinds: new Map([[counting.kind, counting]]),
      yes: true,
    });
    expect(await engine.runAll()).toBe('passed');
    expect(asked).toEqual([{ lookUp: false }]);
    expect(events.find((event) => event.type === 'confirm.answered')).toMatchObject({
      message: 'Step scale: scales the cluster to 5 droplets',
      how: 'flag',
    });
  });
});

describe('a confirmation that needs a result not there yet', () => {
  const needy = {
    ...fakeKind,
    kind: 'needy',
    confirmation: async (_spec: unknown, ctx: { render(text: string): string }) => ({
      does: `uses ${ctx.render('{{ master.ip }}')}`,
    }),
  };
  const kinds = new Map([
    [fakeKind.kind, fakeKind],
    [needy.kind, needy],
  ]);

  it('says plainly that an earlier action of the step produces it, or that nothing has', async () => {
    const interaction = scriptedInteraction({ confirm: true });
    const { engine } = await startEngine({
      runbook: runbook([
        step('build', [
          action({ behave: () => ok() }, { id: 'master', safety: 'mutating', confirm: 'creates the master' }),
          action(
            { behave: () => ok() },
            { kind: 'needy', safety: 'mutating', confirm: 'creates the replica' },
          ),
        ]),
        step('later', [action({ behave: () => ok() }, { kind: 'needy', safety: 'mutating' })]),
      ]),
      interaction,
      kinds,
    });
    await engine.runAll();
    expect(interaction.confirms.map((c) => c.message)).toEqual([
      'Step build: creates the master; creates the replica — (details follow once "master" above has run: they need its result)',
      'Step later: runs the needy block at fake.md:10 — (details are known only once {{ master.ip }} exists: no step before this one produced it)',
    ]);
  });
});

describe('the kinds name what a destructive block acts on (confirmation())', () => {
  it('redis, sentinel and lab by their node, probe by its name, rendered', async () => {
    const t = createTestContext({ vars: { victim: 'redis-2' } });
    const redis = parsedAction(redisAction, { attrs: { node: '{{ vars.victim }}' }, body: 'DEBUG SLEEP 1' });
    expect(await redisAction.confirmation(redis.spec, t.ctx)).toEqual({
      does: 'sends DEBUG SLEEP 1 to redis-2',
      typeToConfirm: 'redis-2',
    });
    const sentinel = parsedAction(sentinelAction, {
      attrs: { node: 'sentinel-1', master: 'mymaster' },
      body: 'SENTINEL FAILOVER mymaster',
    });
    expect(await sentinelAction.confirmation(sentinel.spec, t.ctx)).toEqual({
      does: 'sends SENTINEL FAILOVER mymaster to sentinel-1',
      typeToConfirm: 'sentinel-1',
    });
    const lab = parsedAction(labAction, { attrs: { op: 'freeze', node: 'redis-1' } });
    expect(await labAction.confirmation(lab.spec, t.ctx)).toEqual({
      does: 'freezes the lab droplet redis-1 (SIGSTOP to its processes: it hangs, its connections stay open)',
      typeToConfirm: 'redis-1',
    });
    const probe = parsedAction(probeAction, { attrs: { name: 'app', rate: '200/s' }, body: 'stop' });
    expect(await probeAction.confirmation(probe.spec, t.ctx)).toEqual({
      does: 'stops the probe app and reads back every write it saw acknowledged',
      typeToConfirm: 'app',
    });
  });

  it('falls back to the step id when the kind names nothing', async () => {
    const interaction = scriptedInteraction({ confirm: false });
    const { engine } = await startEngine({
      runbook: runbook([
        step('wipe', [action({ behave: () => ok() }, { safety: 'destructive', attrs: { name: 'x' } })]),
      ]),
      interaction,
    });
    await engine.runAll();
    expect(interaction.confirms[0]?.typeToConfirm).toBe('wipe');
  });
});

describe('the DR runbook with the real kinds: a step of checks asks nothing', () => {
  it('"Drill 1: confirm recovery" runs without a confirmation: verify=discovery writes only its own short-lived key', async () => {
    const file = fileURLToPath(new URL('../../runbooks/redis-sentinel-digitalocean.md', import.meta.url));
    const loaded = await loadRunbook(file, { kinds: actionKinds });
    const recovery = loaded.runbook?.steps.find((s) => s.id === 'drill-1-confirm-recovery');
    if (!recovery) throw new Error('the DR runbook has no step "drill-1-confirm-recovery"');
    expect(recovery.actions.some((a) => a.kind === 'sentinel' && a.attrs.verify === 'discovery')).toBe(true);
    expect(stepNeedsOperator(recovery)).toBe(false);
    const interaction = scriptedInteraction({ confirm: false });
    const emitted: EngineEventBody[] = [];
    const decision = await confirmStep({
      step: recovery,
      yes: false,
      allowDestroy: false,
      interaction,
      signal: new AbortController().signal,
      render: (text) => text,
      confirmationFor: async () => undefined,
      emit: (body) => emitted.push(body),
    });
    expect(decision).toEqual({ run: true });
    expect(interaction.confirms).toEqual([]);
    expect(emitted).toEqual([]);
  });
});
