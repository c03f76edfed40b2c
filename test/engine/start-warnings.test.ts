// A run of a runbook that executes nothing says so (issue #15 item 19).
import { describe, expect, it } from 'vitest';
import { action, ofType, ok, runbook, startEngine, step } from './fake-runbook.js';

const textOnly = (id: string) => ({ ...step(id, []), explanation: 'read this' });

describe('a runbook whose steps execute nothing', () => {
  it('warns at the start of the run, before any step passes', async () => {
    const { engine, events } = await startEngine({ runbook: runbook([textOnly('a'), textOnly('b')]) });
    const warning = ofType(events, 'log').find((e) => e.level === 'warn');
    expect(warning?.message).toMatch(/^this runbook executes nothing: no step has an action block/);
    expect(events.indexOf(warning as never)).toBeLessThan(
      events.findIndex((e) => e.type === 'step.started') >>> 0,
    );
    await engine.finish();
  });

  it('says nothing when one step has an action', async () => {
    const { engine, events } = await startEngine({
      runbook: runbook([textOnly('a'), step('b', [action({ behave: () => ok() })])]),
    });
    expect(ofType(events, 'log')).toEqual([]);
    await engine.finish();
  });
});
