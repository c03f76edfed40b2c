// A prediction block's confirmation (safe unless a runbook raises it): how many comparisons it shows.
import { describe, expect, it } from 'vitest';
import { createTestContext, parsedAction } from '../test-context.js';
import { predictionAction } from './index.js';

describe('prediction confirmation', () => {
  it('says how many predictions it shows next to the measurements', async () => {
    const { spec } = parsedAction(predictionAction, {
      body: 'Writes failed for | {{ vars.p }} s | {{ probe.crash.unavailable_ms }} ms\n',
    });
    expect(await predictionAction.confirmation(spec, createTestContext({}).ctx)).toEqual({
      does: 'shows a prediction next to what was measured',
    });
  });
});
