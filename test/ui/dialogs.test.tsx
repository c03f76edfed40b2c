import { afterEach, describe, expect, it } from 'vitest';
import type { PromptRequest } from '../../src/contract/action.js';
import { BACKSPACE, ENTER, makeRunbook, renderTui, type StepScript } from './test-utils.js';

let ui: ReturnType<typeof renderTui> | undefined;
afterEach(() => ui?.unmount());

const confirmThenRun =
  (
    step: string,
    request: { safety: 'mutating' | 'destructive'; message: string; typeToConfirm?: string },
  ): StepScript =>
  async ({ emit, interaction, signal }) => {
    const accepted = await interaction.confirm({ step, ...request }, signal);
    emit({ type: 'confirm.answered', step, message: request.message, accepted, how: 'operator' });
    if (!accepted) return 'pending';
    emit({ type: 'action.started', step, action: 0, kind: 'do', preview: ['POST /v2/droplets'] });
    emit({
      type: 'action.finished',
      step,
      action: 0,
      kind: 'do',
      ok: true,
      summary: 'created',
      durationMs: 1,
    });
    return 'passed';
  };

describe('confirmations', () => {
  const runbook = makeRunbook([{ id: 'create', title: 'Create droplets', safety: 'mutating' }]);
  const mutating = { safety: 'mutating' as const, message: 'creates 5 droplets (s-1vcpu-1gb), $0.045/hour' };

  it('Enter cancels a mutating step (Cancel is the default)', async () => {
    ui = renderTui({ runbook, scripts: { create: confirmThenRun('create', mutating) } });
    await ui.start();
    await ui.press(ENTER);
    const frame = await ui.waitForText('Proceed? y/N');
    expect(frame).toContain('Confirm: creates 5 droplets (s-1vcpu-1gb), $0.045/hour');
    await ui.press(ENTER);
    await ui.waitForText('declined by tester');
    expect(ui.store.getState().steps.create?.status).toBe('pending');
    expect(ui.frame()).toContain('Create droplets was not run.');
  });

  it('y runs it', async () => {
    ui = renderTui({ runbook, scripts: { create: confirmThenRun('create', mutating) } });
    await ui.start();
    await ui.press(ENTER);
    await ui.waitForText('Proceed? y/N');
    await ui.press('y');
    await ui.waitForText('✓ 1. Create droplets');
    expect(ui.frame()).toContain('confirmed by tester: creates 5 droplets');
  });

  /** Starts a destructive step that asks for redis-1 to be typed, up to that question. */
  async function askToTypeRedis1() {
    const destroy = {
      safety: 'destructive' as const,
      message: 'destroys droplet redis-1',
      typeToConfirm: 'redis-1',
    };
    const started = renderTui({ runbook, scripts: { create: confirmThenRun('create', destroy) } });
    ui = started; // unmounted by afterEach even if the question never comes
    await started.start();
    await started.press(ENTER);
    await started.waitForText('Type redis-1 to proceed');
    return started;
  }

  it('a destructive step needs the resource name typed exactly', async () => {
    ui = await askToTypeRedis1();
    await ui.press('r', 'e', 'd', 'i', 's', '-', '2', ENTER);
    await ui.waitForText('"redis-2" is not "redis-1"');
    expect(ui.store.getState().steps.create?.status).toBe('running');
    await ui.press(BACKSPACE, '1', ENTER);
    await ui.waitForText('✓ 1. Create droplets');
  });

  it('a destructive step is cancelled by an empty answer', async () => {
    ui = await askToTypeRedis1();
    await ui.press(ENTER);
    await ui.waitForText('declined by tester');
  });
});

describe('prompts', () => {
  const runbook = makeRunbook([{ id: 'ask', title: 'Ask the operator' }]);

  const asking =
    (request: Omit<PromptRequest, 'step'>): StepScript =>
    async ({ emit, interaction, signal }) => {
      const answer = await interaction.ask({ step: 'ask', ...request }, signal);
      emit({
        type: 'prompt.answered',
        step: 'ask',
        action: 0,
        question: request.question,
        answer: answer.value,
        kind: request.kind,
      });
      return 'passed';
    };

  it('masks a secret value as it is typed', async () => {
    let received = '';
    ui = renderTui({
      runbook,
      scripts: {
        ask: async ({ interaction, signal }) => {
          received = (
            await interaction.ask(
              { step: 'ask', kind: 'value', question: 'Redis password', secret: true },
              signal,
            )
          ).value;
          return 'passed';
        },
      },
    });
    await ui.start();
    await ui.press(ENTER);
    await ui.waitForText('? Redis password');
    await ui.press('s', '3', 'c', 'r', '3', 't');
    const frame = await ui.waitForText('••••••');
    expect(frame).not.toContain('s3cr3t');
    await ui.press(ENTER);
    await ui.waitForText('✓ 1. Ask the operator');
    expect(received).toBe('s3cr3t');
    expect(ui.frame()).not.toContain('s3cr3t');
  });

  it('takes a pasted answer with its Enter in one chunk', async () => {
    ui = renderTui({ runbook, scripts: { ask: asking({ kind: 'value', question: 'Ticket?' }) } });
    await ui.start();
    await ui.press(ENTER);
    await ui.waitForText('? Ticket?');
    await ui.press('INC-42\r');
    await ui.waitForText('Ticket? → INC-42');
  });

  it('a value prompt keeps its default on Enter', async () => {
    ui = renderTui({
      runbook,
      scripts: { ask: asking({ kind: 'value', question: 'Region', default: 'fra1' }) },
    });
    await ui.start();
    await ui.press(ENTER);
    await ui.waitForText('Enter keeps fra1');
    await ui.press(ENTER);
    await ui.waitForText('Region → fra1');
  });

  it('a checklist item is marked done or skipped with the time', async () => {
    ui = renderTui({
      runbook,
      scripts: { ask: asking({ kind: 'checklist', question: 'Announce the incident in the channel' }) },
    });
    await ui.start();
    await ui.press(ENTER);
    await ui.waitForText('☐ Announce the incident in the channel');
    await ui.press('s');
    const frame = await ui.waitForText('Announce the incident in the channel → skipped');
    expect(frame).toMatch(/\d\d:\d\d:\d\d Announce the incident in the channel → skipped/);
  });

  it('a choice is picked with arrows and Enter', async () => {
    ui = renderTui({
      runbook,
      scripts: {
        ask: asking({
          kind: 'choice',
          question: 'Failover how?',
          choices: ['kill master', 'SENTINEL FAILOVER'],
        }),
      },
    });
    await ui.start();
    await ui.press(ENTER);
    await ui.waitForText('2. SENTINEL FAILOVER');
    await ui.press('j', ENTER);
    await ui.waitForText('Failover how? → SENTINEL FAILOVER');
  });
});
