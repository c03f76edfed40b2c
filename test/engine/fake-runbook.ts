// Runbooks built directly from the model, with fake action kinds whose behaviour each test supplies.
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as z from 'zod';
import type {
  ActionContext,
  ActionKind,
  ActionOutcome,
  Interaction,
  PromptAnswer,
} from '../../src/contract/action.js';
import type { EngineEvent } from '../../src/contract/events.js';
import type { ActionBlock, Runbook, Safety, Step, VarSpec } from '../../src/contract/runbook.js';
import { createEngine, type Engine, type EngineOptions } from '../../src/engine/engine.js';
import { tempDir } from '../helpers/temp-dir.js';

export interface FakeSpec {
  /** Shown in the preview; may hold {{ references }}. */
  preview?: string;
  behave(ctx: ActionContext): Promise<ActionOutcome> | ActionOutcome;
  /** What the kind's confirmation() names for the operator to type, as a real kind names its resource. */
  typeToConfirm?: string;
}

export const fakeKind: ActionKind<FakeSpec> = {
  kind: 'fake',
  description: 'test action whose behaviour the test supplies',
  attributes: z.record(z.string(), z.string().optional()),
  defaultSafety: () => 'safe',
  parse: () => undefined,
  preview: (spec, ctx) => [ctx.render(spec.preview ?? 'fake action')],
  confirmation: async (spec, ctx) => ({
    does: ctx.render(spec.preview ?? 'fake action'),
    ...(spec.typeToConfirm ? { typeToConfirm: spec.typeToConfirm } : {}),
  }),
  run: async (spec, ctx) => spec.behave(ctx),
};

export const fakeKinds = new Map([[fakeKind.kind, fakeKind]]);

const loc = (line: number) => ({ file: 'fake.md', line, column: 1 });

export function action(spec: FakeSpec, overrides: Partial<ActionBlock> = {}): ActionBlock {
  return {
    kind: 'fake',
    attrs: {},
    body: '',
    retries: 0,
    safety: 'safe',
    spec,
    loc: loc(10),
    bodyLine: 11,
    ...overrides,
  };
}

export function step(id: string, actions: ActionBlock[]): Step {
  const order: Safety[] = ['safe', 'mutating', 'destructive'];
  const safety = actions.reduce<Safety>(
    (worst, a) => (order.indexOf(a.safety) > order.indexOf(worst) ? a.safety : worst),
    'safe',
  );
  return { id, index: 0, title: `Step ${id}`, explanation: '', actions, safety, loc: loc(1) };
}

export function runbook(steps: Step[], vars: VarSpec[] = []): Runbook {
  return {
    file: 'fake.md',
    baseDir: '.',
    title: 'Fake runbook',
    vars,
    introduction: '',
    steps: steps.map((s, index) => ({ ...s, index })),
    templates: {},
  };
}

export function variable(name: string, fields: Partial<VarSpec> = {}): VarSpec {
  return { name, secret: false, source: { kind: 'default' }, loc: loc(2), ...fields };
}

export const ok = (summary = 'ok', data?: unknown): ActionOutcome => ({ ok: true, summary, data });
export const failed = (error: string): ActionOutcome => ({ ok: false, summary: 'failed', error });

/** Resolves when the signal aborts; for actions that run until stopped. */
export function untilAborted(ctx: ActionContext): Promise<ActionOutcome> {
  return new Promise((resolve) => {
    ctx.signal.addEventListener('abort', () => resolve(failed('stopped')), { once: true });
  });
}

/** An action that says when it has started, then runs until the engine aborts it: a step to abort mid-run. */
export function abortableAction(overrides: Partial<ActionBlock> = {}): {
  action: ActionBlock;
  started: Promise<void>;
} {
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const blocking = action(
    {
      behave: (ctx) => {
        markStarted();
        return untilAborted(ctx);
      },
    },
    overrides,
  );
  return { action: blocking, started };
}

export interface ScriptedInteraction extends Interaction {
  confirms: Array<Parameters<Interaction['confirm']>[0]>;
  asks: Array<Parameters<Interaction['ask']>[0]>;
}

export function scriptedInteraction(
  answers: { confirm?: boolean; values?: Record<string, string> } = {},
): ScriptedInteraction {
  const confirms: ScriptedInteraction['confirms'] = [];
  const asks: ScriptedInteraction['asks'] = [];
  return {
    confirms,
    asks,
    async confirm(request) {
      confirms.push(request);
      return answers.confirm ?? true;
    },
    async ask(request): Promise<PromptAnswer> {
      asks.push(request);
      const value = answers.values?.[request.variable ?? request.question];
      if (value === undefined)
        throw new Error(`test gave no answer for ${request.variable ?? request.question}`);
      return { value, at: new Date().toISOString() };
    },
  };
}

export async function startEngine(
  options: Partial<EngineOptions> & { runbook: Runbook },
): Promise<{ engine: Engine; events: EngineEvent[] }> {
  const engine = await createEngine({
    target: 'lab',
    resolveTarget: async () => ({ name: 'lab', apiUrl: 'http://127.0.0.1:1/v2', token: 'lab-token-value' }),
    interaction: scriptedInteraction(),
    journalPath: tempDir(),
    kinds: fakeKinds,
    operator: 'tester',
    ...options,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  await engine.start();
  return { engine, events };
}

export function ofType<T extends EngineEvent['type']>(
  events: EngineEvent[],
  type: T,
): Array<Extract<EngineEvent, { type: T }>> {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}

/** What a killed process leaves beside its journal: a lock naming a pid that no longer exists. */
export function leaveLockOfDeadProcess(journalPath: string): void {
  const holder = { pid: 2 ** 31 - 1, host: hostname(), since: '2026-01-01T00:00:00.000Z' };
  writeFileSync(`${journalPath}.lock`, JSON.stringify(holder));
}
