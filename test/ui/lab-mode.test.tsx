// The lab's mode (loopback or container) decides what a run proves, so the header says which one is in use
// once the real engine has resolved the target — and says nothing about a mode before then or off the lab.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ActionKind, TargetInfo } from '../../src/contract/action.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { ENTER, tuiOverRealEngine } from './test-utils.js';

/** A block that needs the target, as every `do` block does: its run resolves it. */
const needsTarget: ActionKind<object> = {
  kind: 'needs-target',
  description: 'resolves the target',
  attributes: z.record(z.string(), z.string().optional()),
  defaultSafety: () => 'safe',
  parse: () => ({}),
  preview: () => ['resolve the target'],
  confirmation: async () => ({ does: 'resolves the target' }),
  async run(_spec, ctx) {
    const target = await ctx.target();
    return { ok: true, summary: `target ${target.name} resolved` };
  },
};
const kinds = new Map([[needsTarget.kind, needsTarget]]);

const SOURCE = '---\ntitle: Lab mode\n---\n\n# Lab mode\n\n## Reach the lab\n\n```needs-target\n```\n';

const renderOverEngine = tuiOverRealEngine();

async function render(target: TargetInfo) {
  const { runbook } = parseRunbook(SOURCE, 'lab-mode.md', { kinds });
  if (!runbook) throw new Error('the test runbook does not parse');
  return renderOverEngine({ runbook, kinds, target, columns: 120, rows: 20 });
}

/** The header is the frame's first line. */
const header = (frame: string) => frame.split('\n')[0] ?? '';

const lab = (mode: 'loopback' | 'container'): TargetInfo => ({
  name: 'lab',
  apiUrl: 'http://127.0.0.1:1/v2',
  token: 'unused-token',
  lab: { stateDir: '/nonexistent', mode },
});

describe('the lab mode in the TUI header', () => {
  it('shows container once the run has resolved a container lab', async () => {
    const { ui } = await render(lab('container'));
    const before = await ui.waitForText('target lab');
    expect(header(before)).toContain('target lab');
    expect(header(before)).not.toMatch(/container|loopback/);
    await ui.press(ENTER);
    await ui.waitForText('target lab resolved');
    expect(header(ui.frame())).toContain('target lab (container)');
  });

  it('shows loopback for a loopback lab, and no mode on digitalocean', async () => {
    const { ui: loopback, engine } = await render(lab('loopback'));
    await loopback.press(ENTER);
    await loopback.waitFor((frame) => header(frame).includes('target lab (loopback)'), 'the loopback mode');
    loopback.unmount();
    await engine.finish();

    const { ui: cloud } = await render({
      name: 'digitalocean',
      apiUrl: 'http://127.0.0.1:1/v2',
      token: 'unused',
    });
    await cloud.press(ENTER);
    await cloud.waitForText('target digitalocean resolved');
    expect(header(cloud.frame())).toContain('target digitalocean');
    expect(header(cloud.frame())).not.toMatch(/container|loopback/);
  });
});
