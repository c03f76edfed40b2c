// Named templates: code blocks with file=NAME, or files beside the runbook that an action names.
import { dirname, join } from 'node:path';
import type { Template } from '../contract/runbook.js';
import type { ReferenceSite } from './block-references.js';
import type { DiagnosticList, Position } from './diagnostics.js';
import type { InfoString } from './info-string.js';
import type { Fence } from './markdown.js';
import { findReferences } from './template.js';

/** Relative names only, without `..`, so a runbook cannot pull in files from outside its folder. */
const TEMPLATE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

export function isTemplateName(name: string): boolean {
  return TEMPLATE_NAME.test(name) && !name.split('/').includes('..');
}

export const TEMPLATE_NAME_HINT =
  'template names are relative paths like cloud-init.yaml or conf/sentinel.conf (no .., no leading /)';

export class TemplateSet {
  readonly templates: Record<string, Template> = {};
  /** Where each template's text starts, to place problems found inside it. */
  private readonly origins = new Map<string, (line: number, column: number) => Position>();

  constructor(
    private readonly file: string,
    private readonly diagnostics: DiagnosticList,
    private readonly readTemplateFile?: (name: string) => string | undefined,
  ) {}

  addBlock(fence: Fence, info: InfoString): void {
    const infoAt = (offset: number): Position => ({ line: fence.line, column: fence.infoColumn + offset });
    for (const problem of info.problems)
      this.diagnostics.error(infoAt(problem.offset), problem.message, problem.hint);
    for (const attribute of info.attributes) {
      if (attribute.key !== 'file') {
        this.diagnostics.error(
          infoAt(attribute.keyOffset),
          `unknown attribute "${attribute.key}" on a template block`,
          'a template block takes only file=NAME',
        );
      }
    }
    const file = info.attributes.find((a) => a.key === 'file');
    if (!file) return;
    const at = infoAt(file.valueOffset);
    if (!isTemplateName(file.value)) {
      this.diagnostics.error(at, `file=${file.value} is not a usable template name`, TEMPLATE_NAME_HINT);
      return;
    }
    const existing = this.templates[file.value];
    if (existing) {
      this.diagnostics.error(
        at,
        `template "${file.value}" is defined twice (first on line ${existing.loc.line})`,
        'rename one of them',
      );
      return;
    }
    this.templates[file.value] = {
      name: file.value,
      content: fence.content,
      loc: { file: this.file, line: fence.line, column: fence.column },
    };
    this.origins.set(file.value, (line, column) => ({
      line: fence.line + line,
      column: fence.column - 1 + column,
    }));
  }

  /** Makes sure a template an action names exists (reading it from beside the runbook if needed); returns its references. */
  use(name: string, usedAt: Position): ReferenceSite[] | undefined {
    if (!this.templates[name] && !this.load(name, usedAt)) return undefined;
    const template = this.templates[name] as Template;
    const origin = this.origins.get(name) as (line: number, column: number) => Position;
    return findReferences(template.content).map((reference) => {
      const before = template.content.slice(0, reference.offset);
      const line = before.split('\n').length;
      const column = reference.offset - before.lastIndexOf('\n');
      return { path: reference.path, at: origin(line, column) };
    });
  }

  private load(name: string, usedAt: Position): boolean {
    const missingHint = `add a code block \`\`\`text file=${name} to the runbook, or a file ${name} beside it`;
    if (!isTemplateName(name)) {
      this.diagnostics.error(usedAt, `"${name}" is not a usable template name`, TEMPLATE_NAME_HINT);
      return false;
    }
    let content: string | undefined;
    try {
      content = this.readTemplateFile?.(name);
    } catch (error) {
      this.diagnostics.error(
        usedAt,
        `template "${name}" could not be read: ${error instanceof Error ? error.message : String(error)}`,
        `check that ${name} beside the runbook is a readable file`,
      );
      return false;
    }
    if (content === undefined) {
      this.diagnostics.error(usedAt, `template "${name}" not found`, missingHint);
      return false;
    }
    const path = join(dirname(this.file), name);
    this.templates[name] = { name, content, loc: { file: path, line: 1, column: 1 } };
    this.origins.set(name, (line, column) => ({ file: path, line, column }));
    return true;
  }
}
