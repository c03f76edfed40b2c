// Replies shown the way redis-cli shows them, bounded so an INFO never floods the output pane.

const MAX_LINES = 40;

function formatLines(reply: unknown, indent: string): string[] {
  if (reply === null || reply === undefined) return [`${indent}(nil)`];
  if (typeof reply === 'number') return [`${indent}(integer) ${reply}`];
  if (typeof reply === 'string') return reply.split(/\r?\n/).map((line) => `${indent}${line}`);
  if (Buffer.isBuffer(reply)) return [`${indent}${reply.toString('utf8')}`];
  if (Array.isArray(reply)) {
    if (reply.length === 0) return [`${indent}(empty array)`];
    const lines: string[] = [];
    reply.forEach((item, i) => {
      const prefix = `${i + 1}) `;
      if (Array.isArray(item)) {
        const nested = formatLines(item, ' '.repeat(prefix.length));
        lines.push(
          `${indent}${prefix}${(nested[0] ?? '').trimStart()}`,
          ...nested.slice(1).map((l) => indent + l),
        );
      } else {
        const text = typeof item === 'string' ? `"${item}"` : (formatLines(item, '')[0] ?? '');
        lines.push(`${indent}${prefix}${text}`);
      }
    });
    return lines;
  }
  return [`${indent}${JSON.stringify(reply)}`];
}

/** redis-cli-like lines for a reply, at most 40 (then a count of the rest). */
export function formatReply(reply: unknown): string[] {
  const lines = formatLines(reply, '').filter((line, i, all) => line !== '' || i < all.length - 1);
  if (lines.length <= MAX_LINES) return lines;
  return [
    ...lines.slice(0, MAX_LINES),
    `… ${lines.length - MAX_LINES} more lines (full reply in the result)`,
  ];
}
