// A running action's progress: spinner, message, and "3 of 5" when a count is known.
import { Text } from 'ink';
import { Spinner } from '../Spinner.js';

export function ProgressView({ progress }: { progress: { message: string; done?: number; total?: number } }) {
  const count =
    progress.done !== undefined && progress.total !== undefined
      ? ` (${progress.done} of ${progress.total})`
      : '';
  return (
    <Text wrap="truncate">
      <Spinner /> {progress.message}
      {count}
    </Text>
  );
}
