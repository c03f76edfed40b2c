// Asks before a step changes something. Mutating: y/N, Enter or Esc cancels. Destructive: the operator
// types the resource name; anything else, or nothing, cancels. With details folded (training), what the kinds
// looked up (prices) stays out of sight until v shows it.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { ConfirmRequest } from '../contract/action.js';
import { TextInput } from './TextInput.js';
import { useTone } from './theme.js';

export function ConfirmDialog({
  request,
  folded = false,
  onAnswer,
}: {
  request: ConfirmRequest;
  /** Details are folded: show the brief message while there is one, until v. */
  folded?: boolean;
  onAnswer: (accepted: boolean) => void;
}) {
  const tone = useTone();
  const [unfolded, setUnfolded] = useState(false);
  const destructive = request.safety === 'destructive' && request.typeToConfirm !== undefined;
  const brief = folded && !unfolded && !destructive ? request.brief : undefined;
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
        {brief ?? request.message}
        {brief ? <Text color={tone('muted')}> (prices and look-ups folded: v shows them)</Text> : null}
      </Text>
      {destructive ? (
        <TypedConfirm expected={request.typeToConfirm as string} onAnswer={onAnswer} />
      ) : (
        <YesNo onAnswer={onAnswer} onDetails={() => setUnfolded(true)} />
      )}
    </Box>
  );
}

function YesNo({ onAnswer, onDetails }: { onAnswer: (accepted: boolean) => void; onDetails: () => void }) {
  useInput((input, key) => {
    if (input === 'v') onDetails();
    else if (input === 'y' || input === 'Y') onAnswer(true);
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
