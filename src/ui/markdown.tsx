// A step's explanation (Markdown) rendered for the terminal: headings, emphasis, lists, links, inline code,
// code blocks, quotes and GFM tables, as ink <Text> nodes.
import { Box, Text } from 'ink';
import type { List, ListItem, PhrasingContent, RootContent, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { type ReactNode, useMemo } from 'react';
import { type Tone, useTone } from './theme.js';

export function Markdown({ source }: { source: string }) {
  const tree = useMemo(
    () => fromMarkdown(source, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }),
    [source],
  );
  const tone = useTone();
  return (
    <Box flexDirection="column">
      {tree.children.map((node, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: blocks of a parsed document never reorder.
        <Block key={i} node={node} tone={tone} />
      ))}
    </Box>
  );
}

type ToneOf = (tone: Tone) => string | undefined;

function Block({ node, tone }: { node: RootContent; tone: ToneOf }): ReactNode {
  switch (node.type) {
    case 'heading':
      return (
        <Box marginTop={1}>
          <Text bold underline={node.depth <= 2} color={tone('heading')}>
            {node.children.map((c, i) => inline(c, tone, i))}
          </Text>
        </Box>
      );
    case 'paragraph':
      return (
        <Box marginBottom={1}>
          <Text>{node.children.map((c, i) => inline(c, tone, i))}</Text>
        </Box>
      );
    case 'list':
      return (
        <Box flexDirection="column" marginBottom={1}>
          <ListBlock list={node} tone={tone} />
        </Box>
      );
    case 'code':
      return (
        <Box flexDirection="column" marginBottom={1} paddingLeft={2}>
          {node.value.split('\n').map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of a code block never reorder.
            <Text key={i} color={tone('code')}>
              {line || ' '}
            </Text>
          ))}
        </Box>
      );
    case 'blockquote':
      return (
        <Box flexDirection="row" marginBottom={1}>
          <Text color={tone('muted')}>│ </Text>
          <Box flexDirection="column">
            {node.children.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: parsed blocks never reorder.
              <Block key={i} node={c} tone={tone} />
            ))}
          </Box>
        </Box>
      );
    case 'thematicBreak':
      return <Text color={tone('muted')}>{'─'.repeat(20)}</Text>;
    case 'table':
      return <TableBlock table={node} />;
    case 'html':
      return <Text color={tone('muted')}>{node.value}</Text>;
    default:
      return 'children' in node ? (
        <Text>{(node.children as PhrasingContent[]).map((c, i) => inline(c, tone, i))}</Text>
      ) : null;
  }
}

function ListBlock({ list, tone }: { list: List; tone: ToneOf }) {
  const start = list.start ?? 1;
  return (
    <>
      {list.children.map((item: ListItem, i) => {
        const marker =
          item.checked === true
            ? '[x]'
            : item.checked === false
              ? '[ ]'
              : list.ordered
                ? `${start + i}.`
                : '•';
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: list items of a parsed document never reorder.
          <Box key={i} flexDirection="row">
            {/* The marker keeps its width and the item text takes exactly the rest, so wrapped lines never
                run past the pane's edge (where overflow would cut their last letters). */}
            <Box flexShrink={0}>
              <Text color={tone('accent')}>{`${marker} `}</Text>
            </Box>
            <Box flexDirection="column" flexGrow={1} flexShrink={1}>
              {item.children.map((child, j) =>
                child.type === 'paragraph' ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: parsed blocks never reorder.
                  <Text key={j}>{child.children.map((c, k) => inline(c, tone, k))}</Text>
                ) : child.type === 'list' ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: parsed blocks never reorder.
                  <ListBlock key={j} list={child} tone={tone} />
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: parsed blocks never reorder.
                  <Block key={j} node={child} tone={tone} />
                ),
              )}
            </Box>
          </Box>
        );
      })}
    </>
  );
}

function TableBlock({ table }: { table: Table }) {
  const rows = table.children.map((row) => row.children.map((cell) => cell.children.map(plainText).join('')));
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return (
    <Box flexDirection="column" marginBottom={1}>
      {rows.map((cells, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: table rows never reorder.
        <Text key={i} bold={i === 0}>
          {cells.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ')}
        </Text>
      ))}
    </Box>
  );
}

function plainText(node: PhrasingContent): string {
  if ('value' in node) return node.value;
  if ('children' in node) return (node.children as PhrasingContent[]).map(plainText).join('');
  return '';
}

function inline(node: PhrasingContent, tone: ToneOf, key: number): ReactNode {
  const children = (nodes: PhrasingContent[]) => nodes.map((c, i) => inline(c, tone, i));
  switch (node.type) {
    case 'text':
      // A line break in the source is a soft break: the terminal wraps the paragraph itself.
      return node.value.replace(/\s*\n\s*/g, ' ');
    case 'strong':
      return (
        <Text key={key} bold>
          {children(node.children)}
        </Text>
      );
    case 'emphasis':
      return (
        <Text key={key} italic>
          {children(node.children)}
        </Text>
      );
    case 'delete':
      return (
        <Text key={key} strikethrough>
          {children(node.children)}
        </Text>
      );
    case 'inlineCode':
      return (
        <Text key={key} color={tone('code')}>
          {`\`${node.value}\``}
        </Text>
      );
    case 'link': {
      const label = node.children.map(plainText).join('');
      return (
        <Text key={key}>
          <Text underline color={tone('link')}>
            {children(node.children)}
          </Text>
          {label === node.url ? '' : ` (${node.url})`}
        </Text>
      );
    }
    case 'break':
      return '\n';
    case 'image':
      return `[image: ${node.alt ?? node.url}]`;
    default:
      return plainText(node);
  }
}
