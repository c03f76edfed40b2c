// --plain: one readable line per event, for logs and pipes (the default when stdout is not a terminal).
import type { CheckResult } from '../contract/action.js';
import type { EngineEvent } from '../contract/events.js';
import { formatDuration } from '../contract/format.js';

const STEP_MARK = { passed: '✓', failed: '✗', skipped: '↷', pending: '·', running: '▶' } as const;
const RUN_MARK = { passed: '✓', failed: '✗', aborted: '■' } as const;
const STREAM_MARK = { stdout: '│', stderr: '!', info: '·' } as const;

/** Multi-line values (command output) on one line, shortened: the full value stays in the journal. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\r?\n/g, '⏎');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatCheck(check: CheckResult): string {
  const where = check.where ? ` (${check.where})` : '';
  const actual = oneLine(check.actual);
  const verdict = check.ok ? actual : `expected ${oneLine(check.expected)}, actual ${actual}`;
  return `${check.ok ? '✓' : '✗'} ${check.description}${where}: ${verdict}`;
}

/**
 * Control characters in values (a carriage return, an ANSI escape, a newline in an answer, a bidi override)
 * could rewrite or forge lines on the operator's terminal — a fake "✓ … passed". Every string of the event
 * is shown with them escaped (\x1b, \r, \u202e); newlines become ⏎, except in an error, whose further lines
 * the reporter indents under it.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControlText(text: string, keepNewlines = false): string {
  const flat = keepNewlines ? text : text.replace(/\r?\n/g, '⏎');
  return flat.replace(CONTROL, (char) => {
    if (char === '\t') return char;
    if (char === '\n') return keepNewlines ? char : '⏎';
    const code = char.charCodeAt(0);
    if (char === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

function escapeControls<T>(value: T, key = ''): T {
  if (typeof value === 'string') return escapeControlText(value, key === 'error') as T;
  if (Array.isArray(value)) return value.map((item) => escapeControls(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = escapeControls(item, name);
    return out as T;
  }
  return value;
}

/** Returns a subscriber that turns each event into zero or more lines for write(). */
export function createPlainReporter(write: (line: string) => void): (event: EngineEvent) => void {
  const steps = new Map<string, { number: number; title: string; safety: string }>();
  let total = 0;
  let dryRun = false;
  let findings = 0;
  const label = (id: string) => {
    const step = steps.get(id);
    return step ? `[${step.number}/${total}] ${step.title}` : id;
  };

  return (raw) => {
    const event = escapeControls(raw);
    switch (event.type) {
      case 'run.started': {
        total = event.steps.length;
        dryRun = event.dryRun;
        event.steps.forEach((step, i) => {
          steps.set(step.id, { number: i + 1, title: step.title, safety: step.safety });
        });
        const mode = event.dryRun ? ', dry run: nothing is executed' : '';
        const resumed = event.resumedFrom ? ' (resumed)' : '';
        write(
          `drillbook run ${event.runId}${resumed}: ${event.runbook.title} (${event.runbook.file}) on ${event.target}, ` +
            `${total} steps, operator ${event.operator}${mode}`,
        );
        break;
      }
      case 'step.started':
        write(
          `▶ ${label(event.step)} ${event.cleanup ? '(cleanup: its always=true blocks)' : `(${steps.get(event.step)?.safety ?? 'safe'})`}`,
        );
        break;
      case 'action.started':
        write(`  ${event.kind}${event.id ? ` ${event.id}` : ''}:`);
        for (const line of event.preview) write(`    $ ${line}`);
        break;
      case 'action.output':
        write(`    ${STREAM_MARK[event.stream]} ${event.line}`);
        break;
      case 'action.progress': {
        const count = event.total !== undefined ? ` (${event.done ?? 0}/${event.total})` : '';
        write(`    … ${event.message}${count}`);
        break;
      }
      case 'action.finished': {
        // The error itself is on the step.finished line that follows.
        if (event.finding) findings++;
        const mark = dryRun ? '·' : event.ok ? '✓' : event.finding ? '!' : '✗';
        const finding = event.finding ? 'finding: ' : '';
        write(`  ${mark} ${finding}${event.summary} (${formatDuration(event.durationMs)})`);
        for (const check of event.checks ?? []) write(`    ${formatCheck(check)}`);
        // A finding's step goes on and ends passed: its error is said here, not on the step's line.
        if (event.finding && event.error) write(`    ${event.error.replace(/\n/g, '\n    ')}`);
        break;
      }
      case 'step.finished': {
        const error = event.error ? `: ${event.error.replace(/\n/g, '\n    ')}` : '';
        const took = event.status === 'skipped' ? '' : ` in ${formatDuration(event.durationMs)}`;
        const what = event.cleanup ? 'cleanup ' : '';
        const findings = event.findings
          ? ` with ${event.findings} finding${event.findings === 1 ? '' : 's'}`
          : '';
        write(
          `${STEP_MARK[event.status]} ${label(event.step)} ${what}${event.status}${findings}${took}${error}`,
        );
        break;
      }
      case 'confirm.answered': {
        const how = event.how === 'flag' ? ' (by flag)' : '';
        write(`  ? ${event.message} → ${event.accepted ? 'yes' : 'no'}${how}`);
        break;
      }
      case 'step.declined':
        write(`· ${label(event.step)} not run: ${event.reason}`);
        break;
      case 'steps.stopped':
        if (event.reason === 'needs-operator' && event.step) {
          write(`■ stopped before ${label(event.step)}: it needs the operator`);
        }
        break;
      case 'question.asked':
      case 'question.closed':
        // Headless, the flags answer at once; the answer (or the step's error) is the line that says so.
        break;
      case 'prompt.answered':
        write(`  ? ${event.question} → ${event.answer} (at ${event.wall})`);
        break;
      case 'timeline': {
        const seen = event.seenBy && event.seenBy.length > 0 ? ` [${event.seenBy.join(', ')}]` : '';
        // When it happened (a merged Sentinel event's first report), not when it was put on the timeline.
        write(
          `  ⏱ ${((event.at ?? event.t) / 1000).toFixed(3)}s ${event.source} ${event.name} ${event.detail}${seen}`,
        );
        break;
      }
      case 'target.resolved':
        if (event.labMode) write(`note: target ${event.target} in ${event.labMode} mode`);
        break;
      case 'log':
        write(
          `${event.level === 'info' ? 'note' : event.level === 'warn' ? 'warning' : 'error'}: ${event.message}`,
        );
        break;
      case 'run.finished': {
        const counts = new Map<string, number>();
        for (const step of event.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
        const found =
          findings > 0 ? `; ${findings} finding${findings === 1 ? '' : 's'} (listed in the report)` : '';
        const tally = `${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}${found}`;
        write(
          `${RUN_MARK[event.status]} run ${event.status} in ${formatDuration(event.durationMs)}: ${tally}`,
        );
        break;
      }
    }
  };
}
