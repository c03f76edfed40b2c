// A step's explanation (Markdown) rendered for the terminal: headings, emphasis, lists, links, inline code,
// code blocks, quotes and GFM tables, as ink <Text> nodes, from the runbook parser's markdown-it tree.
import { Box, Text } from 'ink';
import { memo, type ReactNode, useMemo } from 'react';
import { type Block, type Inline, type ListItem, parseProse } from '../runbook/prose.js';
import { type Tone, useTone } from './theme.js';

export const Markdown = memo(function Markdown({ source }: { source: string }) {
  const tree = useMemo(() => parseProse(source), [source]);
  const tone = useTone();
  return (
    <Box flexDirection="column">
      {tree.map((node, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: blocks of a parsed document never reorder.
        <BlockView key={i} node={node} tone={tone} />
      ))}
    </Box>
  );
});

type ToneOf = (tone: Tone) => string | undefined;

function BlockView({ node, tone }: { node: Block; tone: ToneOf }): ReactNode {
  switch (node.type) {
    case 'heading':
      return (
        <Box marginTop={1}>
          <Text bold underline={node.depth <= 2} color={tone('heading')}>
            {inlines(node.children, tone)}
          </Text>
        </Box>
      );
    case 'paragraph':
      return (
        <Box marginBottom={1}>
          <Text>{inlines(node.children, tone)}</Text>
        </Box>
      );
    case 'list':
      return (
        <Box flexDirection="column" marginBottom={1}>
          <ListView list={node} tone={tone} />
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
              <BlockView key={i} node={c} tone={tone} />
            ))}
          </Box>
        </Box>
      );
    case 'rule':
      return <Text color={tone('muted')}>{'─'.repeat(20)}</Text>;
    case 'table':
      return <TableView rows={node.rows} />;
    case 'html':
      return <Text color={tone('muted')}>{node.value}</Text>;
  }
}

function marker(item: ListItem, ordered: boolean, number: number): string {
  if (item.checked === true) return '[x]';
  if (item.checked === false) return '[ ]';
  return ordered ? `${number}.` : '•';
}

function ListView({ list, tone }: { list: Extract<Block, { type: 'list' }>; tone: ToneOf }) {
  return (
    <>
      {list.items.map((item, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: list items of a parsed document never reorder.
        <Box key={i} flexDirection="row">
          {/* The marker keeps its width and the item text takes exactly the rest, so wrapped lines never
              run past the pane's edge (where overflow would cut their last letters). */}
          <Box flexShrink={0}>
            <Text color={tone('accent')}>{`${marker(item, list.ordered, list.start + i)} `}</Text>
          </Box>
          <Box flexDirection="column" flexGrow={1} flexShrink={1}>
            {item.children.map((child, j) =>
              child.type === 'paragraph' ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: parsed blocks never reorder.
                <Text key={j}>{inlines(child.children, tone)}</Text>
              ) : child.type === 'list' ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: parsed blocks never reorder.
                <ListView key={j} list={child} tone={tone} />
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: parsed blocks never reorder.
                <BlockView key={j} node={child} tone={tone} />
              ),
            )}
          </Box>
        </Box>
      ))}
    </>
  );
}

function TableView({ rows }: { rows: string[][] }) {
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

function plainText(nodes: readonly Inline[]): string {
  return nodes.map((n) => ('value' in n ? n.value : 'children' in n ? plainText(n.children) : '')).join('');
}

function inlines(nodes: readonly Inline[], tone: ToneOf): ReactNode[] {
  return nodes.map((node, key) => inline(node, tone, key));
}

function inline(node: Inline, tone: ToneOf, key: number): ReactNode {
  switch (node.type) {
    case 'text':
      return node.value;
    case 'strong':
      return (
        <Text key={key} bold>
          {inlines(node.children, tone)}
        </Text>
      );
    case 'emphasis':
      return (
        <Text key={key} italic>
          {inlines(node.children, tone)}
        </Text>
      );
    case 'delete':
      return (
        <Text key={key} strikethrough>
          {inlines(node.children, tone)}
        </Text>
      );
    case 'code':
      return (
        <Text key={key} color={tone('code')}>
          {`\`${node.value}\``}
        </Text>
      );
    case 'link':
      return (
        <Text key={key}>
          <Text underline color={tone('link')}>
            {inlines(node.children, tone)}
          </Text>
          {plainText(node.children) === node.url ? '' : ` (${node.url})`}
        </Text>
      );
    case 'break':
      return '\n';
    case 'image':
      return `[image: ${node.alt || node.url}]`;
  }
}
