// runAll's walk over the steps: which it runs, which it passes over, and why it stops (steps.stopped).
import type { RunAllOptions } from '../contract/engine.js';
import type { RunStatus, StepStatus, StopReason } from '../contract/events.js';
import type { Step } from '../contract/runbook.js';

/** True when the step will stop for the operator: a confirmation or a prompt (runAll's stopBefore). */
export function stepNeedsOperator(step: Step): boolean {
  return step.safety !== 'safe' || step.actions.some((action) => action.kind === 'prompt');
}

export interface Walk {
  /** Run steps that already passed or were skipped again. */
  rerunDone: boolean;
  stopBefore: RunAllOptions['stopBefore'];
  statusOf(stepId: string): StepStatus;
  runStep(stepId: string): Promise<StepStatus>;
  /** The operator aborted (Ctrl-C): stop at once. */
  aborted(): boolean;
}

export interface Stop {
  status: RunStatus;
  reason: StopReason;
  step?: string;
}

export async function walkSteps(steps: readonly Step[], walk: Walk): Promise<Stop> {
  for (const [position, step] of steps.entries()) {
    if (walk.aborted()) return { status: 'aborted', reason: 'aborted', step: step.id };
    const current = walk.statusOf(step.id);
    if (!walk.rerunDone && (current === 'passed' || current === 'skipped')) continue;
    // The first step is the one the operator chose to run on from: it runs even when it needs them.
    if (walk.stopBefore === 'needs-operator' && position > 0 && stepNeedsOperator(step)) {
      return { status: 'passed', reason: 'needs-operator', step: step.id };
    }
    const status = await walk.runStep(step.id);
    if (walk.aborted()) return { status: 'aborted', reason: 'aborted', step: step.id };
    if (status === 'failed') return { status: 'failed', reason: 'failed', step: step.id };
    if (status === 'pending') return { status: 'aborted', reason: 'not-run', step: step.id };
  }
  return { status: 'passed', reason: 'end' };
}
