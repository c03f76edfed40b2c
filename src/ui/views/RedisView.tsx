// Commands sent to a Redis node and what it answered; INFO replication replies get the replication table.
import { Box, Text } from 'ink';
import { useTone } from '../theme.js';
import { isRecord, pick, text } from './fields.js';
import { KeyValueView } from './KeyValueView.js';
import { ReplicationView } from './ReplicationView.js';

const REPLY_LINES = 4;

function replyLines(reply: unknown): string[] {
  if (Array.isArray(reply)) return reply.map((item) => text(item));
  return text(reply, '(nil)').split('\n');
}

export function RedisView({ data }: { data: unknown }) {
  const tone = useTone();
  if (!isRecord(data) || !Array.isArray(data.commands)) return <KeyValueView data={data} />;
  const node = text(pick(data, 'node', 'address'), '');
  return (
    <Box flexDirection="column">
      {data.commands.filter(isRecord).map((record, i) => {
        const parsed = record.parsed;
        const lines = replyLines(record.reply);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: commands of one block run in order.
          <Box key={i} flexDirection="column">
            <Text wrap="truncate" color={tone('accent')}>{`› ${text(record.command)}`}</Text>
            {record.error ? (
              <Text color={tone('error')}>{`  ✗ ${text(record.error)}`}</Text>
            ) : record.skipped ? (
              <Text color={tone('muted')}> (not sent: dry run)</Text>
            ) : isRecord(parsed) && pick(parsed, 'role') !== undefined ? (
              <ReplicationView data={{ node, ...parsed }} />
            ) : (
              <>
                {lines.slice(0, REPLY_LINES).map((line, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: reply lines are positional.
                  <Text key={j} wrap="truncate">{`  ${line}`}</Text>
                ))}
                {lines.length > REPLY_LINES ? (
                  <Text color={tone('muted')}>{`  … ${lines.length - REPLY_LINES} more lines`}</Text>
                ) : null}
              </>
            )}
          </Box>
        );
      })}
    </Box>
  );
}
