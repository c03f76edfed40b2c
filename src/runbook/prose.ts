// A step's prose as a small tree the TUI renders, parsed with markdown-it, the library (and preset) the
// runbook parser already uses, plus GFM tables, strikethrough and task-list markers.
import MarkdownItFactory, { type MarkdownIt, type Token } from 'markdown-it';

export type Inline =
  | { type: 'text'; value: string }
  | { type: 'strong' | 'emphasis' | 'delete'; children: Inline[] }
  | { type: 'code'; value: string }
  | { type: 'link'; url: string; children: Inline[] }
  | { type: 'break' }
  | { type: 'image'; alt: string; url: string };

export interface ListItem {
  /** GFM task list: true for "[x]", false for "[ ]", undefined for an ordinary item. */
  checked?: boolean;
  children: Block[];
}

export type Block =
  | { type: 'heading'; depth: number; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; items: ListItem[] }
  | { type: 'code'; value: string }
  | { type: 'blockquote'; children: Block[] }
  | { type: 'rule' }
  | { type: 'table'; rows: string[][] }
  | { type: 'html'; value: string };

let parser: MarkdownIt | undefined;

function proseParser(): MarkdownIt {
  parser ??= new MarkdownItFactory('commonmark', { html: true }).enable(['table', 'strikethrough']);
  return parser;
}

const INLINE_CONTAINERS: Record<string, 'strong' | 'emphasis' | 'delete'> = {
  strong_open: 'strong',
  em_open: 'emphasis',
  s_open: 'delete',
};

function inlines(tokens: readonly Token[]): Inline[] {
  const root: Inline[] = [];
  const stack: Inline[][] = [root];
  const push = (node: Inline) => (stack.at(-1) as Inline[]).push(node);
  for (const token of tokens) {
    const container = INLINE_CONTAINERS[token.type];
    if (container) {
      const node = { type: container, children: [] as Inline[] };
      push(node);
      stack.push(node.children);
    } else if (token.type === 'link_open') {
      const node = {
        type: 'link' as const,
        url: String(token.attrGet('href') ?? ''),
        children: [] as Inline[],
      };
      push(node);
      stack.push(node.children);
    } else if (/_close$/.test(token.type)) {
      if (stack.length > 1) stack.pop();
    } else if (token.type === 'code_inline') push({ type: 'code', value: token.content });
    else if (token.type === 'softbreak') push({ type: 'text', value: ' ' });
    else if (token.type === 'hardbreak') push({ type: 'break' });
    else if (token.type === 'image')
      push({ type: 'image', alt: token.content, url: String(token.attrGet('src') ?? '') });
    // markdown-it leaves empty text tokens around markup; an empty child would upset Ink's wrapping.
    else if (token.content !== '') push({ type: 'text', value: token.content });
  }
  return root;
}

/** Plain text of a table cell or a heading. */
function plain(nodes: readonly Inline[]): string {
  return nodes
    .map((node) =>
      'value' in node
        ? node.value
        : 'children' in node
          ? plain(node.children)
          : node.type === 'image'
            ? node.alt
            : '',
    )
    .join('');
}

const TASK = /^\[([ xX])\] /;

/** "[ ] text" / "[x] text" at the start of an item's first paragraph marks a GFM task. */
function taskOf(item: ListItem): ListItem {
  const first = item.children[0];
  const text = first?.type === 'paragraph' ? first.children[0] : undefined;
  const match = text?.type === 'text' ? TASK.exec(text.value) : null;
  if (!match || text?.type !== 'text') return item;
  text.value = text.value.slice(match[0].length);
  return { ...item, checked: match[1] !== ' ' };
}

interface Cursor {
  tokens: readonly Token[];
  at: number;
}

function table(cursor: Cursor): Block {
  const rows: string[][] = [];
  while (cursor.at < cursor.tokens.length) {
    const token = cursor.tokens[cursor.at++] as Token;
    if (token.type === 'table_close') break;
    if (token.type === 'tr_open') rows.push([]);
    else if (token.type === 'inline') rows.at(-1)?.push(plain(inlines(token.children ?? [])));
  }
  return { type: 'table', rows };
}

/** Blocks until the token `until` closes the container (or the stream ends). */
function blocks(cursor: Cursor, until?: string): Block[] {
  const out: Block[] = [];
  while (cursor.at < cursor.tokens.length) {
    const token = cursor.tokens[cursor.at++] as Token;
    if (token.type === until) break;
    switch (token.type) {
      case 'heading_open':
      case 'paragraph_open': {
        const inline = cursor.tokens[cursor.at++];
        cursor.at++; // the matching _close
        const children = inlines(inline?.children ?? []);
        out.push(
          token.type === 'heading_open'
            ? { type: 'heading', depth: Number(token.tag.slice(1)), children }
            : { type: 'paragraph', children },
        );
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const close = token.type.replace('_open', '_close');
        const items: ListItem[] = [];
        while (cursor.at < cursor.tokens.length && cursor.tokens[cursor.at]?.type !== close) {
          cursor.at++; // list_item_open
          items.push(taskOf({ children: blocks(cursor, 'list_item_close') }));
        }
        cursor.at++;
        const ordered = token.type === 'ordered_list_open';
        out.push({ type: 'list', ordered, start: Number(token.attrGet('start') ?? 1), items });
        break;
      }
      case 'fence':
      case 'code_block':
        out.push({ type: 'code', value: token.content.replace(/\n$/, '') });
        break;
      case 'blockquote_open':
        out.push({ type: 'blockquote', children: blocks(cursor, 'blockquote_close') });
        break;
      case 'hr':
        out.push({ type: 'rule' });
        break;
      case 'table_open':
        out.push(table(cursor));
        break;
      case 'html_block':
        out.push({ type: 'html', value: token.content.replace(/\n$/, '') });
        break;
    }
  }
  return out;
}

/** The prose's blocks, for the TUI; nothing here throws on odd Markdown (it renders what it can). */
export function parseProse(source: string): Block[] {
  return blocks({ tokens: proseParser().parse(source, {}), at: 0 });
}
