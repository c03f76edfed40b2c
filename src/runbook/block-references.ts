// Where the {{ path }} references of an action block are, and the rule that sh bodies have none.
import type { ActionKind } from '../contract/action.js';
import type { DiagnosticList, Position } from './diagnostics.js';
import { findReferences } from './template.js';
import { varEnvName } from './vars.js';

/** A {{ path }} (or a path a kind reads) and where it is written. */
export interface ReferenceSite {
  path: string;
  at: Position;
}

/** 1-based line and column of an offset in text. */
export function offsetPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The paths a block reads: the kind's own list when it has one (located in the body or the attributes
 * where possible), else every {{ path }} in the body.
 */
export function kindReferences(
  // biome-ignore lint/suspicious/noExplicitAny: kinds have different spec types; each kind checks its own.
  kind: ActionKind<any>,
  spec: unknown,
  body: string,
  bodyAt: (line: number, column: number) => Position,
  inAttributes: (path: string) => Position | undefined,
  fallback: Position,
  reportBug: (message: string) => void,
): ReferenceSite[] {
  const inBody = (offset: number): Position => {
    const { line, column } = offsetPosition(body, offset);
    return bodyAt(line, column);
  };
  if (!kind.references) {
    return findReferences(body).map((reference) => ({ path: reference.path, at: inBody(reference.offset) }));
  }
  let paths: string[];
  try {
    paths = kind.references(spec);
  } catch (error) {
    reportBug(error instanceof Error ? error.message : String(error));
    return [];
  }
  return paths.map((path) => {
    const offset = body.indexOf(path);
    return { path, at: offset >= 0 ? inBody(offset) : (inAttributes(path) ?? fallback) };
  });
}

function shellHint(path: string): string {
  const [namespace, name] = path.split('.');
  if (namespace === 'vars' && name) {
    return `use $${varEnvName(name)}: every variable reaches the script as an environment variable`;
  }
  const envName = (path.split('.').at(-1) ?? 'value').replace(/[^A-Za-z0-9]/g, '_').toUpperCase();
  return `pass the result as an environment variable: \`\`\`sh env="${envName}=${path}" and use $${envName}`;
}

/** Reports every {{ path }} in a shell body; returns their "line:column" keys within the body. */
export function reportShellSplicing(
  body: string,
  bodyAt: (line: number, column: number) => Position,
  diagnostics: DiagnosticList,
): Set<string> {
  const reported = new Set<string>();
  for (const reference of findReferences(body)) {
    const { line, column } = offsetPosition(body, reference.offset);
    reported.add(`${line}:${column}`);
    diagnostics.error(
      bodyAt(line, column),
      `{{ ${reference.path} }} inside an sh block: shell scripts never get text spliced in`,
      shellHint(reference.path),
    );
  }
  return reported;
}
