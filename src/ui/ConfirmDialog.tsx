// Asks before a step changes something. Mutating: y/N, Enter or Esc cancels. Destructive: the operator
// types the resource name; anything else, or nothing, cancels.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { ConfirmRequest } from '../contract/action.js';
import { TextInput } from './TextInput.js';
import { useTone } from './theme.js';

export function ConfirmDialog({
  request,
  onAnswer,
}: {
  request: ConfirmRequest;
  onAnswer: (accepted: boolean) => void;
}) {
  const tone = useTone();
  const destructive = request.safety === 'destructive' && request.typeToConfirm !== undefined;
  return (
    <Box
      flexDirection="column"
      borderStyle="double"
      borderColor={tone(destructive ? 'error' : 'warn')}
      paddingX={1}
    >
      <Text wrap="wrap">
        <Text bold color={tone(destructive ? 'error' : 'warn')}>
          {destructive ? 'Destructive: ' : 'Confirm: '}
        </Text>
        {request.message}
      </Text>
      {destructive ? (
        <TypedConfirm expected={request.typeToConfirm as string} onAnswer={onAnswer} />
      ) : (
        <YesNo onAnswer={onAnswer} />
      )}
    </Box>
  );
}

function YesNo({ onAnswer }: { onAnswer: (accepted: boolean) => void }) {
  useInput((input, key) => {
    if (input === 'y' || input === 'Y') onAnswer(true);
    else if (input === 'n' || input === 'N' || key.return || key.escape) onAnswer(false);
  });
  return <Text>Proceed? y/N (Enter cancels)</Text>;
}

function TypedConfirm({ expected, onAnswer }: { expected: string; onAnswer: (accepted: boolean) => void }) {
  const tone = useTone();
  const [mismatch, setMismatch] = useState<string>();
  return (
    <Box flexDirection="column">
      <Text>
        Type <Text bold>{expected}</Text> to proceed (Esc or an empty line cancels):
      </Text>
      <TextInput
        onSubmit={(typed) => {
          if (typed === expected) onAnswer(true);
          else if (typed === '') onAnswer(false);
          else setMismatch(typed);
        }}
        onCancel={() => onAnswer(false)}
      />
      {mismatch !== undefined ? (
        <Text
          color={tone('error')}
        >{`"${mismatch}" is not "${expected}"; type it exactly, or Esc to cancel.`}</Text>
      ) : null}
    </Box>
  );
}
