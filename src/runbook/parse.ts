// Public entry points of the runbook parser: parseRunbook (source text) and loadRunbook (a file).
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { actionKinds } from '../actions/registry.js';
import { type ParseOptions, type ParseResult, parseRunbookWith } from './document.js';

export type { ParseOptions, ParseResult } from './document.js';

export function parseRunbook(source: string, file: string, options: ParseOptions = {}): ParseResult {
  return parseRunbookWith(source, file, options.kinds ?? actionKinds, options);
}

/** Reads template files from the folder holding the runbook (names are already checked to stay inside it). */
export function templateFileReader(baseDir: string): (name: string) => string | undefined {
  return (name) => {
    const path = join(baseDir, name);
    try {
      if (!statSync(path).isFile()) return undefined;
    } catch {
      return undefined;
    }
    return readFileSync(path, 'utf8');
  };
}

export async function loadRunbook(path: string, options: ParseOptions = {}): Promise<ParseResult> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    return {
      diagnostics: [
        {
          severity: 'error',
          file: path,
          line: 1,
          column: 1,
          message: `cannot read the runbook: ${message}`,
          hint: 'check the path; a runbook is a Markdown file such as runbooks/redis-sentinel-digitalocean.md',
        },
      ],
    };
  }
  return parseRunbook(source, path, { readTemplateFile: templateFileReader(dirname(path)), ...options });
}
