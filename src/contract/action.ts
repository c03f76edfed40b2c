// The contract every action kind implements. Adding a kind = one folder under src/actions/ + one registry line.
import type { z } from 'zod';
import type { ClusterSnapshot } from './cluster.js';
import type { ActionBlock, Runbook, Safety, TargetName } from './runbook.js';
import type { ActionView } from './views.js';

export interface TimelineEntry {
  /** Monotonic ms on the run's axis. */
  t: number;
  source: string;
  name: string;
  detail: string;
  seenBy?: string[];
}

export interface CheckResult {
  ok: boolean;
  /** What was checked, e.g. "redis-1 master_link_status". */
  description: string;
  expected: string;
  actual: string;
  /** Node, Sentinel or resource the result is about. */
  where?: string;
  /**
   * Why nothing could be decided (a value it reads is missing, the two sides cannot be compared): ok is then
   * false, yet the opposite was not shown either — a where= line says so instead of passing the element over.
   */
  undecided?: string;
}

export interface ActionOutcome {
  ok: boolean;
  /** One short line for the screen. */
  summary: string;
  /** Structured result, stored under the action's id (and any names the action publishes). */
  data?: unknown;
  checks?: CheckResult[];
  /** What went wrong, where, and what to do next — when ok is false. */
  error?: string;
  /** How to show the result, with the payload that view renders (src/contract/views.ts). */
  view?: ActionView;
}

/** Problems found while parsing a block; line is 1-based within the body (0 = the info string). */
export interface BlockProblem {
  message: string;
  hint?: string;
  line?: number;
  column?: number;
}

export interface ConfirmRequest {
  step: string;
  safety: Safety;
  /** What will happen, e.g. "creates 5 droplets (s-1vcpu-1gb), $0.045/hour". */
  message: string;
  /** The message without what the kinds looked up (prices, defaults), when they added anything: a folded view. */
  brief?: string;
  /** For destructive actions: the operator must type this (the resource name) to proceed. */
  typeToConfirm?: string;
}

export interface PromptRequest {
  step: string;
  kind: 'value' | 'checklist' | 'choice';
  question: string;
  /** Variable the answer fills, when it fills one. */
  variable?: string;
  secret?: boolean;
  choices?: string[];
  default?: string;
}

export interface PromptAnswer {
  /** For checklists: 'done' or 'skipped'. */
  value: string;
  /** Wall clock, ISO 8601. */
  at: string;
}

/** How the engine talks to the operator; the TUI and the headless runner each implement it. */
export interface Interaction {
  confirm(request: ConfirmRequest, signal: AbortSignal): Promise<boolean>;
  ask(request: PromptRequest, signal: AbortSignal): Promise<PromptAnswer>;
}

/** Run-scoped shared things (connection pools, API clients, background probes), all closed at run end. */
export interface RunResources {
  get<T>(key: string, create: () => T, dispose: (value: T) => Promise<void> | void): T;
  closeAll(): Promise<void>;
}

export interface TargetInfo {
  name: TargetName;
  /** DigitalOcean API base URL, including /v2. */
  apiUrl: string;
  /** API token (a secret: never print it). */
  token: string;
  /** Set for the lab target. */
  /** started: this process started the lab's emulator (it keeps running after the run ends). */
  lab?: {
    stateDir: string;
    mode?: 'loopback' | 'container';
    started?: boolean;
    /** Where the operator's connections come from as the droplets see them (for "this machine" in firewalls). */
    operatorCidr?: string;
  };
  /** Where the token came from (e.g. "DIGITALOCEAN_ACCESS_TOKEN"), for error messages; never the token itself. */
  tokenSource?: string;
  /** API-layer tuning; the lab sets short intervals because its droplets boot in about a second. */
  api?: ApiTuning;
}

export interface ApiTuning {
  /** Per-request timeout (default 30 s). */
  requestTimeoutMs?: number;
  /** First retry wait for 5xx/network errors, doubled per attempt (default 1 s, as doctl). */
  retryWaitMinMs?: number;
  /** First interval of the shared poll loop, grown by backoff (default 2 s; 250 ms for the lab). */
  pollIntervalMs?: number;
}

export interface ActionContext {
  runId: string;
  runbook: Runbook;
  step: { id: string; title: string };
  action: ActionBlock;
  /** Index of the action within its step. */
  actionIndex: number;
  dryRun: boolean;
  signal: AbortSignal;
  /** Monotonic ms since the run started; the same axis as event timestamps. */
  now(): number;
  /** Resolved variables (secrets included; never print them). */
  vars: Readonly<Record<string, string>>;
  /** Renders {{ path }} references; throws TemplateError naming the missing path. */
  render(text: string): string;
  /** Looks up a path over vars, run info and earlier results; throws TemplateError when missing. */
  resolve(path: string): unknown;
  /** Replaces every secret value in text with a mask. */
  redact(text: string): string;
  /** Variables as environment variables for shell blocks (names documented in docs/runbook-format.md). */
  env(): Record<string, string>;
  output(line: string, stream?: 'stdout' | 'stderr' | 'info'): void;
  progress(message: string, done?: number, total?: number): void;
  /**
   * Puts a result on the drill's time axis (faults, Sentinel events, probe milestones). at: monotonic ms (the
   * now() axis) when it happened, for entries reported after the fact (a Sentinel event merged across
   * Sentinels is emitted when its merge window closes); defaults to now.
   */
  timeline(source: string, name: string, detail: string, seenBy?: string[], at?: number): void;
  /** Reports the cluster's current shape to the live cluster view (the drill's cluster watch calls it). */
  cluster?(snapshot: ClusterSnapshot): void;
  /** The run's timeline entries at or after monotonic time t (drills compute failover phases from it). */
  timelineSince?(t: number): ReadonlyArray<TimelineEntry>;
  /**
   * Makes a value addressable by later steps under a path (e.g. "probe.app").
   * options.secret: the value is a secret (e.g. a `prompt secret=true` answer published as vars.NAME);
   * the engine adds it to the values it redacts, even when the runbook never declared it secret.
   */
  publish(path: string, value: unknown, options?: { secret?: boolean }): void;
  interaction: Interaction;
  resources: RunResources;
  /** Resolved on first use, so runbooks without cloud steps never start the lab emulator. */
  target(): Promise<TargetInfo>;
}

/** A kind's part of a step's confirmation. */
export interface Confirmation {
  /**
   * What the block will do, as a plain sentence naming its resources or nodes ("powers off the droplet
   * redis-1"); shown when the runbook's confirm= does not say it in its own words.
   */
  does: string;
  /** What the kind looked up to add (e.g. the count and price of droplets); appended after a dash. */
  message?: string;
  /** For destructive blocks: what the operator types to proceed (the resource the block acts on). */
  typeToConfirm?: string;
}

export interface ActionKind<Spec = unknown> {
  kind: string;
  /** One line for help and docs. */
  description: string;
  /** Kind-specific info-string attributes (values are strings as written). */
  attributes: z.ZodType<Record<string, string | undefined>>;
  /** Safety when the block does not say; may depend on the spec (e.g. sentinel FAILOVER is destructive). */
  defaultSafety(spec: Spec): Safety;
  /**
   * True when the kind cannot see what a block does (a shell script), so defaultSafety is a cautious guess:
   * a block may then declare itself safer (safety=safe on a read-only check) without a warning at check.
   */
  safetyIsAGuess?: boolean;
  /** Validates body + attributes; returns undefined after reporting problems. */
  parse(
    input: { attrs: Record<string, string>; body: string },
    report: (problem: BlockProblem) => void,
  ): Spec | undefined;
  /**
   * Result paths the spec reads (e.g. "nodes.droplets.redis-1.private_ip"), for check-time validation.
   * When absent, the parser collects the {{ path }} references in the body and attributes.
   */
  references?(spec: Spec): string[];
  /** Paths this action makes addressable besides its id (e.g. "probe.app" for `probe start name=app`). */
  publishes?(spec: Spec): string[];
  /**
   * Names of the templates the spec uses (a code block with file=NAME, or a file beside the runbook).
   * The parser loads each into runbook.templates, reports a missing one, and checks its {{ path }} references.
   */
  templates?(spec: Spec): string[];
  /**
   * Names the block itself supplies to its templates as {{ params.NAME }} (e.g. a do block's
   * `user_data: { template, params: { replicaof: ... } }`). The parser accepts those references inside
   * this block's templates instead of reporting "no action has id params".
   */
  templateParams?(spec: Spec): string[];
  /** The lines shown before it runs and in --dry-run: what it will do, with variables resolved. */
  preview(spec: Spec, ctx: ActionContext): string[];
  /**
   * What the step's confirmation says about this block, worked out before it runs with read-only look-ups
   * only. Every kind answers, so no confirmation falls back to "runs the block at file:line".
   * options.lookUp false (a flag such as --yes answers): the sentence only, no API calls for prices.
   */
  confirmation(spec: Spec, ctx: ActionContext, options?: { lookUp: boolean }): Promise<Confirmation>;
  run(spec: Spec, ctx: ActionContext): Promise<ActionOutcome>;
}
