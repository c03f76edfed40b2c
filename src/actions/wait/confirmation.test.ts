// A wait block's confirmation: the discovery wait writes a test key (why it is not safe), the others wait.
import { describe, expect, it } from 'vitest';
import { createTestContext, parsedAction } from '../test-context.js';
import { waitAction } from './index.js';

async function says(attrs: Record<string, string>, timeoutMs?: number): Promise<string> {
  const { spec, action } = parsedAction(waitAction, { attrs });
  const t = createTestContext({ action: { ...action, timeoutMs }, vars: { master_name: 'mymaster' } });
  return (await waitAction.confirmation(spec, t.ctx)).does;
}

describe('wait confirmation', () => {
  it('says what each wait does, naming the master', async () => {
    expect(await says({ until: 'discovery' }, 30_000)).toBe(
      'writes and reads back a test key on the master the Sentinels name for mymaster, again until it works (up to 30 s)',
    );
    expect(await says({ until: 'agreement' })).toBe('waits up to 60 s until the agreement of mymaster holds');
    expect(await says({ event: '+switch-master' }, 120_000)).toBe(
      'waits up to 120 s for a Sentinel to report +switch-master',
    );
    expect(await says({ for: '2s' })).toBe('pauses for 2s');
  });
});
