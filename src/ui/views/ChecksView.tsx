// Check results: ✓/✗ with what was checked, and expected vs actual when it failed.
import { Box, Text } from 'ink';
import type { CheckResult } from '../../contract/action.js';
import { useTone } from '../theme.js';

export function ChecksView({ checks }: { checks: readonly CheckResult[] }) {
  const tone = useTone();
  return (
    <Box flexDirection="column">
      {checks.map((check, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: checks of one result never reorder.
        <Box key={i} flexDirection="column">
          <Text wrap="truncate">
            <Text color={tone(check.ok ? 'ok' : 'error')}>{check.ok ? '✓' : '✗'}</Text> {check.description}
            {check.where ? <Text color={tone('muted')}> @ {check.where}</Text> : null}
            {check.ok ? <Text color={tone('muted')}> = {check.actual}</Text> : null}
          </Text>
          {check.ok ? null : (
            <Text wrap="truncate">
              {'    expected '}
              <Text color={tone('ok')}>{check.expected}</Text>
              {', actual '}
              <Text color={tone('error')}>{check.actual}</Text>
            </Text>
          )}
        </Box>
      ))}
    </Box>
  );
}
