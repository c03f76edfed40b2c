// Step prose as the TUI gets it: the markdown-it tree, with GFM tables, strikethrough and task-list markers.
import { describe, expect, it } from 'vitest';
import { parseProse } from '../../src/runbook/prose.js';

describe('parseProse', () => {
  it('keeps headings, emphasis, code, links and soft breaks as one paragraph', () => {
    expect(parseProse('## Why\n\nA **bold** and `code` [link](https://x.test)\nnext line\n')).toEqual([
      { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Why' }] },
      {
        type: 'paragraph',
        children: [
          { type: 'text', value: 'A ' },
          { type: 'strong', children: [{ type: 'text', value: 'bold' }] },
          { type: 'text', value: ' and ' },
          { type: 'code', value: 'code' },
          { type: 'text', value: ' ' },
          { type: 'link', url: 'https://x.test', children: [{ type: 'text', value: 'link' }] },
          { type: 'text', value: ' ' },
          { type: 'text', value: 'next line' },
        ],
      },
    ]);
  });

  it('reads task lists, ordered starts, tables, quotes, rules and code blocks', () => {
    const blocks = parseProse(
      '- [x] done\n- [ ] todo\n\n3. third\n\n| a | b |\n| - | - |\n| 1 | ~~2~~ |\n\n> quoted\n\n---\n\n```\ncode\n```\n',
    );
    expect(blocks.map((b) => b.type)).toEqual(['list', 'list', 'table', 'blockquote', 'rule', 'code']);
    expect(blocks[0]).toMatchObject({
      items: [
        { checked: true, children: [{ children: [{ type: 'text', value: 'done' }] }] },
        { checked: false, children: [{ children: [{ type: 'text', value: 'todo' }] }] },
      ],
    });
    expect(blocks[1]).toMatchObject({ ordered: true, start: 3 });
    expect(blocks[2]).toEqual({
      type: 'table',
      rows: [
        ['a', 'b'],
        ['1', '2'],
      ],
    });
    expect(blocks[5]).toEqual({ type: 'code', value: 'code' });
  });
});
