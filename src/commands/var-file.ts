// --var-file FILE: variable values kept out of argv (where every local user sees them in `ps`), read from a
// file or, with `-`, from standard input: one NAME=VALUE per line, blank lines and # comments skipped.
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';

export function readVarFile(command: string, path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(
      `--var-file ${path}: cannot read it (${reason}); give a readable file, or - for stdin`,
      command,
    );
  }
  return parseVarFile(command, path, text);
}

export function parseVarFile(command: string, path: string, text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      // The line may be a secret written wrongly: say where, never what.
      throw new UsageError(
        `--var-file ${path}:${index + 1}: not a NAME=VALUE line; write one variable per line, e.g. redis_password=…`,
        command,
      );
    }
    vars[name] = line.slice(eq + 1);
  });
  return vars;
}
