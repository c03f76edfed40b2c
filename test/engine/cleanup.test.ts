// Which always=true blocks are due when a run ends, and how dangerous running only them is.
import { describe, expect, it } from 'vitest';
import type { StepStatus } from '../../src/contract/events.js';
import { cleanupView, dueCleanups } from '../../src/engine/cleanup.js';
import { action, ok, runbook, step } from './fake-runbook.js';

const block = (safety: 'safe' | 'mutating' | 'destructive', always = false) =>
  action({ behave: () => ok() }, { safety, ...(always ? { always: true } : {}) });

describe('cleanupView', () => {
  it('takes the safety of the always=true blocks alone, the same rule a whole step has', () => {
    const teardown = step('teardown', [block('destructive'), block('mutating', true), block('safe', true)]);
    expect(teardown.safety).toBe('destructive');
    const view = cleanupView(teardown);
    expect(view.actions).toHaveLength(2);
    expect(view.safety).toBe('mutating');
    expect(cleanupView(step('note', [block('mutating'), block('safe', true)])).safety).toBe('safe');
  });
});

describe('dueCleanups', () => {
  const steps = runbook([
    step('provision', [block('mutating')]),
    step('configure', [block('mutating')]),
    step('freeze', [block('mutating')]),
    step('thaw-early', [block('safe'), block('mutating', true)]),
    step('observe', [block('safe')]),
    step('thaw', [block('safe'), block('mutating', true)]),
  ]).steps;
  const pending = (): StepStatus => 'pending';

  it('names the later steps with always=true blocks that did not run, after the first step that did', () => {
    const due = dueCleanups({ steps, ran: new Set(['observe']), statusOf: pending });
    expect(due.map((s) => s.id)).toEqual(['thaw']);
  });

  it('goes by each step’s own place in the runbook, not its place in the list it is given', () => {
    // observe is at position 2 in this list and thaw-early's index is 3: comparing the two would call the
    // cleanup of thaw-early due, though it comes before the step that ran.
    const later = steps.slice(2);
    const due = dueCleanups({ steps: later, ran: new Set(['observe']), statusOf: pending });
    expect(due.map((s) => s.id)).toEqual(['thaw']);
  });
});
