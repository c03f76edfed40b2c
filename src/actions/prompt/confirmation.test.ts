// A prompt block's confirmation repeats its question (a prompt is safe unless a runbook raises it).
import { describe, expect, it } from 'vitest';
import { createTestContext, parsedAction } from '../test-context.js';
import { promptAction } from './index.js';

describe('prompt confirmation', () => {
  it('says what it asks, or what it asks to tick off', async () => {
    const value = parsedAction(promptAction, { attrs: { var: 'trainee' }, body: 'Your name?' });
    const item = parsedAction(promptAction, { attrs: { checklist: 'true' }, body: 'Page the on-call lead' });
    const t = createTestContext({});
    expect((await promptAction.confirmation(value.spec, t.ctx)).does).toBe('asks: Your name?');
    expect((await promptAction.confirmation(item.spec, t.ctx)).does).toBe(
      'asks you to tick off: Page the on-call lead',
    );
  });
});
