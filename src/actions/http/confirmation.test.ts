// An http block's confirmation says which request goes where, with the URL rendered and secrets masked.
import { describe, expect, it } from 'vitest';
import { createTestContext, parsedAction, TEST_SECRET_MASK } from '../test-context.js';
import { httpAction } from './index.js';

describe('http confirmation', () => {
  it('names the method and the rendered address, masking secrets', async () => {
    const { spec, action } = parsedAction(httpAction, {
      attrs: { method: 'POST', url: 'http://127.0.0.1:9093/api/v2/silences?token={{ vars.token }}' },
      body: '{"comment": "drill"}',
    });
    const t = createTestContext({ action, vars: { token: 'abc123secret' }, secretVars: ['token'] });
    expect(await httpAction.confirmation(spec, t.ctx)).toEqual({
      does: `sends a POST request with a body to http://127.0.0.1:9093/api/v2/silences?token=${TEST_SECRET_MASK}`,
    });
  });
});
