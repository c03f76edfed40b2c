// Public entry points of the runbook parser: parseRunbook (source text) and loadRunbook (a file).
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type ParseOptions, type ParseResult, parseRunbookWith } from './document.js';
import { templateFileReader } from './template-files.js';

export type { ParseOptions, ParseResult } from './document.js';
export { templateFileReader } from './template-files.js';

export function parseRunbook(source: string, file: string, options: ParseOptions): ParseResult {
  return parseRunbookWith(source, file, options.kinds, options);
}

export async function loadRunbook(path: string, options: ParseOptions): Promise<ParseResult> {
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
