// Runbook source → Runbook model, collecting every problem at once. Pure: the caller supplies the kinds
// and how to read template files.
import { dirname, resolve } from 'node:path';
import type { Diagnostic, Runbook, Step } from '../contract/runbook.js';
import { type AnyActionKind, type KindMap, type ReadAction, readActionBlock } from './action-block.js';
import { actionPaths } from './action-paths.js';
import { stepSafety } from './common-attributes.js';
import { DiagnosticList } from './diagnostics.js';
import { type RunbookMeta, readFrontMatter, splitFrontMatter } from './front-matter.js';
import { tokenizeInfoString } from './info-string.js';
import { type Heading, scanDocument } from './markdown.js';
import { warnNearMissKind } from './near-miss.js';
import { checkReferences, type ReferencingAction } from './references.js';
import { slugger } from './slug.js';
import { prose, sourceText } from './source-text.js';
import { didYouMean } from './suggest.js';
import { TemplateSet } from './templates.js';

export interface ParseOptions {
  /** Action kinds by name: the command layer passes the registry (src/actions/registry.ts), tests their own. */
  kinds: KindMap;
  /** Reads a template file beside the runbook; undefined when it does not exist. */
  readTemplateFile?: (name: string) => string | undefined;
}

export interface ParseResult {
  /** Present only when there are no errors (warnings allowed). */
  runbook?: Runbook;
  diagnostics: Diagnostic[];
}

interface StepDraft {
  heading: Heading;
  /** 1-based inclusive line range of the step's content (below the heading). */
  firstLine: number;
  lastLine: number;
  actions: ReadAction[];
  /** 1-based inclusive line ranges taken out of the explanation (the action blocks). */
  excluded: Array<[number, number]>;
}

export function parseRunbookWith(
  source: string,
  file: string,
  kinds: KindMap,
  options: Omit<ParseOptions, 'kinds'> = {},
): ParseResult {
  const diagnostics = new DiagnosticList(file);
  const text = sourceText(source);
  const { lines } = text;

  let meta: RunbookMeta = { vars: [] };
  const front = splitFrontMatter(lines);
  if (front.unterminated) {
    diagnostics.error(
      { line: 1, column: 1 },
      'the front matter that starts here is never closed',
      'end it with a line of three dashes: ---',
    );
  } else if (!front.block) {
    diagnostics.error(
      { line: 1, column: 1 },
      'the runbook has no front matter (title is required)',
      'start the file with three lines: ---, title: My runbook, ---',
    );
  } else {
    meta = readFrontMatter(front.block, diagnostics);
  }
  // Blank out the front matter rather than cutting it, so Markdown line numbers stay the file's.
  const markdown =
    front.lineCount > 0
      ? '\n'.repeat(front.lineCount) + text.text.slice(text.lineStarts[front.lineCount])
      : text.text;
  const { headings, fences } = scanDocument(markdown, lines);

  const stepHeadings = headings.filter((h) => h.depth === 2);
  const firstStepLine = stepHeadings[0]?.line ?? lines.length + 1;
  const titleHeading = headings.find((h) => h.depth === 1 && h.line < firstStepLine);
  const drafts: StepDraft[] = stepHeadings.map((heading, i) => ({
    heading,
    firstLine: heading.endLine + 1,
    lastLine: (stepHeadings[i + 1]?.line ?? lines.length + 1) - 1,
    actions: [],
    excluded: [],
  }));

  const templates = new TemplateSet(file, diagnostics, options.readTemplateFile);
  const knownKinds = [...kinds.keys()];
  let stepIndex = -1;
  for (const fence of fences) {
    while (stepIndex + 1 < drafts.length && (drafts[stepIndex + 1] as StepDraft).heading.line < fence.line)
      stepIndex++;
    const fenceAt = { line: fence.line, column: fence.column };
    if (!fence.closed) {
      diagnostics.error(
        fenceAt,
        'this code block is never closed',
        `close it with a line of ${fence.markup}`,
      );
    }
    const info = tokenizeInfoString(fence.info);
    const kind: AnyActionKind | undefined = info.word ? kinds.get(info.word) : undefined;
    if (kind) {
      const read = readActionBlock(fence, info, kind, diagnostics, kinds.get('check'));
      const draft = drafts[stepIndex];
      if (draft) {
        draft.actions.push(read);
        draft.excluded.push([fence.line, fence.endLine]);
      } else {
        diagnostics.error(
          fenceAt,
          `${kind.kind} block before the first step`,
          'add a ## heading above it: every action belongs to a step',
        );
      }
    } else if (info.attributes.some((a) => a.key === 'file')) {
      templates.addBlock(fence, info);
    } else if (info.attributes.length > 0) {
      const at = { line: fence.line, column: fence.infoColumn + info.wordOffset };
      const suggestion = info.word ? didYouMean(info.word, knownKinds) : '';
      const known = `known kinds: ${knownKinds.join(', ') || '(none registered)'}`;
      diagnostics.error(
        at,
        info.word ? `unknown action kind "${info.word}"` : 'code block with attributes but no action kind',
        `${suggestion ? `${suggestion} ` : ''}${known}; a block only shown, not run, takes no key=value attributes`,
      );
    } else if (info.word) {
      warnNearMissKind(
        info.word,
        { line: fence.line, column: fence.infoColumn + info.wordOffset },
        knownKinds,
        diagnostics,
      );
    }
  }

  const slug = slugger();
  const steps: Step[] = [];
  const referencing: ReferencingAction[] = [];
  const ids = new Map<string, number>();
  let order = 0;
  for (const [index, draft] of drafts.entries()) {
    const { heading } = draft;
    const explanation = prose(text, draft.firstLine, draft.lastLine, draft.excluded);
    const actions = draft.actions.map((a) => a.block);
    const step: Step = {
      id: slug(heading.title, index),
      index,
      title: heading.title,
      explanation,
      actions,
      safety: stepSafety(actions),
      loc: { file, line: heading.line, column: heading.column },
    };
    steps.push(step);
    if (explanation === '' && draft.actions.length === 0) {
      diagnostics.error(
        { line: heading.line, column: heading.column },
        `step "${heading.title}" is empty`,
        'write what the step is for, add an action block under it, or remove the heading',
      );
    }
    for (const read of draft.actions) {
      const { block } = read;
      if (block.id !== undefined) {
        const firstLine = ids.get(block.id);
        if (firstLine !== undefined) {
          diagnostics.error(
            read.attributeAt.id ?? block.loc,
            `duplicate id "${block.id}": the action on line ${firstLine} already has it`,
            'ids must be unique within the runbook; rename one of them',
          );
        } else ids.set(block.id, block.loc.line);
      }
      const { produces, references } = actionPaths(
        read,
        kinds.get(block.kind) as AnyActionKind,
        templates,
        diagnostics,
      );
      referencing.push({ block, order: order++, stepTitle: heading.title, produces, references });
    }
  }
  checkReferences(meta.vars, referencing, diagnostics);

  if (drafts.length === 0) {
    diagnostics.error(
      { line: Math.min(front.lineCount + 1, lines.length), column: 1 },
      'the runbook has no steps',
      'each "## Heading" starts a step; put its explanation and action blocks under it',
    );
  }

  const result: ParseResult = { diagnostics: diagnostics.sorted() };
  if (diagnostics.errorCount === 0 && meta.title !== undefined) {
    const introductionExcluded: Array<[number, number]> = titleHeading
      ? [[titleHeading.line, titleHeading.endLine]]
      : [];
    const runbook: Runbook = {
      file,
      baseDir: resolve(dirname(file)),
      title: meta.title,
      vars: meta.vars,
      introduction: prose(text, front.lineCount + 1, firstStepLine - 1, introductionExcluded),
      steps,
      templates: templates.templates,
    };
    if (meta.description !== undefined) runbook.description = meta.description;
    if (meta.target !== undefined) runbook.target = meta.target;
    if (meta.hideAhead) runbook.hideAhead = true;
    if (meta.foldDetails) runbook.foldDetails = true;
    result.runbook = runbook;
  }
  return result;
}
