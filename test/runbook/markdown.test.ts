// The parser takes Markdown block structure from markdown-it (for speed); this checks that it finds the
// same steps and fenced blocks, at the same positions, as micromark/mdast on generated documents.
import fc from 'fast-check';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { scanDocument } from '../../src/runbook/markdown.js';

interface MdNode {
  type: string;
  depth?: number;
  value?: string;
  lang?: string | null;
  meta?: string | null;
  children?: MdNode[];
  position?: { start: { line: number; column: number; offset?: number } };
}

function plain(node: MdNode): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value ?? '';
  if (node.type === 'break') return ' ';
  return (node.children ?? []).map(plain).join('');
}

function mdastView(source: string) {
  const tree = fromMarkdown(source, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as MdNode;
  const headings = (tree.children ?? [])
    .filter((n) => n.type === 'heading' && (n.depth === 1 || n.depth === 2))
    .map((n) => ({ depth: n.depth, title: plain(n).trim(), line: n.position?.start.line }));
  const fences: Array<{ line?: number; column?: number; info: string; body: string }> = [];
  const visit = (node: MdNode): void => {
    const offset = node.position?.start.offset ?? 0;
    if (node.type === 'code' && /^(`{3,}|~{3,})/.test(source.slice(offset))) {
      fences.push({
        line: node.position?.start.line,
        column: node.position?.start.column,
        info: node.lang ? `${node.lang}${node.meta ? ` ${node.meta}` : ''}` : '',
        body: node.value ?? '',
      });
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(tree);
  return { headings, fences };
}

function ourView(source: string) {
  const { headings, fences } = scanDocument(source, source.split('\n'));
  return {
    headings: headings.map((h) => ({ depth: h.depth, title: h.title, line: h.line })),
    fences: fences.map((f) => ({
      line: f.line,
      column: f.column,
      info: f.info,
      body: f.content.replace(/\n$/, ''),
    })),
  };
}

// No bare `1.` word: after an indented code block, micromark reads `1.` + `---` as a heading and markdown-it
// as an empty list item and a rule; CommonMark says the latter.
const word = fc.constantFrom(
  'alpha',
  'beta',
  'redis-1',
  'Sentinel',
  'fail',
  'over',
  '`code`',
  '*em*',
  'x=1',
  '#hash',
);
const words = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '));
const info = fc
  .tuple(
    fc.constantFrom('sh', 'check', 'yaml', 'bash', ''),
    fc.array(fc.constantFrom('id=a', 'timeout=30s', 'file=x.yaml', 'confirm="two words"'), { maxLength: 3 }),
  )
  .map(([kind, attrs]) => [kind, ...attrs].join(' ').trim());
const bodyLine = fc.oneof(
  words,
  fc.constantFrom('## not a step', '```', '~~~', '', '    indented', '- item'),
);
const fence = fc
  .tuple(fc.constantFrom('```', '~~~', '````'), info, fc.array(bodyLine, { maxLength: 4 }))
  .map(([marker, infoString, body]) => {
    const safeBody = body.filter(
      (line) => !line.startsWith(marker[0] === '`' ? '```' : '~~~') || line.length < marker.length,
    );
    return [`${marker}${infoString}`, ...safeBody, marker].join('\n');
  });
const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((line) => (line ? prefix + line : line))
    .join('\n');
const block = fc.oneof(
  words.map((w) => `# ${w}`),
  words.map((w) => `## ${w}`),
  words.map((w) => `### ${w}`),
  fc.tuple(words, fc.constantFrom('---', '===')).map(([w, u]) => `${w}\n${u}`),
  words,
  fence,
  fc.tuple(words, fence).map(([w, f]) => `- ${w}\n\n${indent(f, '  ')}`),
  fc.tuple(words, fence).map(([w, f]) => `1. ${w}\n\n${indent(f, '   ')}`),
  fence.map((f) =>
    f
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n'),
  ),
  fc.constant('<!--\n## hidden\n```sh\n-->'),
  fc.constant('    ## indented code, not a heading'),
  fc.constant('| a | b |\n| - | - |\n| 1 | 2 |'),
  fc.constant('***'),
);
const documentArb = fc
  .array(block, { minLength: 1, maxLength: 12 })
  .map((blocks) => `${blocks.join('\n\n')}\n`);

describe('Markdown block structure', () => {
  it('finds the same top-level headings and fenced blocks as mdast', () => {
    fc.assert(
      fc.property(documentArb, (source) => {
        expect(ourView(source)).toEqual(mdastView(source));
      }),
      { numRuns: 300 },
    );
  });

  it('reports the info string column and whether a fence is closed', () => {
    const { fences } = scanDocument('- item\n\n  ```sh   id=a\n  echo\n  ```\n\n```check\nopen', [
      '- item',
      '',
      '  ```sh   id=a',
      '  echo',
      '  ```',
      '',
      '```check',
      'open',
    ]);
    expect(fences.map((f) => [f.line, f.column, f.info, f.infoColumn, f.closed])).toEqual([
      [3, 3, 'sh   id=a', 6, true],
      [7, 1, 'check', 4, false],
    ]);
  });
});
