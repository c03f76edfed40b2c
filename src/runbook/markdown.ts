// Block structure of a runbook: top-level # and ## headings and every fenced code block, with positions.
// markdown-it (CommonMark) is used rather than micromark/mdast because it parses a 5,000-step runbook
// in tens of milliseconds instead of a second (docs/benchmarks.md, "parse").
import MarkdownItFactory, { type MarkdownIt, type Token } from 'markdown-it';

export interface Heading {
  depth: number;
  /** Plain text of the heading (inline markup removed). */
  title: string;
  /** 1-based */
  line: number;
  column: number;
  /** 1-based last line (setext headings span two). */
  endLine: number;
}

export interface Fence {
  /** 1-based line and column of the opening fence characters. */
  line: number;
  column: number;
  /** The info string as written, and the 1-based column where it starts. */
  info: string;
  infoColumn: number;
  /** Lines between the fences, container indentation removed, each ending in a newline. */
  content: string;
  /** 1-based last line of the block (the closing fence when there is one). */
  endLine: number;
  closed: boolean;
  /** The opening fence characters, e.g. ``` or ~~~~. */
  markup: string;
}

export interface ScannedDocument {
  /** Top-level headings of depth 1 and 2, in order. */
  headings: Heading[];
  fences: Fence[];
}

let parser: MarkdownIt | undefined;

// Built on first use so importing the parser costs nothing on the start-up path.
function blockParser(): MarkdownIt {
  if (!parser) {
    parser = new MarkdownItFactory('commonmark', { html: true }).enable(['table', 'strikethrough']);
    // Only block structure matters here; inline parsing would double the cost.
    parser.core.ruler.disable('inline');
  }
  return parser;
}

/** Characters that can start inline markup; a heading without any is already plain text. */
const INLINE_MARKUP = /[`*_[\]<>&\\!~]/;

function plainText(md: MarkdownIt, inline: string): string {
  if (!INLINE_MARKUP.test(inline)) return inline.trim();
  const tokens: Token[] = [];
  md.inline.parse(inline, md, {}, tokens);
  let text = '';
  const collect = (list: Token[]): void => {
    for (const token of list) {
      if (token.type === 'text' || token.type === 'text_special' || token.type === 'code_inline')
        text += token.content;
      else if (token.type === 'softbreak' || token.type === 'hardbreak') text += ' ';
      else if (token.children) collect(token.children);
    }
  };
  collect(tokens);
  return text.trim();
}

function isClosingFence(lineText: string, markup: string): boolean {
  const stripped = lineText.replace(/^[ \t>]*/, '');
  const char = markup[0] as string;
  let run = 0;
  while (stripped[run] === char) run++;
  return run >= markup.length && stripped.slice(run).trim() === '';
}

/**
 * `text` is the Markdown to parse (front matter already blanked out, so line numbers are the file's);
 * `lines` is the file split on \n, for the columns of headings and fences.
 */
export function scanDocument(text: string, lines: readonly string[]): ScannedDocument {
  const md = blockParser();
  const tokens = md.parse(text, {});
  const headings: Heading[] = [];
  const fences: Fence[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (
      token.type === 'heading_open' &&
      token.level === 0 &&
      (token.tag === 'h1' || token.tag === 'h2') &&
      token.map
    ) {
      const lineText = lines[token.map[0]] ?? '';
      const inline = tokens[i + 1];
      headings.push({
        depth: token.tag === 'h1' ? 1 : 2,
        title: inline?.type === 'inline' ? plainText(md, inline.content) : '',
        line: token.map[0] + 1,
        column: lineText.length - lineText.trimStart().length + 1,
        endLine: token.map[1],
      });
    } else if (token.type === 'fence' && token.map) {
      const [start, end] = token.map;
      const lineText = lines[start] ?? '';
      const fenceIndex = lineText.indexOf(token.markup);
      const afterFence = lineText.slice(fenceIndex + token.markup.length);
      const infoStart = afterFence.length - afterFence.trimStart().length;
      fences.push({
        line: start + 1,
        column: fenceIndex + 1,
        info: afterFence.trim(),
        infoColumn: fenceIndex + token.markup.length + infoStart + 1,
        content: token.content,
        endLine: end,
        closed: end - 1 > start && isClosingFence(lines[end - 1] ?? '', token.markup),
        markup: token.markup,
      });
    }
  }
  return { headings, fences };
}
