// Runs a block's command lines against one node: fill {{ }} per argument, record faults on the timeline,
// send, parse, mask secrets, show redis-cli-like output. Shared by the redis and sentinel actions.
import type { ActionContext, BlockProblem, RunResources } from '../../contract/action.js';
import type { Safety } from '../../contract/runbook.js';
import { SAFETY_LEVELS } from '../../contract/runbook.js';
import { type ConnectionSettings, runPool } from '../../targets/redis/connection.js';
import { RedisTargetError, translateRedisError } from '../../targets/redis/errors.js';
import type { NodeAddress } from '../../targets/redis/inventory.js';
import { parseReply } from '../../targets/redis/replies.js';
import {
  commandNameArguments,
  commandSafety,
  displayCommand,
  faultName,
  isFault,
  maskSecretConfig,
} from './commands.js';
import { formatReply } from './format.js';
import { commandLines, fillArguments, TokenizeError, tokenize } from './tokenize.js';

export interface CommandLine {
  /** Arguments as written, {{ }} not yet filled. */
  args: string[];
  /** 1-based line within the block body. */
  line: number;
  safety: Safety;
  fault: boolean;
}

export interface CommandRecord {
  /** As shown: quoted, secrets masked. */
  command: string;
  reply: unknown;
  parsed?: unknown;
  /** Set when the command failed (then reply is undefined). */
  error?: string;
  /** The reply error's code (its first word: NOQUORUM, READONLY, ERR …), or how the connection failed (REFUSED …). */
  code?: string;
  /** Set when --dry-run kept a mutating command from being sent. */
  skipped?: boolean;
}

export interface NodeResult {
  node: string;
  address: string;
  commands: CommandRecord[];
  /** parsed (or raw reply when nothing to parse) of the last command that ran. */
  last: unknown;
  error?: string;
}

/** Splits and checks a body; problems are reported with their line and column. */
export function parseCommandBody(
  body: string,
  report: (problem: BlockProblem) => void,
  allowed?: { commands: ReadonlySet<string>; hint: string },
): CommandLine[] | undefined {
  const lines: CommandLine[] = [];
  let ok = true;
  for (const { text, line } of commandLines(body)) {
    let args: string[];
    try {
      args = tokenize(text);
    } catch (error) {
      if (!(error instanceof TokenizeError)) throw error;
      report({
        line,
        column: error.column,
        message: error.message,
        hint: 'quote like redis-cli: "a b" or \'a b\'',
      });
      ok = false;
      continue;
    }
    const named = args.slice(0, commandNameArguments(args)).findIndex((arg) => arg.includes('{{'));
    if (named >= 0) {
      // Safety is decided from the command before any step runs: a name filled in later (FLUSHALL from
      // --var) would run as whatever the placeholder looked like, without the confirmation it needs.
      report({
        line,
        column: text.indexOf('{{') + 1,
        message: `the command name comes from a template (${args[named]}): drillbook decides a command's safety from its name before values are known`,
        hint: 'write the command and subcommand literally; to choose between commands, put each in its own block',
      });
      ok = false;
      continue;
    }
    const command = (args[0] ?? '').toUpperCase();
    if (allowed && !allowed.commands.has(command)) {
      report({
        line,
        column: 1,
        message: `${args[0]} is not a command Sentinels accept`,
        hint: allowed.hint,
      });
      ok = false;
      continue;
    }
    lines.push({ args, line, safety: commandSafety(args), fault: isFault(args) });
  }
  return ok ? lines : undefined;
}

export function mostDangerous(lines: readonly CommandLine[]): Safety {
  let worst = 0;
  for (const line of lines) worst = Math.max(worst, SAFETY_LEVELS.indexOf(line.safety));
  return SAFETY_LEVELS[worst] ?? 'mutating';
}

/** The command lines with their {{ }} filled, as displayed (secrets masked). */
export function previewLines(
  lines: readonly CommandLine[],
  ctx: Pick<ActionContext, 'render' | 'redact'>,
): string[] {
  return lines.map((line) => {
    try {
      return ctx.redact(displayCommand(fillArguments(line.args, ctx.render)));
    } catch (error) {
      return `${displayCommand(line.args)}   (${error instanceof Error ? error.message : String(error)})`;
    }
  });
}

/** "sends SET k v; CONFIG SET … to redis-1": the commands as a confirmation names them (three at most). */
export function commandsSentence(
  lines: readonly CommandLine[],
  where: string,
  ctx: Pick<ActionContext, 'render' | 'redact'>,
): string {
  const shown = lines.slice(0, 3).map((line) => {
    try {
      return ctx.redact(displayCommand(fillArguments(line.args, ctx.render)));
    } catch {
      // A value a step has not produced yet: the command as written.
      return displayCommand(line.args);
    }
  });
  const more = lines.length > 3 ? ` and ${lines.length - 3} more` : '';
  return `sends ${shown.join('; ')}${more} to ${where}`;
}

/** Monotonic times of the faults redis/sentinel blocks caused in this run (for `wait`'s default "since"). */
export function runFaults(resources: RunResources): number[] {
  return resources.get(
    'redis.faults',
    (): number[] => [],
    () => undefined,
  );
}

/** Runs every line in order on one node; stops at the first failure. */
export async function runCommandLines(
  node: NodeAddress,
  settings: ConnectionSettings,
  lines: readonly CommandLine[],
  ctx: ActionContext,
  source: 'redis' | 'sentinel',
  prefixOutput = false,
): Promise<NodeResult> {
  const pool = runPool(ctx.resources);
  const result: NodeResult = { node: node.name, address: node.address, commands: [], last: undefined };
  const say = (text: string) => ctx.output(prefixOutput ? `[${node.name}] ${text}` : text);
  for (const line of lines) {
    const args = fillArguments(line.args, ctx.render);
    const command = ctx.redact(displayCommand(args));
    say(`${node.address}> ${command}`);
    const rendered = commandSafety(args);
    if (SAFETY_LEVELS.indexOf(rendered) > SAFETY_LEVELS.indexOf(line.safety)) {
      // The confirmation was given for line.safety; what would be sent is more dangerous. Never send it.
      const message = `${command} is ${rendered} once its values are filled in, but the block was confirmed as ${line.safety}: not sent; write the command literally`;
      result.commands.push({ command, reply: undefined, error: message });
      result.error = `${ctx.runbook.file}:${ctx.action.bodyLine + line.line - 1}: ${message}`;
      say(`(error) ${message}`);
      break;
    }
    if (ctx.dryRun && line.safety !== 'safe') {
      result.commands.push({ command, reply: undefined, skipped: true });
      say('(dry run: not sent)');
      continue;
    }
    if (line.fault) {
      ctx.timeline('fault', faultName(args), `${source} ${node.name} (${node.address}): ${command}`);
      runFaults(ctx.resources).push(ctx.now());
    }
    try {
      const reply = maskSecretConfig(args, await pool.call(node, settings, args, ctx.signal));
      const parsed = parseReply(args, reply);
      result.commands.push({ command, reply, ...(parsed !== undefined ? { parsed } : {}) });
      result.last = parsed ?? reply;
      for (const text of formatReply(reply)) say(ctx.redact(text));
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const explained = error instanceof RedisTargetError ? error : translateRedisError(error, node, args[0]);
      const code = /^[A-Z][A-Z_-]+(?=\s|$)/.exec(explained.original)?.[0] ?? explained.code;
      result.commands.push({ command, reply: undefined, error: ctx.redact(explained.message), code });
      result.error = `${ctx.runbook.file}:${ctx.action.bodyLine + line.line - 1}: ${ctx.redact(explained.message)}`;
      say(`(error) ${ctx.redact(explained.message)}`);
      break;
    }
  }
  return result;
}
