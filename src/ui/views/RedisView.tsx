// Commands sent to a Redis node and what it answered; INFO replication and ROLE as a replication row.
import { Box, Text } from 'ink';
import type { CommandRow } from '../../contract/views.js';
import { useTone } from '../theme.js';
import { ReplicationView } from './ReplicationView.js';

const REPLY_LINES = 4;

export function RedisView({ commands }: { commands: readonly CommandRow[] }) {
  const tone = useTone();
  return (
    <Box flexDirection="column">
      {commands.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: commands of one block run in order.
        <Box key={i} flexDirection="column">
          <Text wrap="truncate" color={tone('accent')}>{`› ${row.command}`}</Text>
          {row.error ? (
            <Text color={tone('error')}>{`  ✗ ${row.error}`}</Text>
          ) : row.skipped ? (
            <Text color={tone('muted')}> (not sent: dry run)</Text>
          ) : row.replication ? (
            <ReplicationView nodes={[row.replication]} />
          ) : (
            <>
              {row.reply.slice(0, REPLY_LINES).map((line, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: reply lines are positional.
                <Text key={j} wrap="truncate">{`  ${line}`}</Text>
              ))}
              {row.reply.length > REPLY_LINES ? (
                <Text color={tone('muted')}>{`  … ${row.reply.length - REPLY_LINES} more lines`}</Text>
              ) : null}
            </>
          )}
        </Box>
      ))}
    </Box>
  );
}
