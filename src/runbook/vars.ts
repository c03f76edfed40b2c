// Runbook variables: where their values come from, and the environment names shell blocks see them under.
import type { VarSource } from '../contract/runbook.js';

export const VAR_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
export const DEFAULT_GENERATED_LENGTH = 32;

/** Environment names that a variable must not take over, because shells and the engine rely on them. */
const PROTECTED_ENV = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'USER',
  'LOGNAME',
  'PWD',
  'OLDPWD',
  'IFS',
  'TERM',
  'LANG',
  'TMPDIR',
]);

/**
 * Names a program reads at start-up as code to run or load: a value there runs before every shell block
 * (bash sources $BASH_ENV and $ENV, obeys $SHELLOPTS/$PS4/$PROMPT_COMMAND; the loader preloads $LD_PRELOAD;
 * node, python, perl and ruby take options or modules from theirs).
 */
const STARTUP_ENV = new Set([
  'ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PROMPT_COMMAND',
  'CDPATH',
  'GLOBIGNORE',
  'HISTFILE',
  'INPUTRC',
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'PYTHONSTARTUP',
  'PYTHONPATH',
  'PYTHONHOME',
  'PERL5OPT',
  'PERL5LIB',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'GCONV_PATH',
  'LOCPATH',
  'HOSTALIASES',
  'GIT_SSH_COMMAND',
  'SSH_ASKPASS',
  'EDITOR',
  'VISUAL',
  'PAGER',
]);

/** Whole families of start-up variables: bash's own (BASH_ENV, BASH_FUNC_*), the dynamic loader's. */
const STARTUP_PREFIXES = ['BASH_', 'LD_', 'DYLD_', 'MALLOC_'];
/** The environment variable a shell block sees a runbook variable as: redis_password → REDIS_PASSWORD, masterName → MASTER_NAME. */
export function varEnvName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toUpperCase();
}

/** Why a variable's environment name cannot be used, or undefined when it can. */
export function envNameProblem(envName: string): string | undefined {
  if (PROTECTED_ENV.has(envName)) return `its environment name $${envName} would replace the shell's own`;
  if (STARTUP_ENV.has(envName) || STARTUP_PREFIXES.some((prefix) => envName.startsWith(prefix))) {
    return `its environment name $${envName} is read by bash, the loader or an interpreter at start-up, so its value could run code before every sh block`;
  }
  if (envName.startsWith('DRILLBOOK_')) return `its environment name $${envName} is reserved for drillbook`;
  return undefined;
}

/** Parses `env:NAME`, `prompt`, `generate` or `generate:LENGTH`. */
export function parseVarSource(text: string): { source: VarSource } | { error: string; hint: string } {
  const hint = 'source is one of env:NAME, prompt, generate, generate:LENGTH';
  if (text === 'prompt') return { source: { kind: 'prompt' } };
  if (text === 'generate') return { source: { kind: 'generate', length: DEFAULT_GENERATED_LENGTH } };
  const generate = /^generate:(\d+)$/.exec(text);
  if (generate) {
    const length = Number(generate[1]);
    if (length < 8 || length > 1024) {
      return { error: `generated length ${length} is out of range`, hint: 'use a length between 8 and 1024' };
    }
    return { source: { kind: 'generate', length } };
  }
  const env = /^env:(.*)$/.exec(text);
  if (env) {
    const name = env[1] as string;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return {
        error: `"${name}" is not an environment variable name`,
        hint: 'write env:NAME, e.g. env:REDIS_PASSWORD',
      };
    }
    return { source: { kind: 'env', name } };
  }
  return { error: `unknown variable source "${text}"`, hint };
}
