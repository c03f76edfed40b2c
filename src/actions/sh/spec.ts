// What an ```sh block says: the script, which shell, where, and which results it gets as environment variables.
import * as z from 'zod';
import type { BlockProblem } from '../../contract/action.js';
import { findReferences, PATH_PATTERN } from '../../runbook/template.js';
import { envNameProblem, varEnvName } from '../../runbook/vars.js';
import { expectationReferences, parseExpectation } from '../check/expect.js';
import type { CheckLine } from '../check/parse.js';
import { REQUIREMENT_NAME } from './requirements.js';

export interface EnvBinding {
  /** Environment variable name, e.g. MASTER_IP. */
  name: string;
  /** Result path whose whole value it gets, e.g. nodes.droplets.redis-1.private_ip. */
  path: string;
}

export interface ShSpec {
  script: string;
  shell: 'bash' | 'sh';
  /** As written; relative to the runbook's folder; may hold {{ path }} references (a path is a whole value). */
  cwd?: string;
  env: EnvBinding[];
  /** What must be installed (commands, or known names such as php-predis); missing ones skip the block. */
  requires: string[];
  /** A check line over the result ({ exitCode, stdout, stderr, json }); the block fails until it holds. */
  expect?: CheckLine;
  /**
   * Where it runs: 'here' (this machine), or 'jump-host' — on the run's jump host over the run's SSH
   * connection when the run has one (the runbook provisioned it, or --via), else here.
   */
  on: 'here' | 'jump-host';
  /** Files of the runbook's folder the script uses (relative paths); copied beside it on the jump host. */
  files: string[];
}

export const shAttributes = z.strictObject({
  shell: z.enum(['bash', 'sh']).optional(),
  cwd: z.string().min(1, 'cwd= needs a directory').optional(),
  env: z.string().optional(),
  requires: z
    .string()
    .min(1, 'requires= names what the script needs, e.g. requires=php,php-predis')
    .optional(),
  expect: z.string().min(1, 'expect= needs a comparison, e.g. json.server == {{ switch1.to }}').optional(),
  on: z.enum(['here', 'jump-host'], { error: 'on= is here or jump-host' }).optional(),
  files: z.string().min(1, 'files= names files of the runbook folder, e.g. files=app/check.php').optional(),
});

/** A script travels as one argv entry, which Linux caps at 128 KiB. */
export const MAX_SCRIPT_BYTES = 100 * 1024;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseEnvAttribute(text: string, report: (problem: BlockProblem) => void): EnvBinding[] | undefined {
  const bindings: EnvBinding[] = [];
  let ok = true;
  for (const item of text.split(',')) {
    const entry = item.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq).trim();
    const path = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (eq < 0 || !path) {
      report({
        line: 0,
        message: `env="${text}": "${entry}" is not NAME=path`,
        hint: 'write env="MASTER_IP=nodes.droplets.redis-1.private_ip,PORT=vars.port"',
      });
      ok = false;
    } else if (!ENV_NAME.test(name)) {
      report({
        line: 0,
        message: `env="${text}": "${name}" is not a valid environment variable name`,
        hint: 'use letters, digits and _ , not starting with a digit (e.g. MASTER_IP)',
      });
      ok = false;
    } else if (envNameProblem(name)) {
      report({
        line: 0,
        message: `env="${text}": ${name} cannot be set: ${(envNameProblem(name) as string).replace(/^its environment name \$\S+ /, 'it ')}`,
        hint: 'bind the value to another name, e.g. MASTER_IP',
      });
      ok = false;
    } else if (!PATH_PATTERN.test(path)) {
      report({
        line: 0,
        message: `env="${text}": "${path}" is not a result path`,
        hint: 'a path is dot-separated names, e.g. vars.port or nodes.droplets.redis-1.private_ip',
      });
      ok = false;
    } else if (bindings.some((b) => b.name === name)) {
      report({
        line: 0,
        message: `env="${text}": ${name} is given twice`,
        hint: 'keep one binding per name',
      });
      ok = false;
    } else {
      bindings.push({ name, path });
    }
  }
  return ok ? bindings : undefined;
}

/** A comma-separated attribute: its name, what every entry must match, and what to say when one does not. */
interface ListRule {
  attribute: string;
  valid: RegExp;
  notValid: string;
  hint: string;
}

/** The entries of a list attribute, each checked against its rule; duplicates are dropped. */
function parseList(
  text: string,
  rule: ListRule,
  report: (problem: BlockProblem) => void,
): string[] | undefined {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const bad = names.find((name) => !rule.valid.test(name));
  if (bad !== undefined || names.length === 0) {
    report({
      line: 0,
      message: `${rule.attribute}="${text}": ${bad === undefined ? 'names nothing' : `"${bad}" ${rule.notValid}`}`,
      hint: rule.hint,
    });
    return undefined;
  }
  return [...new Set(names)];
}

const REQUIRES_RULE: ListRule = {
  attribute: 'requires',
  valid: REQUIREMENT_NAME,
  notValid: 'is not a command or package name',
  hint: 'list commands or known names, comma-separated: requires=php,php-predis',
};

/** A relative path inside the runbook's folder, in characters that need no quoting anywhere. */
const FILE_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._/-]+$/;

const FILES_RULE: ListRule = {
  attribute: 'files',
  valid: FILE_PATH,
  notValid: "is not a relative path inside the runbook's folder",
  hint: 'list files relative to the runbook, comma-separated, without ..: files=app/predis-check.php',
};

function reportSplicing(body: string, report: (problem: BlockProblem) => void): void {
  for (const { path, offset } of findReferences(body)) {
    const before = body.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    const [namespace, variable] = path.split('.');
    report({
      line,
      column,
      message: `{{ ${path} }} in a shell script: text is never spliced into scripts`,
      hint:
        namespace === 'vars' && variable
          ? `use "$${varEnvName(variable)}": every variable reaches the script as an environment variable`
          : `pass it as an environment variable: add env="NAME=${path}" to the info string and use "$NAME"`,
    });
  }
}

export function parseSh(
  input: { attrs: Record<string, string>; body: string },
  report: (problem: BlockProblem) => void,
): ShSpec | undefined {
  const { attrs, body } = input;
  let ok = true;
  if (!body.trim()) {
    report({ line: 1, message: 'empty sh block', hint: 'write the commands to run, one per line' });
    ok = false;
  }
  if (Buffer.byteLength(body) > MAX_SCRIPT_BYTES) {
    report({
      line: 1,
      message: `sh block is ${Buffer.byteLength(body)} bytes; the limit is ${MAX_SCRIPT_BYTES}`,
      hint: 'move the script into a file beside the runbook and run that file from the block',
    });
    ok = false;
  }
  // A {{ }} in the script is reported but does not make the block unreadable: bash would only see the braces
  // as text, and the runbook parser reports the same positions itself (it drops our duplicates).
  reportSplicing(body, report);
  const env = attrs.env === undefined ? [] : parseEnvAttribute(attrs.env, report);
  const requires = attrs.requires === undefined ? [] : parseList(attrs.requires, REQUIRES_RULE, report);
  const expect = attrs.expect === undefined ? undefined : parseExpectation(attrs.expect, report);
  const files = attrs.files === undefined ? [] : parseList(attrs.files, FILES_RULE, report);
  if (!env || !requires || !files || !ok || (attrs.expect !== undefined && !expect)) return undefined;
  return {
    script: body,
    shell: attrs.shell === 'sh' ? 'sh' : 'bash',
    ...(attrs.cwd === undefined ? {} : { cwd: attrs.cwd }),
    env,
    requires,
    ...(expect ? { expect } : {}),
    on: attrs.on === 'jump-host' ? 'jump-host' : 'here',
    files,
  };
}

export function shReferences(spec: ShSpec): string[] {
  const cwdPaths = spec.cwd ? findReferences(spec.cwd).map((r) => r.path) : [];
  return [...spec.env.map((b) => b.path), ...cwdPaths, ...expectationReferences(spec.expect)];
}
