// Ctrl-C while droplets boot: the step stops waiting at once, with no poll left running.
import { describe, expect, it } from 'vitest';
import { doKind } from '../../src/actions/do/index.js';
import { createTestContext, parsedAction } from '../../src/actions/test-context.js';
import { targetFor, withEmulator } from './helpers.js';

const api = withEmulator({ bootDelayMs: 60_000 });

describe('abort', () => {
  it('stops the shared poll loop and sends nothing more', async () => {
    const { spec, action } = parsedAction(doKind, {
      body: 'op: droplets.ensure\nnames: [slow-1, slow-2]\nregion: nyc1\nsize: s-1vcpu-1gb\nimage: ubuntu-24-04-x64\ntags: [slow]',
    });
    const t = createTestContext({ action, target: targetFor(api.emulator, api.token) });
    const running = doKind.run(spec, t.ctx);
    // Two progress reports need two poll rounds; on a loaded 2-core machine that can take well over the default 1 s.
    await expect.poll(() => t.progress.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    t.abort();
    const outcome = await running.catch((error: unknown) => ({ ok: false, error: String(error) }));
    expect(outcome.ok).toBe(false);
    // The emulator shares this process's event loop: a request already on the wire when the step aborted
    // is recorded only once the loop reads it, so let those land before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const settled = api.emulator.requests.length;
    // Many times the poll interval a round would have waited: a loop still running would have sent more.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.emulator.requests.length).toBe(settled);
    expect(t.progress.at(-1)?.message).toMatch(/^0 of 2 droplets active, \d+ s$/);
    await t.close();
  });
});
