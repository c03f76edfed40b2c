// Step addressing (--from / --only take an id or a 1-based number) and run ids.
import { randomBytes } from 'node:crypto';
import type { Runbook, Step } from '../contract/runbook.js';

export class StepNotFoundError extends Error {}

export function findStep(runbook: Runbook, idOrNumber: string): Step {
  const byId = runbook.steps.find((step) => step.id === idOrNumber);
  if (byId) return byId;
  if (/^\d+$/.test(idOrNumber)) {
    const byNumber = runbook.steps[Number(idOrNumber) - 1];
    if (byNumber) return byNumber;
  }
  const known = runbook.steps.map((step, i) => `${i + 1} ${step.id}`).join(', ');
  throw new StepNotFoundError(
    `${runbook.file}: no step "${idOrNumber}"; use a step id or a number from 1 to ${runbook.steps.length} (${known})`,
  );
}

/** The steps runAll() walks: from --from onwards, or only the --only ones (in runbook order). */
export function selectSteps(runbook: Runbook, options: { from?: string; only?: string[] }): Step[] {
  let steps = runbook.steps;
  if (options.from !== undefined) {
    const first = findStep(runbook, options.from);
    steps = steps.filter((step) => step.index >= first.index);
  }
  if (options.only && options.only.length > 0) {
    const wanted = new Set(options.only.map((idOrNumber) => findStep(runbook, idOrNumber).id));
    steps = steps.filter((step) => wanted.has(step.id));
  }
  return steps;
}

/** Sortable and readable: 20261128-074432-3fa9c1 (UTC). */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
