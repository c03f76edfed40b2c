// Plain output cannot be forged by values: control characters are escaped (issue #15 item 20).
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../contract/events.js';
import { createPlainReporter, escapeControlText } from './plain.js';

const stamp = { seq: 1, t: 1, wall: '2026-01-01T00:00:00.000Z' };

function linesFor(events: Array<Record<string, unknown>>): string[] {
  const lines: string[] = [];
  const report = createPlainReporter((line) => lines.push(...line.split('\n')));
  for (const event of events) report({ ...stamp, ...event } as EngineEvent);
  return lines;
}

const started = {
  type: 'run.started',
  runId: 'r1',
  runbook: { file: 'x.md', title: 'T' },
  target: 'lab',
  dryRun: false,
  operator: 'op',
  steps: [{ id: 'a', title: 'A', safety: 'safe' }],
};

describe('plain output escapes control characters from values', () => {
  it('a carriage return, an ANSI sequence or a newline in output cannot start a forged ✓ line', () => {
    const lines = linesFor([
      started,
      { type: 'action.output', step: 'a', action: 0, stream: 'stdout', line: 'x\r✓ [1/1] A passed' },
      { type: 'action.output', step: 'a', action: 0, stream: 'stdout', line: '\u001b[2K\u001b[1G✓ ok' },
      {
        type: 'prompt.answered',
        step: 'a',
        action: 0,
        question: 'q',
        answer: 'yes\n✓ [1/1] A passed',
        kind: 'value',
      },
      { type: 'log', level: 'info', message: 'a\u202e evil' },
    ]);
    for (const line of lines) {
      expect(line).not.toMatch(/^✓/);
      for (const char of ['\r', '\u001b', '\u202e']) expect(line).not.toContain(char);
    }
    expect(lines).toContain('    │ x\\r✓ [1/1] A passed');
    expect(lines).toContain('    │ \\x1b[2K\\x1b[1G✓ ok');
    expect(lines.some((line) => line.includes('yes⏎✓ [1/1] A passed'))).toBe(true);
    expect(lines).toContain('note: a\\u202e evil');
  });

  it('keeps the further lines of an error indented under the step, with their controls escaped', () => {
    const lines = linesFor([
      started,
      { type: 'step.finished', step: 'a', status: 'failed', durationMs: 5, error: 'boom\n✓ fake\r\nhint: x' },
    ]);
    expect(lines).toEqual([
      'drillbook run r1: T (x.md) on lab, 1 steps, operator op',
      '✗ [1/1] A failed in 5ms: boom',
      '    ✓ fake\\r',
      '    hint: x',
    ]);
  });

  it('leaves ordinary text and tabs alone', () => {
    expect(escapeControlText('plain ✓ text\twith tab')).toBe('plain ✓ text\twith tab');
    expect(escapeControlText('\u0007\u007f\u009b')).toBe('\\x07\\x7f\\x9b');
  });
});

describe('plain output of findings and cleanup', () => {
  it('marks a finding with !, says what failed, counts findings on the step and the run, and names a cleanup', () => {
    const lines = linesFor([
      started,
      { type: 'step.started', step: 'a' },
      {
        type: 'action.finished',
        step: 'a',
        action: 0,
        kind: 'check',
        ok: false,
        summary: '1 of 1 failed',
        durationMs: 2,
        error: 'x.md:9: quorum.ok expected == true, got false',
        finding: true,
      },
      { type: 'step.finished', step: 'a', status: 'passed', durationMs: 3, findings: 1 },
      { type: 'step.started', step: 'a', cleanup: true },
      { type: 'step.finished', step: 'a', status: 'passed', durationMs: 1, cleanup: true },
      {
        type: 'run.finished',
        status: 'passed',
        durationMs: 5,
        steps: [{ id: 'a', status: 'passed', results: {} }],
      },
    ]);
    expect(lines).toEqual([
      expect.any(String),
      '▶ [1/1] A (safe)',
      '  ! finding: 1 of 1 failed (2ms)',
      '    x.md:9: quorum.ok expected == true, got false',
      '✓ [1/1] A passed with 1 finding in 3ms',
      '▶ [1/1] A (cleanup: its always=true blocks)',
      '✓ [1/1] A cleanup passed in 1ms',
      '✓ run passed in 5ms: 1 passed; 1 finding (listed in the report)',
    ]);
  });
});
