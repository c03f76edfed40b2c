// The engine's own ActionContext (createActionContext) for action unit tests, with fake dependencies around
// it: a scripted operator, a result store seeded by the test, events collected into arrays instead of a journal.
// So every kind is tested against exactly what the engine gives it (env, templating, redaction), without
// starting the engine.
//
//   const t = createTestContext({
//     results: { nodes: { droplets: [...] } },   // earlier results, addressable as nodes.…
//     vars: { port: '6379', redis_password: 's3cret' },
//     secretVars: ['redis_password'],             // redacted in output, preview, data
//     action: { kind: 'sh', attrs: { env: 'PORT=vars.port' }, body: 'echo "$PORT"' },
//     answers: ['6380', { value: 'done', at: '…' }, { reject: new Error('no TTY') }, { waitForAbort: true }],
//   });
//   const outcome = await kind.run(spec, t.ctx);
//   t.output     → [{ stream, line }] as the engine would pass them on (redacted)
//   t.progress   → [{ message, done, total }]
//   t.timeline   → [{ source, name, detail, seenBy }]
//   t.published  → [{ path, value, secret }]; published values also become addressable (t.namespace)
//   t.asked      → every PromptRequest the action made; t.confirmed → every ConfirmRequest
//   t.abort(reason?) aborts ctx.signal (the operator's Ctrl-C); action.timeoutMs makes ctx.signal abort with
//   a TimeoutError after that long, as the engine does for timeout=; t.close() closes ctx.resources.
//
// Also: parseBlock(kind, { attrs, body }) runs the attribute schema and parse() as the parser would and
// returns { spec, problems }; parsedAction(kind, …) does the same and throws when there are problems.
import { performance } from 'node:perf_hooks';
import type {
  ActionContext,
  ActionKind,
  BlockProblem,
  ConfirmRequest,
  PromptAnswer,
  PromptRequest,
  TargetInfo,
  TimelineEntry,
} from '../contract/action.js';
import type { EngineEventBody } from '../contract/events.js';
import type { ActionBlock, Runbook, Step } from '../contract/runbook.js';
import { type ContextDeps, createActionContext } from '../engine/context.js';
import { MASK, Redactor } from '../engine/redact.js';
import { createRunResources } from '../engine/resources.js';
import { ResultStore } from '../engine/results.js';

/** The mask the engine (and so a test context) puts in place of a secret. */
export const TEST_SECRET_MASK = MASK;

/** One scripted reply to interaction.ask, used in order. */
export type ScriptedAnswer =
  | string
  | PromptAnswer
  | { reject: Error }
  /** Never answers; rejects with the signal's reason once the context is aborted. */
  | { waitForAbort: true }
  | ((request: PromptRequest) => string | PromptAnswer | Promise<string | PromptAnswer>);

export interface TestContextOptions {
  /** The addressable namespace besides vars and run: { actionId: data, probe: {...}, ... }. */
  results?: Record<string, unknown>;
  vars?: Record<string, string>;
  /** Names of vars whose values are secrets. */
  secretVars?: string[];
  /** Further secret strings to redact. */
  secrets?: string[];
  action?: Partial<ActionBlock>;
  step?: { id: string; title: string };
  runbook?: Partial<Runbook>;
  dryRun?: boolean;
  answers?: ScriptedAnswer[];
  /** Replies to interaction.confirm in order; true once they run out. */
  confirms?: boolean[];
  target?: TargetInfo;
  runId?: string;
}

export interface TestContext {
  ctx: ActionContext;
  output: Array<{ stream: 'stdout' | 'stderr' | 'info'; line: string }>;
  progress: Array<{ message: string; done?: number; total?: number }>;
  timeline: Array<{ source: string; name: string; detail: string; seenBy?: string[] }>;
  published: Array<{ path: string; value: unknown; secret: boolean }>;
  asked: PromptRequest[];
  confirmed: ConfirmRequest[];
  /** The live namespace ctx.resolve reads (vars, run, results and published values). */
  namespace: Record<string, unknown>;
  abort(reason?: unknown): void;
  close(): Promise<void>;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}

function scriptedInteraction(
  answers: ScriptedAnswer[],
  confirms: boolean[],
  asked: PromptRequest[],
  confirmed: ConfirmRequest[],
) {
  const pending = [...answers];
  const pendingConfirms = [...confirms];
  return {
    async confirm(request: ConfirmRequest, signal: AbortSignal): Promise<boolean> {
      confirmed.push(request);
      if (signal.aborted) throw abortError(signal);
      return pendingConfirms.shift() ?? true;
    },
    async ask(request: PromptRequest, signal: AbortSignal): Promise<PromptAnswer> {
      asked.push(request);
      if (signal.aborted) throw abortError(signal);
      const next = pending.shift();
      if (next === undefined) {
        throw new Error(`test context: no scripted answer left for "${request.question}"`);
      }
      const at = new Date().toISOString();
      if (typeof next === 'string') return { value: next, at };
      if (typeof next === 'function') {
        const reply = await next(request);
        return typeof reply === 'string' ? { value: reply, at } : reply;
      }
      if ('reject' in next) throw next.reject;
      if ('waitForAbort' in next) {
        return new Promise<PromptAnswer>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
        });
      }
      return next;
    },
  };
}

export function createTestContext(options: TestContextOptions = {}): TestContext {
  const controller = new AbortController();
  const started = performance.now();
  const runId = options.runId ?? 'test-run';
  const target = options.target?.name ?? 'lab';
  const vars: Record<string, string> = { ...options.vars };
  const redactor = new Redactor();
  for (const secret of options.secrets ?? []) redactor.add(secret);
  for (const name of options.secretVars ?? []) redactor.add(vars[name]);
  const store = new ResultStore();
  for (const [path, value] of Object.entries(structuredClone(options.results ?? {}))) store.set(path, value);
  store.set('vars', vars);
  store.set('run', { id: runId, target, started: new Date().toISOString() });
  const runbook: Runbook = {
    file: 'test.md',
    baseDir: process.cwd(),
    title: 'Test runbook',
    vars: [],
    introduction: '',
    steps: [],
    templates: {},
    ...options.runbook,
  };
  const action: ActionBlock = {
    kind: 'test',
    attrs: {},
    body: '',
    retries: 0,
    safety: 'safe',
    spec: undefined,
    loc: { file: runbook.file, line: 1, column: 1 },
    bodyLine: 2,
    ...options.action,
  };
  const step: Pick<Step, 'id' | 'title'> = options.step ?? { id: 'test-step', title: 'Test step' };

  // The run's timeline on the monotonic axis, as the engine keeps it, so drills read their phases from it.
  const axis: TimelineEntry[] = [];
  const t: TestContext = {
    output: [],
    progress: [],
    timeline: [],
    published: [],
    asked: [],
    confirmed: [],
    get namespace() {
      return store.snapshot();
    },
    abort: (reason?: unknown) => controller.abort(reason),
    close: () => resources.closeAll(),
    ctx: undefined as unknown as ActionContext,
  };
  const resources = createRunResources((key, error) => {
    t.output.push({ stream: 'info', line: `closing ${key} failed: ${String(error)}` });
  });
  // What the engine's event stream would carry, redacted as the engine redacts every event.
  const record = (body: EngineEventBody): void => {
    const event = redactor.deep(body);
    if (event.type === 'action.output') t.output.push({ stream: event.stream, line: event.line });
    else if (event.type === 'action.progress') {
      t.progress.push({ message: event.message, done: event.done, total: event.total });
    } else if (event.type === 'timeline') {
      const { source, name, detail, seenBy } = event;
      t.timeline.push({ source, name, detail, ...(seenBy ? { seenBy } : {}) });
    }
  };
  const deps: ContextDeps = {
    runId,
    runbook,
    target,
    vars,
    given: {},
    store,
    redactor,
    interaction: scriptedInteraction(options.answers ?? [], options.confirms ?? [], t.asked, t.confirmed),
    resources,
    now: () => performance.now() - started,
    emit: record,
    publish(path, value, secret = false) {
      if (secret) for (const text of typeof value === 'string' ? [value] : []) redactor.add(text);
      t.published.push({ path, value, secret });
      store.set(path, value);
    },
    timeline: (entry, at) => {
      axis.push({ ...entry, t: at ?? deps.now() });
      record({ type: 'timeline', ...entry });
    },
    timelineSince: (since) => axis.filter((entry) => entry.t >= since),
    resolveTarget: async () => {
      if (!options.target) throw new Error('test context: no target given (pass options.target)');
      return options.target;
    },
  };
  t.ctx = createActionContext(deps, {
    mode: options.dryRun ? 'dry' : 'run',
    step,
    action,
    actionIndex: 0,
    // As the engine does: timeout= aborts the signal with a TimeoutError.
    signal: action.timeoutMs
      ? AbortSignal.any([controller.signal, AbortSignal.timeout(action.timeoutMs)])
      : controller.signal,
    published: {},
  });
  return t;
}

/** Runs the attribute schema and parse() as the runbook parser does; problems are collected, not thrown. */
export function parseBlock<Spec>(
  kind: ActionKind<Spec>,
  input: { attrs?: Record<string, string>; body?: string },
): { spec: Spec | undefined; problems: BlockProblem[] } {
  const attrs = input.attrs ?? {};
  const body = input.body ?? '';
  const problems: BlockProblem[] = [];
  const checked = kind.attributes.safeParse(attrs);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      problems.push({
        message: `attribute ${issue.path.join('.') || '(info string)'}: ${issue.message}`,
        line: 0,
      });
    }
    return { spec: undefined, problems };
  }
  const spec = kind.parse({ attrs, body }, (problem) => problems.push(problem));
  return { spec, problems };
}

/** parseBlock that throws on any problem, plus the ActionBlock fields a test context needs. */
export function parsedAction<Spec>(
  kind: ActionKind<Spec>,
  input: { attrs?: Record<string, string>; body?: string },
): { spec: Spec; action: Partial<ActionBlock> } {
  const { spec, problems } = parseBlock(kind, input);
  if (spec === undefined || problems.length > 0) {
    const lines = problems.map((p) => `  ${p.line ?? '?'}:${p.column ?? '?'} ${p.message}`);
    throw new Error(`${kind.kind} block did not parse:\n${lines.join('\n')}`);
  }
  return {
    spec,
    action: {
      kind: kind.kind,
      attrs: input.attrs ?? {},
      body: input.body ?? '',
      spec,
      safety: kind.defaultSafety(spec),
    },
  };
}
