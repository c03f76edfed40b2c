// A check block's confirmation (a check is safe unless a runbook raises it): how many conditions it judges.
import { describe, expect, it } from 'vitest';
import { createTestContext, parsedAction } from '../test-context.js';
import { checkAction } from './index.js';

describe('check confirmation', () => {
  it('counts the conditions and says it changes nothing', async () => {
    const { spec } = parsedAction(checkAction, { body: 'vars.port == 6379\nvars.host != ""\n' });
    expect(await checkAction.confirmation(spec, createTestContext({}).ctx)).toEqual({
      does: 'checks 2 conditions on earlier results (it changes nothing)',
    });
  });
});
