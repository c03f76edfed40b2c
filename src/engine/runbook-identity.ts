// What a journal records about the runbook it ran, so that --resume notices an edited runbook: a digest of
// the whole and one per step (every action's kind, attributes and body: what the step does, so a step
// whose heading was renamed is still recognised).
import { createHash } from 'node:crypto';
import type { Runbook, Step } from '../contract/runbook.js';

const digest = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export function stepDigest(step: Step): string {
  return digest(
    step.actions.map(({ kind, attrs, body, always, finding, each }) => ({
      kind,
      attrs,
      body,
      // Only when set, so the digests of runbooks that use none of them stay what their journals recorded.
      ...(always ? { always } : {}),
      ...(finding ? { finding } : {}),
      ...(each ? { each: [each.path, each.where?.text] } : {}),
    })),
  );
}

export function runbookDigest(runbook: Runbook): string {
  return digest({
    title: runbook.title,
    vars: runbook.vars.map(({ name, secret, source, default: value }) => ({ name, secret, source, value })),
    steps: runbook.steps.map((step) => [step.id, stepDigest(step)]),
    templates: Object.values(runbook.templates).map(({ name, content }) => [name, content]),
  });
}

export interface RecordedStep {
  id: string;
  title: string;
  digest?: string;
}

/**
 * How the runbook differs from the one the journal recorded, one sentence per change (empty when it is the
 * same). Journals written before digests were recorded are compared by step ids only.
 */
export function runbookChanges(recorded: RecordedStep[], runbook: Runbook): string[] {
  const current = runbook.steps.map((step) => ({ id: step.id, title: step.title, digest: stepDigest(step) }));
  const now = new Map(current.map((step) => [step.id, step]));
  const before = new Map(recorded.map((step) => [step.id, step]));
  const removed = recorded.filter((step) => !now.has(step.id));
  const added = current.filter((step) => !before.has(step.id));
  const changes: string[] = [];
  for (const old of removed) {
    const renamed = old.digest ? added.find((step) => step.digest === old.digest) : undefined;
    if (renamed) {
      changes.push(`step "${old.id}" is now "${renamed.id}" (renamed)`);
      added.splice(added.indexOf(renamed), 1);
    } else changes.push(`step "${old.id}" was removed`);
  }
  for (const step of added) changes.push(`step "${step.id}" was added`);
  for (const step of current) {
    const old = before.get(step.id);
    if (old?.digest && old.digest !== step.digest) changes.push(`step "${step.id}" has changed content`);
  }
  const kept = (steps: RecordedStep[], other: Map<string, RecordedStep>) =>
    steps.filter((step) => other.has(step.id)).map((step) => step.id);
  if (kept(recorded, now).join('\n') !== kept(current, before).join('\n')) {
    changes.push(`the steps are in a different order (${kept(current, before).join(', ')})`);
  }
  return changes;
}
