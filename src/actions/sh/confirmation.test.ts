// A shell block's confirmation names the script it runs and where; a read-only check may declare safety=safe.
import { describe, expect, it } from 'vitest';
import { createTestContext, parsedAction } from '../test-context.js';
import { shAction } from './index.js';

describe('sh confirmation', () => {
  it('names the first command of the script, how many lines follow, and the folder', async () => {
    const { spec, action } = parsedAction(shAction, {
      attrs: { cwd: 'app' },
      body: '# what follows\nREDIS_SENTINELS="$S1" sh app/predis-check.sh\necho done\n',
    });
    const t = createTestContext({ action });
    expect(await shAction.confirmation(spec, t.ctx)).toEqual({
      does: 'runs a bash script on this machine in app: REDIS_SENTINELS="$S1" sh app/predis-check.sh (and 1 more line)',
    });
  });

  it('is a guess the block may lower: the kind cannot see what a script does', () => {
    expect(shAction.defaultSafety(parsedAction(shAction, { body: 'true\n' }).spec)).toBe('mutating');
    expect(shAction.safetyIsAGuess).toBe(true);
  });
});
