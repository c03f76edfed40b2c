// Less noise for a trainee (front matter details: fold): a do block's API request listing and the prices in
// a confirmation are folded until v; and a finished command block whose table shows its replies does not print
// them a second time as raw lines (o shows them) — INFO replication once, not twice.
import { afterEach, describe, expect, it } from 'vitest';
import type { StepScript } from './test-utils.js';
import { ENTER, makeRunbook, renderTui } from './test-utils.js';

let ui: ReturnType<typeof renderTui> | undefined;
afterEach(() => ui?.unmount());

const message =
  'Create: creates the master training-redis-1 — creates 1 droplet (s-1vcpu-1gb in nyc1) at $0.00893/hour each';
const brief = 'Create: creates the master training-redis-1';

const createDroplet: StepScript = async ({ emit, interaction, signal }) => {
  const accepted = await interaction.confirm({ step: 'create', safety: 'mutating', message, brief }, signal);
  if (!accepted) return 'pending';
  const preview = ['GET /v2/vpcs?page=1&per_page=200  (find training-vpc)', 'POST /v2/droplets {"name":"x"}'];
  emit({ type: 'action.started', step: 'create', action: 0, kind: 'do', preview });
  emit({
    type: 'action.finished',
    step: 'create',
    action: 0,
    kind: 'do',
    ok: true,
    summary: 'created',
    durationMs: 1,
  });
  return 'passed';
};

const infoReplication: StepScript = async ({ emit }) => {
  emit({
    type: 'action.started',
    step: 'info',
    action: 0,
    kind: 'redis',
    preview: ['on redis-1:', '  INFO replication'],
  });
  for (const line of ['role:master', 'connected_slaves:1', 'master_repl_offset:28']) {
    emit({ type: 'action.output', step: 'info', action: 0, stream: 'stdout', line });
  }
  emit({
    type: 'action.finished',
    step: 'info',
    action: 0,
    kind: 'redis',
    ok: true,
    summary: 'redis-1: 1 command',
    durationMs: 1,
    view: {
      kind: 'redis',
      node: 'redis-1',
      commands: [
        {
          command: 'INFO replication',
          reply: ['role:master', 'connected_slaves:1', 'master_repl_offset:28'],
          replication: { node: 'redis-1', role: 'master', replicas: 1, offset: 28 },
        },
      ],
    },
  });
  return 'passed';
};

describe('details folded for a trainee', () => {
  const runbook = {
    ...makeRunbook([
      { id: 'create', title: 'Create', safety: 'mutating', actions: [{ kind: 'do' }] },
      { id: 'info', title: 'Info', actions: [{ kind: 'redis' }] },
    ]),
    foldDetails: true,
  };

  it('folds the prices of a confirmation until v, and a do block request listing until v', async () => {
    ui = renderTui({ runbook, scripts: { create: createDroplet, info: infoReplication } });
    await ui.start();
    await ui.press(ENTER);
    let frame = await ui.waitForText('Proceed? y/N');
    expect(frame).toContain(`Confirm: ${brief} (prices and look-ups folded: v shows them)`);
    expect(frame).not.toContain('$0.00893');
    await ui.press('v');
    frame = await ui.waitForText('$0.00893/hour each');
    expect(frame).not.toContain('folded: v shows them');
    await ui.press('y');
    frame = await ui.waitForText('✓ 1. Create');
    expect(frame).toContain('2 API requests folded (v shows them)');
    expect(frame).not.toContain('POST /v2/droplets');
    await ui.press('v');
    frame = await ui.waitForText('POST /v2/droplets');
    expect(frame).not.toContain('API requests folded');
  });

  it('shows a command reply once, as its table, with the raw lines folded until o', async () => {
    ui = renderTui({ runbook, scripts: { create: createDroplet, info: infoReplication } });
    await ui.start();
    await ui.press('j');
    await ui.press(ENTER);
    let frame = await ui.waitForText('✓ 2. Info');
    expect(frame).toContain('3 raw reply lines folded (o shows them)');
    expect(frame).not.toContain('connected_slaves:1');
    await ui.press('o');
    frame = await ui.waitForText('connected_slaves:1');
    expect(frame).not.toContain('raw reply lines folded');
  });
});

describe('details shown (no details: fold)', () => {
  it('shows the whole confirmation and the request listing', async () => {
    const runbook = makeRunbook([
      { id: 'create', title: 'Create', safety: 'mutating', actions: [{ kind: 'do' }] },
    ]);
    ui = renderTui({ runbook, scripts: { create: createDroplet } });
    await ui.start();
    await ui.press(ENTER);
    const frame = await ui.waitForText('Proceed? y/N');
    expect(frame).toContain('$0.00893/hour each');
    await ui.press('y');
    expect(await ui.waitForText('POST /v2/droplets')).not.toContain('API requests folded');
  });
});
