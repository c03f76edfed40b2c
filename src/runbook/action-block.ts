// One fenced action block → ActionBlock: common attributes, the kind's attribute schema and parse().
import type { ActionKind, BlockProblem } from '../contract/action.js';
import { type ActionBlock, EACH_ITEM, type Safety } from '../contract/runbook.js';
import { kindReferences, type ReferenceSite, reportShellSplicing } from './block-references.js';
import {
  applyCommonAttribute,
  COMMON_ATTRIBUTES,
  isCommonAttribute,
  safetyRank,
} from './common-attributes.js';
import type { DiagnosticList, Position } from './diagnostics.js';
import type { InfoString } from './info-string.js';
import type { Fence } from './markdown.js';
import { didYouMean } from './suggest.js';
import { findReferences } from './template.js';

// biome-ignore lint/suspicious/noExplicitAny: kinds have different spec types; each kind checks its own.
export type AnyActionKind = ActionKind<any>;
export type KindMap = ReadonlyMap<string, AnyActionKind>;
export type { ReferenceSite } from './block-references.js';

export interface ReadAction {
  block: ActionBlock;
  references: ReferenceSite[];
  /** Positions of attribute values, by attribute key. */
  attributeAt: Record<string, Position>;
}

const attributeNames = new WeakMap<AnyActionKind, string[] | undefined>();

/** Known attribute names of a kind, when its schema is a zod object (looked up once per kind). */
function kindAttributeNames(kind: AnyActionKind): string[] | undefined {
  if (!attributeNames.has(kind)) {
    const shape = (kind.attributes as { shape?: unknown }).shape;
    attributeNames.set(kind, shape && typeof shape === 'object' ? Object.keys(shape) : undefined);
  }
  return attributeNames.get(kind);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function readActionBlock(
  fence: Fence,
  info: InfoString,
  kind: AnyActionKind,
  diagnostics: DiagnosticList,
  /** The check kind, which reads a where= line; absent in a build without it. */
  checkKind?: AnyActionKind,
): ReadAction {
  const infoAt = (offset: number): Position => ({ line: fence.line, column: fence.infoColumn + offset });
  const bodyAt = (line: number, column: number): Position => ({
    line: fence.line + line,
    column: fence.column - 1 + column,
  });
  const kindAt = infoAt(info.wordOffset);
  const kindDocs = `see docs/actions/${kind.kind}.md for what ${kind.kind} blocks accept`;
  const kindBug = `this is a bug in the ${kind.kind} action kind, not in the runbook: please report it`;
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
  let where: { text: string; at: Position } | undefined;
  let unknownAttribute = false;
  const kindAttrs: Record<string, string> = {};
  const kindNames = kindAttributeNames(kind);
  for (const { key, value, keyOffset, valueOffset } of info.attributes) {
    const at = infoAt(valueOffset);
    attributeAt[key] = at;
    const common = isCommonAttribute(key);
    // A kind that lists its own references reads its attributes itself; the common ones are ours.
    if (common || !kind.references) {
      for (const reference of findReferences(value)) {
        references.push({ path: reference.path, at: infoAt(valueOffset + reference.offset) });
      }
    }
    if (key === 'where') where = { text: value, at };
    else if (common) {
      explicitSafety = applyCommonAttribute(block, key, value, at, diagnostics) ?? explicitSafety;
      if (key === 'each' && block.each && !value.includes('{{'))
        references.push({ path: block.each.path, at });
    } else if (kindNames && !kindNames.includes(key)) {
      unknownAttribute = true;
      const known = [...COMMON_ATTRIBUTES, ...kindNames];
      const suggestion = didYouMean(key, known);
      diagnostics.error(
        infoAt(keyOffset),
        `unknown attribute "${key}" for ${kind.kind} blocks`,
        `${suggestion ? `${suggestion} ` : ''}known attributes: ${known.join(', ')}`,
      );
    } else kindAttrs[key] = value;
  }

  const errorsBeforeKindAttributes = diagnostics.errorCount;
  const checked = kind.attributes.safeParse(kindAttrs);
  if (checked.success) {
    for (const [key, value] of Object.entries(checked.data))
      if (value !== undefined) block.attrs[key] = value;
  } else {
    for (const issue of checked.error.issues) {
      const key = issue.path[0] === undefined ? undefined : String(issue.path[0]);
      if (issue.code === 'unrecognized_keys') {
        for (const unknown of issue.keys) {
          diagnostics.error(
            attributeAt[unknown] ?? kindAt,
            `unknown attribute "${unknown}" for ${kind.kind} blocks`,
            kindDocs,
          );
        }
      } else if (key !== undefined && key in kindAttrs) {
        diagnostics.error(
          attributeAt[key] as Position,
          `bad value for ${key}="${kindAttrs[key]}": ${issue.message}`,
          kindDocs,
        );
      } else if (key !== undefined) {
        diagnostics.error(kindAt, `${kind.kind} blocks need ${key}=...: ${issue.message}`, kindDocs);
      } else {
        diagnostics.error(kindAt, `bad attributes for ${kind.kind}: ${issue.message}`, kindDocs);
      }
    }
  }
  const kindAttributesOk = diagnostics.errorCount === errorsBeforeKindAttributes && !unknownAttribute;
  if (where) references.push(...readWhere(block, where, checkKind, diagnostics));

  // Body positions already reported, so a kind that notices the same problem does not repeat it.
  const reportedInBody =
    kind.kind === 'sh' ? reportShellSplicing(body, bodyAt, diagnostics) : new Set<string>();

  // The kind reads the block whenever its own attributes are right, so its problems show up together with
  // any problems in the common attributes.
  if (kindAttributesOk) {
    const report = (problem: BlockProblem): void => {
      if (problem.line && reportedInBody.has(`${problem.line}:${problem.column ?? 1}`)) return;
      const at =
        problem.line === undefined
          ? kindAt
          : problem.line === 0
            ? infoAt((problem.column ?? 1) - 1)
            : bodyAt(problem.line, problem.column ?? 1);
      diagnostics.error(at, problem.message, problem.hint ?? kindDocs);
    };
    const errorsBeforeParse = diagnostics.errorCount;
    try {
      block.spec = kind.parse({ attrs: block.attrs, body }, report);
      if (block.spec === undefined && diagnostics.errorCount === errorsBeforeParse) {
        diagnostics.error(kindAt, `the ${kind.kind} block could not be read`, kindDocs);
      }
    } catch (error) {
      diagnostics.error(
        kindAt,
        `the ${kind.kind} kind failed to read this block: ${messageOf(error)}`,
        kindBug,
      );
    }
  }

  if (block.spec === undefined) {
    block.safety = explicitSafety ?? 'mutating';
    return { block, references, attributeAt };
  }
  let defaultSafety: Safety = 'mutating';
  try {
    defaultSafety = kind.defaultSafety(block.spec);
  } catch (error) {
    diagnostics.error(
      kindAt,
      `the ${kind.kind} kind failed to rate this block's safety: ${messageOf(error)}`,
      kindBug,
    );
  }
  block.safety = explicitSafety ?? defaultSafety;
  if (explicitSafety && !kind.safetyIsAGuess && safetyRank(explicitSafety) < safetyRank(defaultSafety)) {
    diagnostics.warning(
      attributeAt.safety as Position,
      `safety=${explicitSafety} lowers this ${kind.kind} block from ${defaultSafety}`,
      explicitSafety === 'safe'
        ? 'it will run without asking; keep safety=safe only if the block changes nothing'
        : 'it will ask for a plain yes instead of the typed resource name',
    );
  }

  const inAttributes = (path: string): Position | undefined => {
    for (const attribute of info.attributes) {
      const offset = attribute.value.indexOf(path);
      if (offset >= 0) return infoAt(attribute.valueOffset + offset);
    }
    return undefined;
  };
  const reportBug = (message: string): void =>
    diagnostics.error(
      kindAt,
      `the ${kind.kind} kind failed to list the paths this block reads: ${message}`,
      kindBug,
    );
  references.push(...kindReferences(kind, block.spec, body, bodyAt, inAttributes, kindAt, reportBug));
  return { block, references: withoutItem(block, references), attributeAt };
}

/** Inside a block with each=, {{ item.… }} is the current element, not an earlier result. */
function withoutItem(block: ActionBlock, references: ReferenceSite[]): ReferenceSite[] {
  if (!block.each) return references;
  return references.filter((site) => site.path !== EACH_ITEM && !site.path.startsWith(`${EACH_ITEM}.`));
}

/** where="LINE" is one check line over {{ item }}, read by the check kind; it needs each=. */
function readWhere(
  block: ActionBlock,
  where: { text: string; at: Position },
  checkKind: AnyActionKind | undefined,
  diagnostics: DiagnosticList,
): ReferenceSite[] {
  if (!block.each) {
    diagnostics.error(
      where.at,
      'where= needs each=: it chooses which elements of the list the block runs for',
      'add each=PATH (the list), e.g. each=replicas.last where="item.flags !contains s_down"',
    );
    return [];
  }
  if (!checkKind) {
    diagnostics.error(where.at, 'where= needs the check kind, which this build does not have');
    return [];
  }
  const problems: string[] = [];
  const spec = checkKind.parse({ attrs: {}, body: where.text }, (problem) =>
    problems.push(problem.hint ? `${problem.message} (${problem.hint})` : problem.message),
  );
  if (spec === undefined || problems.length > 0) {
    diagnostics.error(
      where.at,
      `where="${where.text}" is not a check line: ${problems.join('; ') || 'it compares nothing'}`,
      'write one comparison over the element, e.g. where="item.flags !contains s_down"',
    );
    return [];
  }
  block.each.where = { text: where.text, spec };
  const paths = checkKind.references?.(spec) ?? [];
  return paths.map((path) => ({ path, at: where.at }));
}
