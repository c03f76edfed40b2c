// One fenced action block → ActionBlock: common attributes, the kind's attribute schema and parse().
import type { ActionKind, BlockProblem } from '../actions/types.js';
import type { DiagnosticList, Position } from './diagnostics.js';
import { DURATION_HINT, parseDuration } from './duration.js';
import type { InfoString } from './info-string.js';
import type { Fence } from './markdown.js';
import { type ActionBlock, SAFETY_LEVELS, type Safety } from './model.js';
import { RESERVED_IDS } from './namespace.js';
import { didYouMean } from './suggest.js';
import { findReferences } from './template.js';
import { varEnvName } from './vars.js';

// biome-ignore lint/suspicious/noExplicitAny: kinds have different spec types; each kind checks its own.
export type AnyActionKind = ActionKind<any>;
export type KindMap = ReadonlyMap<string, AnyActionKind>;

export const COMMON_ATTRIBUTES = ['id', 'confirm', 'timeout', 'retries', 'within', 'safety'] as const;
const ACTION_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A {{ path }} (or a path a kind reads) and where it is written. */
export interface ReferenceSite {
  path: string;
  at: Position;
}

export interface ReadAction {
  block: ActionBlock;
  references: ReferenceSite[];
  /** Positions of attribute values, by attribute key. */
  attributeAt: Record<string, Position>;
}

export function safetyRank(safety: Safety): number {
  return SAFETY_LEVELS.indexOf(safety);
}

/** Known attribute names of a kind, when its schema is a zod object. */
function kindAttributeNames(kind: AnyActionKind): string[] | undefined {
  const shape = (kind.attributes as { shape?: unknown }).shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : undefined;
}

function offsetPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export function readActionBlock(
  fence: Fence,
  info: InfoString,
  kind: AnyActionKind,
  diagnostics: DiagnosticList,
): ReadAction {
  const infoAt = (offset: number): Position => ({ line: fence.line, column: fence.infoColumn + offset });
  const bodyAt = (line: number, column: number): Position => ({
    line: fence.line + line,
    column: fence.column - 1 + column,
  });
  const body = fence.content.endsWith('\n') ? fence.content.slice(0, -1) : fence.content;
  const block: ActionBlock = {
    kind: kind.kind,
    attrs: {},
    body,
    retries: 0,
    safety: 'mutating',
    spec: undefined,
    loc: { file: diagnostics.file, line: fence.line, column: fence.column },
    bodyLine: fence.line + 1,
  };
  const attributeAt: Record<string, Position> = {};
  const references: ReferenceSite[] = [];

  for (const problem of info.problems)
    diagnostics.error(infoAt(problem.offset), problem.message, problem.hint);

  let explicitSafety: Safety | undefined;
  let unknownAttribute = false;
  const kindAttrs: Record<string, string> = {};
  const kindNames = kindAttributeNames(kind);
  for (const attribute of info.attributes) {
    const at = infoAt(attribute.valueOffset);
    attributeAt[attribute.key] = at;
    const { key, value } = attribute;
    const kindReadsItself =
      kind.references !== undefined && !(COMMON_ATTRIBUTES as readonly string[]).includes(key);
    for (const reference of kindReadsItself ? [] : findReferences(value)) {
      references.push({ path: reference.path, at: infoAt(attribute.valueOffset + reference.offset) });
    }
    switch (key) {
      case 'id':
        if (!ACTION_ID.test(value)) {
          diagnostics.error(
            at,
            `id="${value}" is not a valid id`,
            'ids start with a letter or _ and contain letters, digits, _ and -',
          );
        } else if ((RESERVED_IDS as readonly string[]).includes(value)) {
          diagnostics.error(
            at,
            `id="${value}" clashes with the reserved name "${value}"`,
            `choose another id; ${RESERVED_IDS.join(', ')} are reserved`,
          );
        } else block.id = value;
        break;
      case 'confirm':
        block.confirm = value;
        break;
      case 'timeout':
      case 'within': {
        const ms = parseDuration(value);
        if (ms === undefined || ms <= 0)
          diagnostics.error(at, `${key}=${value} is not a duration`, DURATION_HINT);
        else if (key === 'timeout') block.timeoutMs = ms;
        else block.withinMs = ms;
        break;
      }
      case 'retries':
        if (!/^\d{1,3}$/.test(value)) {
          diagnostics.error(
            at,
            `retries=${value} is not a whole number`,
            'write retries=0, retries=3, ... (at most 999)',
          );
        } else block.retries = Number(value);
        break;
      case 'safety':
        if ((SAFETY_LEVELS as readonly string[]).includes(value)) explicitSafety = value as Safety;
        else
          diagnostics.error(
            at,
            `safety=${value} is not a safety level`,
            `use one of ${SAFETY_LEVELS.join(', ')}`,
          );
        break;
      default:
        if (kindNames && !kindNames.includes(key)) {
          unknownAttribute = true;
          const known = [...COMMON_ATTRIBUTES, ...kindNames];
          const suggestion = didYouMean(key, known);
          diagnostics.error(
            infoAt(attribute.keyOffset),
            `unknown attribute "${key}" for ${kind.kind} blocks`,
            `${suggestion ? `${suggestion} ` : ''}known attributes: ${known.join(', ')}`,
          );
        } else kindAttrs[key] = value;
    }
  }

  const errorsBeforeKindAttributes = diagnostics.errorCount;
  const kindDocs = `see docs/actions/${kind.kind}.md for what ${kind.kind} blocks accept`;
  const kindBug = `this is a bug in the ${kind.kind} action kind, not in the runbook: please report it`;
  const checked = kind.attributes.safeParse(kindAttrs);
  if (checked.success) {
    for (const [key, value] of Object.entries(checked.data))
      if (value !== undefined) block.attrs[key] = value;
  } else {
    for (const issue of checked.error.issues) {
      const key = issue.path[0] === undefined ? undefined : String(issue.path[0]);
      if (issue.code === 'unrecognized_keys') {
        for (const unknown of issue.keys) {
          const at = attributeAt[unknown] ?? infoAt(info.wordOffset);
          diagnostics.error(at, `unknown attribute "${unknown}" for ${kind.kind} blocks`, kindDocs);
        }
      } else if (key !== undefined && key in kindAttrs) {
        diagnostics.error(
          attributeAt[key] as Position,
          `bad value for ${key}="${kindAttrs[key]}": ${issue.message}`,
          kindDocs,
        );
      } else if (key !== undefined) {
        diagnostics.error(
          infoAt(info.wordOffset),
          `${kind.kind} blocks need ${key}=...: ${issue.message}`,
          kindDocs,
        );
      } else {
        diagnostics.error(
          infoAt(info.wordOffset),
          `bad attributes for ${kind.kind}: ${issue.message}`,
          kindDocs,
        );
      }
    }
  }

  const kindAttributesOk = diagnostics.errorCount === errorsBeforeKindAttributes && !unknownAttribute;
  // Body positions the parser has already reported, so a kind that also notices the problem does not repeat it.
  const reportedInBody = new Set<string>();
  if (kind.kind === 'sh') {
    for (const reference of findReferences(body)) {
      const { line, column } = offsetPosition(body, reference.offset);
      reportedInBody.add(`${line}:${column}`);
      diagnostics.error(
        bodyAt(line, column),
        `{{ ${reference.path} }} inside an sh block: shell scripts never get text spliced in`,
        shellHint(reference.path),
      );
    }
  }

  // The kind reads the block whenever its own attributes are right, so its problems show up together with
  // any problems in the common attributes.
  if (kindAttributesOk) {
    const report = (problem: BlockProblem): void => {
      if (problem.line && reportedInBody.has(`${problem.line}:${problem.column ?? 1}`)) return;
      const at =
        problem.line === undefined
          ? infoAt(info.wordOffset)
          : problem.line === 0
            ? infoAt((problem.column ?? 1) - 1)
            : bodyAt(problem.line, problem.column ?? 1);
      diagnostics.error(at, problem.message, problem.hint ?? kindDocs);
    };
    const errorsBeforeParse = diagnostics.errorCount;
    try {
      block.spec = kind.parse({ attrs: block.attrs, body }, report);
      if (block.spec === undefined && diagnostics.errorCount === errorsBeforeParse) {
        diagnostics.error(infoAt(info.wordOffset), `the ${kind.kind} block could not be read`, kindDocs);
      }
    } catch (error) {
      diagnostics.error(
        infoAt(info.wordOffset),
        `the ${kind.kind} kind failed to read this block: ${messageOf(error)}`,
        kindBug,
      );
    }
  }

  const readable = block.spec !== undefined;
  let defaultSafety: Safety = 'mutating';
  if (readable) {
    try {
      defaultSafety = kind.defaultSafety(block.spec);
    } catch (error) {
      diagnostics.error(
        infoAt(info.wordOffset),
        `the ${kind.kind} kind failed to rate this block's safety: ${messageOf(error)}`,
        kindBug,
      );
    }
  }
  block.safety = explicitSafety ?? defaultSafety;
  if (readable && explicitSafety && safetyRank(explicitSafety) < safetyRank(defaultSafety)) {
    diagnostics.warning(
      attributeAt.safety as Position,
      `safety=${explicitSafety} lowers this ${kind.kind} block from ${defaultSafety}`,
      explicitSafety === 'safe'
        ? 'it will run without asking; keep safety=safe only if the block changes nothing'
        : 'it will ask for a plain yes instead of the typed resource name',
    );
  }

  if (readable) {
    const inAttributes = (path: string): Position | undefined => {
      for (const attribute of info.attributes) {
        const offset = attribute.value.indexOf(path);
        if (offset >= 0) return infoAt(attribute.valueOffset + offset);
      }
      return undefined;
    };
    references.push(...kindReferences(kind, block, body, bodyAt, inAttributes, infoAt(info.wordOffset)));
  }
  return { block, references, attributeAt };
}

function kindReferences(
  kind: AnyActionKind,
  block: ActionBlock,
  body: string,
  bodyAt: (line: number, column: number) => Position,
  inAttributes: (path: string) => Position | undefined,
  fallback: Position,
): ReferenceSite[] {
  const sites: ReferenceSite[] = [];
  const inBody = (offset: number): Position => {
    const { line, column } = offsetPosition(body, offset);
    return bodyAt(line, column);
  };
  if (!kind.references) {
    for (const reference of findReferences(body))
      sites.push({ path: reference.path, at: inBody(reference.offset) });
    return sites;
  }
  let paths: string[] = [];
  try {
    paths = kind.references(block.spec);
  } catch {
    // A kind that cannot list its references is checked at run time instead.
  }
  for (const path of paths) {
    const offset = body.indexOf(path);
    sites.push({ path, at: offset >= 0 ? inBody(offset) : (inAttributes(path) ?? fallback) });
  }
  return sites;
}

function shellHint(path: string): string {
  const [namespace, name] = path.split('.');
  if (namespace === 'vars' && name)
    return `use $${varEnvName(name)}: every variable reaches the script as an environment variable`;
  const envName =
    path
      .split('.')
      .at(-1)
      ?.replace(/[^A-Za-z0-9]/g, '_')
      .toUpperCase() ?? 'VALUE';
  return `pass the result as an environment variable: \`\`\`sh env="${envName}=${path}" and use $${envName}`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
