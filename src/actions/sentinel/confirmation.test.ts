// A sentinel block's confirmation: what it does to which master through which Sentinel, and what to type.
import { describe, expect, it } from 'vitest';
import { createTestContext, parsedAction } from '../test-context.js';
import { sentinelAction } from './index.js';

async function confirmationOf(attrs: Record<string, string>, body = '') {
  const { spec, action } = parsedAction(sentinelAction, { attrs, body });
  return sentinelAction.confirmation(
    spec,
    createTestContext({ action, vars: { master_name: 'mymaster' } }).ctx,
  );
}

describe('sentinel confirmation', () => {
  it('says a switchover pauses writes, and names the Sentinel to type', async () => {
    expect(await confirmationOf({ op: 'switchover', node: 'sentinel-1' })).toEqual({
      does: 'switches mymaster over to a replica through sentinel-1, pausing writes on the master until the replica has caught up',
      typeToConfirm: 'sentinel-1',
    });
  });

  it('says the discovery check writes a test key', async () => {
    expect(await confirmationOf({ node: 'all', verify: 'discovery' })).toEqual({
      does: 'writes and reads back a test key on the master the Sentinels name for mymaster, as a client would',
      typeToConfirm: 'all',
    });
  });
});
