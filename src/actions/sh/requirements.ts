// requires= on an sh block: what the script needs installed. A missing requirement skips the block (it is an
// optional check on this machine, e.g. the PHP client) and says how to install it, instead of failing mid-script.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { shellQuote } from './quote.js';

interface KnownRequirement {
  /** The command that must be on PATH (for a library: the interpreter that loads it). */
  command: string;
  /** Debian/Ubuntu package that provides it. */
  apt: string;
  /** A script the command runs to prove the requirement is there (exit 0 = present). */
  probe?: string[];
  /** The install line for other systems. */
  elsewhere?: string;
}

/** Names whose package or probe differs from "a command of that name". */
const KNOWN: Record<string, KnownRequirement> = {
  php: { command: 'php', apt: 'php-cli', elsewhere: 'brew install php' },
  'php-predis': {
    command: 'php',
    apt: 'php-predis',
    probe: [
      '-r',
      "exit(stream_resolve_include_path('Predis/Autoloader.php') || is_file('vendor/autoload.php') ? 0 : 1);",
    ],
    elsewhere: 'composer require predis/predis',
  },
  'redis-cli': { command: 'redis-cli', apt: 'redis-tools', elsewhere: 'brew install redis' },
  jq: { command: 'jq', apt: 'jq', elsewhere: 'brew install jq' },
};

const PROBE_TIMEOUT_MS = 10_000;
export const REQUIREMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

export interface MissingRequirements {
  missing: string[];
  /** One command that installs them all on Debian/Ubuntu. */
  install: string;
  /** Install lines for other systems, when known. */
  elsewhere: string[];
}

function requirement(name: string): KnownRequirement {
  return KNOWN[name] ?? { command: name, apt: name };
}

/** The executable's path when PATH (from the script's environment) has it. */
export async function findCommand(
  command: string,
  searchPath: string | undefined,
): Promise<string | undefined> {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function runProbe(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: PROBE_TIMEOUT_MS }, (error) => resolve(!error));
  });
}

/** Which of names are missing for a script running with env in cwd; undefined when all are present. */
export async function missingRequirements(
  names: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<MissingRequirements | undefined> {
  const missing: string[] = [];
  for (const name of names) {
    const known = requirement(name);
    const file = await findCommand(known.command, env.PATH);
    if (!file || (known.probe && !(await runProbe(file, known.probe, cwd, env)))) missing.push(name);
  }
  if (missing.length === 0) return undefined;
  return describeMissing(missing, async (command) => (await findCommand(command, env.PATH)) !== undefined);
}

/** The install lines for what is missing; hasCommand says whether an interpreter is there already. */
export async function describeMissing(
  missing: string[],
  hasCommand: (command: string) => boolean | Promise<boolean>,
): Promise<MissingRequirements> {
  // Installing a library without its interpreter is no use: name the interpreter's package too.
  const packages = new Set<string>();
  for (const name of missing) {
    const known = requirement(name);
    if (known.command !== name && missing.every((other) => other !== known.command)) {
      const interpreter = requirement(known.command);
      if (!(await hasCommand(interpreter.command))) packages.add(interpreter.apt);
    }
    packages.add(known.apt);
  }
  const elsewhere = [
    ...new Set(missing.map((name) => requirement(name).elsewhere).filter(Boolean)),
  ] as string[];
  return { missing, install: `sudo apt-get install ${[...packages].join(' ')}`, elsewhere };
}

/**
 * The same look-up as missingRequirements, as a POSIX sh script for another machine (the jump host): it
 * prints each missing name on a line of its own, and `command:NAME` for each command it could not find.
 */
export function requirementsProbeScript(names: string[]): string {
  const quote = shellQuote;
  const lines: string[] = [];
  for (const command of new Set(names.map((name) => requirement(name).command))) {
    lines.push(`command -v ${quote(command)} >/dev/null 2>&1 || echo ${quote(`command:${command}`)}`);
  }
  for (const name of names) {
    const known = requirement(name);
    const probe = known.probe
      ? ` && ${[known.command, ...known.probe].map(quote).join(' ')} >/dev/null 2>&1`
      : '';
    lines.push(`{ command -v ${quote(known.command)} >/dev/null 2>&1${probe}; } || echo ${quote(name)}`);
  }
  return `${lines.join('\n')}\n`;
}
