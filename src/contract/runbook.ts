// The runbook model: what the parser produces and the engine consumes. Pure data, no behaviour.

export interface SourceLocation {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

/** safe = read-only; mutating = asks before running unless --yes; destructive = operator types the resource name. */
export type Safety = 'safe' | 'mutating' | 'destructive';
export const SAFETY_LEVELS: readonly Safety[] = ['safe', 'mutating', 'destructive'];

export type TargetName = 'lab' | 'digitalocean';

export type VarSource =
  | { kind: 'default' }
  | { kind: 'env'; name: string }
  | { kind: 'prompt' }
  | { kind: 'generate'; length: number };

export interface VarSpec {
  name: string;
  description?: string;
  default?: string;
  secret: boolean;
  source: VarSource;
  loc: SourceLocation;
}

export interface ActionBlock {
  /** The action kind from the info string: sh, prompt, check, redis, sentinel, do, probe, wait, http, lab ... */
  kind: string;
  /** Results of this action are addressable by later steps as {{ id.path }}. */
  id?: string;
  /** Kind-specific attributes from the info string (the common ones below are taken out). */
  attrs: Record<string, string>;
  body: string;
  /** Text shown when asking the operator to confirm (e.g. "creates 5 droplets"). */
  confirm?: string;
  timeoutMs?: number;
  retries: number;
  /** Re-evaluate until it holds, for at most this long. */
  withinMs?: number;
  safety: Safety;
  /**
   * always=true: a cleanup. It runs even after an earlier block of its step failed or was aborted, and when a
   * run stops before its step (a failure, Ctrl-C, SIGTERM) the step's always-blocks still run at the end.
   */
  always?: true;
  /** finding=true: a failure is recorded as a finding and the step (and the run) goes on. */
  finding?: true;
  /** each=PATH: the block runs once per element of the list at PATH, the element being {{ item }}. */
  each?: EachSpec;
  /** What the kind's parse() made of attrs + body. */
  spec: unknown;
  /** Where the opening fence is. */
  loc: SourceLocation;
  /** 1-based line of the first body line, so kinds can report body errors precisely. */
  bodyLine: number;
}

export interface EachSpec {
  /** The list's path (an earlier result), e.g. replicas.last. */
  path: string;
  /** where="LINE": a check line over item; elements for which it does not hold are passed over, by name. */
  where?: { text: string; spec: unknown };
}

/** The name a block with each= binds to the current element. */
export const EACH_ITEM = 'item';

export interface Step {
  /** Slug of the heading, unique within the runbook; accepted by --from / --only along with the 1-based number. */
  id: string;
  /** 0-based position */
  index: number;
  title: string;
  /** The step's prose as Markdown source (action blocks excluded). */
  explanation: string;
  actions: ActionBlock[];
  /** The most dangerous safety among its actions. */
  safety: Safety;
  loc: SourceLocation;
}

/** A named template: a code block with file=NAME, or a file beside the runbook. */
export interface Template {
  name: string;
  content: string;
  loc: SourceLocation;
}

export interface Runbook {
  /** Path as given by the user (used in diagnostics). */
  file: string;
  /** Directory holding the runbook; templates and relative paths resolve against it. */
  baseDir: string;
  title: string;
  description?: string;
  target?: TargetName;
  /** Front matter `spoilers: hide`: the TUI keeps the prose of steps not reached yet out of sight. */
  hideAhead?: boolean;
  /**
   * Front matter `details: fold` (training): the TUI folds API request listings, prices and long replies
   * away, and a key shows them.
   */
  foldDetails?: boolean;
  vars: VarSpec[];
  /** Prose before the first step. */
  introduction: string;
  steps: Step[];
  templates: Record<string, Template>;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  message: string;
  /** What to do about it. */
  hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.column}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}
