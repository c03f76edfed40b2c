// The first mutating `do` confirmation of a runbook shows what the whole run's droplets cost (nodes and
// jump host, per hour and per month, from the API's sizes catalogue); later ones show only their own.
import { describe, expect, it } from 'vitest';
import { doKind } from '../../src/actions/do/index.js';
import { createTestContext, parsedAction } from '../../src/actions/test-context.js';
import type { ActionBlock, Runbook } from '../../src/contract/runbook.js';
import { withEmulator } from './helpers.js';

const api = withEmulator();

function block(body: string, line: number): ActionBlock {
  const { action } = parsedAction(doKind, { body });
  return {
    ...action,
    retries: 0,
    loc: { file: 'dr.md', line, column: 1 },
    bodyLine: line + 1,
  } as ActionBlock;
}

const blocks = [
  block('op: account.get', 10),
  block('op: ssh_key.ensure', 20),
  block(
    'op: droplets.ensure\nnames: [jump]\nregion: nyc1\nsize: "{{ vars.jump_size }}"\nimage: ubuntu-24-04-x64',
    30,
  ),
  block(
    'op: droplets.ensure\nnames: [a, b, c, d, e]\nregion: nyc1\nsize: s-1vcpu-1gb\nimage: ubuntu-24-04-x64',
    40,
  ),
];
const runbook = {
  file: 'dr.md',
  steps: blocks.map((action, index) => ({ id: `s${index}`, title: `s${index}`, actions: [action] })),
} as unknown as Partial<Runbook>;

async function confirmationOf(index: number) {
  const action = blocks[index] as ActionBlock;
  const t = createTestContext({
    target: api.target,
    runbook,
    action,
    vars: { jump_size: 's-1vcpu-512mb-10gb' },
  });
  try {
    return await doKind.confirmation?.(action.spec as never, t.ctx);
  } finally {
    await t.close();
  }
}

describe('the whole run in the first confirmation', () => {
  it('shows every droplet the run creates on the first mutating do block only', async () => {
    const first = await confirmationOf(1);
    expect(first?.message).toMatch(
      /^the whole run creates 6 droplets: \$0\.\d{4}\/hour, \$\d+\.\d\d\/month while they exist \(1 × s-1vcpu-512mb-10gb, 5 × s-1vcpu-1gb\); the last step deletes them$/,
    );
    const nodes = await confirmationOf(3);
    expect(nodes?.message).toMatch(/^creates 5 droplets \(s-1vcpu-1gb in nyc1\) at \$0\.00893\/hour each/);
  });
});
