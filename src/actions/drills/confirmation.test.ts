// A drills block's confirmation (safe unless a runbook raises it): which drills it compares.
import { describe, expect, it } from 'vitest';
import { createTestContext, parsedAction } from '../test-context.js';
import { drillsAction } from './index.js';

describe('drills confirmation', () => {
  it('names the drills it shows side by side', async () => {
    const { spec } = parsedAction(drillsAction, { body: 'crash\nforced\n' });
    expect(await drillsAction.confirmation(spec, createTestContext({}).ctx)).toEqual({
      does: 'shows the drills crash, forced side by side',
    });
  });
});
