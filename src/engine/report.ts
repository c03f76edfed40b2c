// A run's summary, rebuilt from its journal alone: who ran what, when, and how each step ended.
// Kept separate from the Markdown rendering so the drill report can add its own sections.
import type { CheckResult } from '../contract/action.js';
import type { EngineEvent, RunStatus, StepStatus } from '../contract/events.js';
import { formatDuration } from '../contract/format.js';

export interface StepSummaryReport {
  number: number;
  id: string;
  title: string;
  safety: string;
  status: StepStatus;
  /** Of the last attempt. */
  durationMs?: number;
  startedAt?: string;
  error?: string;
  actions: Array<{
    kind: string;
    id?: string;
    ok: boolean;
    summary: string;
    error?: string;
    durationMs: number;
  }>;
  checks: CheckResult[];
  attempts: number;
  /** Its always=true blocks ran as cleanup at the end of a run that stopped before the step. */
  cleanup?: { status: StepStatus; startedAt: string; error?: string };
  /** Failures of its finding=true blocks (or their each= elements): recorded, and the step went on. */
  findings?: number;
}

/** A failing check of a checklist that keeps going (finding=true): what was found, where. */
export interface Finding {
  at: string;
  step: string;
  action: string;
  message: string;
}

export interface RunSummary {
  runId: string;
  runbook: { file: string; title: string };
  target: string;
  /** The lab modes the run used (one, unless a resume found the lab in another mode); empty off the lab. */
  labModes: string[];
  operators: string[];
  dryRun: boolean;
  startedAt: string;
  finishedAt?: string;
  /** Absent when the journal ends without run.finished (the process was killed). */
  status?: RunStatus;
  /** How many times the run was resumed. */
  resumes: number;
  steps: StepSummaryReport[];
  findings: Finding[];
  interactions: Array<{ at: string; step: string; kind: string; question: string; answer: string }>;
  warnings: Array<{ at: string; level: string; message: string }>;
  timeline: Array<{ at: string; t: number; source: string; name: string; detail: string }>;
}

export function summarizeRun(events: readonly EngineEvent[]): RunSummary {
  const first = events[0];
  if (first?.type !== 'run.started') throw new Error('a journal starts with run.started');
  const summary: RunSummary = {
    runId: first.runId,
    runbook: first.runbook,
    target: first.target,
    labModes: [],
    operators: [],
    dryRun: first.dryRun,
    startedAt: first.wall,
    resumes: -1,
    steps: [],
    findings: [],
    interactions: [],
    warnings: [],
    timeline: [],
  };
  const steps = new Map<string, StepSummaryReport>();
  for (const event of events) {
    switch (event.type) {
      case 'run.started':
        summary.resumes++;
        if (!summary.operators.includes(event.operator)) summary.operators.push(event.operator);
        event.steps.forEach((step, i) => {
          if (steps.has(step.id)) return;
          const entry: StepSummaryReport = {
            number: i + 1,
            ...step,
            status: 'pending',
            actions: [],
            checks: [],
            attempts: 0,
          };
          steps.set(step.id, entry);
          summary.steps.push(entry);
        });
        summary.finishedAt = undefined;
        summary.status = undefined;
        break;
      case 'target.resolved':
        if (event.labMode && !summary.labModes.includes(event.labMode)) summary.labModes.push(event.labMode);
        break;
      case 'step.started': {
        const step = steps.get(event.step);
        if (!step) break;
        if (event.cleanup) {
          step.cleanup = { status: 'running', startedAt: event.wall };
          break;
        }
        Object.assign(step, {
          status: 'running',
          startedAt: event.wall,
          actions: [],
          checks: [],
          error: undefined,
        });
        step.attempts++;
        break;
      }
      case 'action.finished': {
        const step = steps.get(event.step);
        const { kind, id, ok, summary: text, error, durationMs } = event;
        step?.actions.push({ kind, id, ok, summary: text, error, durationMs });
        step?.checks.push(...(event.checks ?? []));
        if (event.finding) {
          const action = `${event.action + 1} (${kind}${id ? ` ${id}` : ''})`;
          summary.findings.push({ at: event.wall, step: event.step, action, message: error ?? text });
        }
        break;
      }
      case 'step.finished': {
        const step = steps.get(event.step);
        if (step?.cleanup && event.cleanup)
          Object.assign(step.cleanup, { status: event.status, error: event.error });
        else if (step) {
          Object.assign(step, { status: event.status, durationMs: event.durationMs, error: event.error });
          if (event.findings) step.findings = event.findings;
        }
        break;
      }
      case 'prompt.answered':
        summary.interactions.push({
          at: event.wall,
          step: event.step,
          kind: event.kind,
          question: event.question,
          answer: event.answer,
        });
        break;
      case 'confirm.answered':
        summary.interactions.push({
          at: event.wall,
          step: event.step,
          kind: event.how === 'flag' ? 'confirm (flag)' : 'confirm',
          question: event.message,
          answer: event.accepted ? 'yes' : 'no',
        });
        break;
      case 'log':
        if (event.level !== 'info')
          summary.warnings.push({ at: event.wall, level: event.level, message: event.message });
        break;
      case 'timeline':
        // A merged Sentinel event is reported after its merge window: place it when it happened.
        summary.timeline.push({
          at:
            event.at === undefined
              ? event.wall
              : new Date(Date.parse(event.wall) - (event.t - event.at)).toISOString(),
          t: event.at ?? event.t,
          source: event.source,
          name: event.name,
          detail: event.detail,
        });
        break;
      case 'run.finished':
        summary.status = event.status;
        summary.finishedAt = event.wall;
        break;
      default:
        break;
    }
  }
  summary.timeline.sort((a, b) => a.t - b.t);
  for (const step of summary.steps) {
    // A step still "running" at the end of the journal was cut off by a crash or kill.
    if (step.status === 'running') step.error ??= 'interrupted: the journal ends while this step was running';
  }
  return summary;
}

/** "passed, 2 findings", "not run (cleanup passed)". */
function stepStatusText(step: StepSummaryReport): string {
  const findings = step.findings ? `, ${step.findings} finding${step.findings === 1 ? '' : 's'}` : '';
  const status = step.status === 'pending' && step.cleanup ? 'not run' : step.status;
  return `${status}${findings}${step.cleanup ? ` (cleanup ${step.cleanup.status})` : ''}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '⏎');

export function renderMarkdownReport(summary: RunSummary): string {
  const out: string[] = [];
  const status = summary.status ?? 'interrupted (no run.finished in the journal)';
  out.push(`# Run report: ${summary.runbook.title}`, '');
  out.push('| | |', '| --- | --- |');
  out.push(`| Runbook | \`${cell(summary.runbook.file)}\` |`);
  out.push(`| Run | \`${summary.runId}\`${summary.resumes > 0 ? ` (resumed ${summary.resumes}×)` : ''} |`);
  const modes = summary.labModes.length > 0 ? `, ${summary.labModes.join(' then ')} mode` : '';
  out.push(`| Target | ${summary.target}${modes}${summary.dryRun ? ' (dry run)' : ''} |`);
  out.push(`| Operator | ${cell(summary.operators.join(', '))} |`);
  out.push(`| Started | ${summary.startedAt} |`);
  out.push(`| Finished | ${summary.finishedAt ?? '—'} |`);
  out.push(`| Status | **${status}** |`, '');

  out.push(
    '## Steps',
    '',
    '| # | Step | Safety | Status | Duration | Checks |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const step of summary.steps) {
    const passedChecks = step.checks.filter((c) => c.ok).length;
    const checks = step.checks.length > 0 ? `${passedChecks}/${step.checks.length} ok` : '—';
    const duration = step.durationMs === undefined ? '—' : formatDuration(step.durationMs);
    out.push(
      `| ${step.number} | ${cell(step.title)} | ${step.safety} | ${stepStatusText(step)} | ${duration} | ${checks} |`,
    );
  }
  if (summary.findings.length > 0) {
    const titles = new Map(summary.steps.map((s) => [s.id, `${s.number}. ${s.title}`]));
    out.push('', `## Findings (${summary.findings.length})`, '');
    out.push(
      'Failing checks of steps marked to keep going (finding=true): the run carried on after each.',
      '',
    );
    for (const f of summary.findings) {
      out.push(`- **${cell(titles.get(f.step) ?? f.step)}**, action ${f.action}, ${f.at}:`);
      for (const line of f.message.split('\n')) out.push(`  - ${line}`);
    }
  }
  for (const step of summary.steps.filter((s) => s.status !== 'pending' || s.cleanup)) {
    out.push('', `### ${step.number}. ${step.title}: ${stepStatusText(step)}`, '');
    if (step.cleanup) out.push(`Cleanup (its always=true blocks) started ${step.cleanup.startedAt}.`, '');
    if (step.startedAt)
      out.push(`Started ${step.startedAt}${step.attempts > 1 ? `, attempt ${step.attempts}` : ''}.`, '');
    for (const action of step.actions) {
      const name = action.id ? ` \`${action.id}\`` : '';
      const error = action.error ? `: ${action.error}` : '';
      out.push(
        `- ${action.ok ? '✓' : '✗'} ${action.kind}${name}: ${action.summary}${error} (${formatDuration(action.durationMs)})`,
      );
    }
    for (const check of step.checks) {
      const where = check.where ? ` (${check.where})` : '';
      out.push(
        `- ${check.ok ? '✓' : '✗'} check ${check.description}${where}: expected ${check.expected}, actual ${check.actual}`,
      );
    }
    if (step.error) out.push('', `> ${step.error}`);
    if (step.cleanup?.error) out.push('', `> cleanup: ${step.cleanup.error}`);
  }
  if (summary.interactions.length > 0) {
    out.push(
      '',
      '## Prompts and confirmations',
      '',
      '| Time | Step | Kind | Question | Answer |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const i of summary.interactions) {
      out.push(
        `| ${i.at} | ${cell(i.step || '(variables)')} | ${i.kind} | ${cell(i.question)} | ${cell(i.answer)} |`,
      );
    }
  }
  if (summary.timeline.length > 0) {
    out.push(
      '',
      '## Timeline',
      '',
      '| Time | t | Source | Event | Detail |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const e of summary.timeline) {
      out.push(
        `| ${e.at} | ${(e.t / 1000).toFixed(3)}s | ${cell(e.source)} | ${cell(e.name)} | ${cell(e.detail)} |`,
      );
    }
  }
  if (summary.warnings.length > 0) {
    out.push('', '## Warnings', '');
    for (const w of summary.warnings) out.push(`- ${w.at} ${w.level}: ${w.message}`);
  }
  return `${out.join('\n')}\n`;
}
