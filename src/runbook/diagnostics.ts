// Collects every problem of a runbook so `drillbook check` can show them all at once.
import type { Diagnostic } from '../contract/runbook.js';

export interface Position {
  line: number;
  column: number;
  /** Defaults to the runbook file; set for problems inside a template file beside it. */
  file?: string;
}

export class DiagnosticList {
  readonly items: Diagnostic[] = [];
  /** A template used by several actions would otherwise report the same problem once per use. */
  private readonly seen = new Set<string>();

  constructor(readonly file: string) {}

  error(at: Position, message: string, hint?: string): void {
    this.add('error', at, message, hint);
  }

  warning(at: Position, message: string, hint?: string): void {
    this.add('warning', at, message, hint);
  }

  /** Errors so far; readers compare it before and after a step to see whether that step found any. */
  errorCount = 0;

  /** In file order, so the first problem on screen is the first one in the file. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(
      (a, b) =>
        (a.file === b.file ? 0 : a.file === this.file ? -1 : 1) || a.line - b.line || a.column - b.column,
    );
  }

  private add(severity: Diagnostic['severity'], at: Position, message: string, hint?: string): void {
    const diagnostic: Diagnostic = {
      severity,
      file: at.file ?? this.file,
      line: Math.max(1, at.line),
      column: Math.max(1, at.column),
      message,
    };
    if (hint) diagnostic.hint = hint;
    const key = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(diagnostic);
    if (severity === 'error') this.errorCount++;
  }
}
