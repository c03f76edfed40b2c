// Asks the operator for something: a value (masked for secrets), a manual checklist item (done / skip,
// timestamped), or one of several choices.
import { Box, Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import type { PromptRequest } from '../contract/action.js';
import { TextInput } from './TextInput.js';
import { useTone } from './theme.js';

export function PromptDialog({
  request,
  onAnswer,
}: {
  request: PromptRequest;
  onAnswer: (value: string) => void;
}) {
  const tone = useTone();
  return (
    <Box flexDirection="column" borderStyle="double" borderColor={tone('accent')} paddingX={1}>
      <Text bold wrap="wrap">
        {request.kind === 'checklist' ? '☐ ' : '? '}
        {request.question}
      </Text>
      {request.kind === 'checklist' ? (
        <Checklist onAnswer={onAnswer} />
      ) : request.kind === 'choice' && request.choices && request.choices.length > 0 ? (
        <Choices choices={request.choices} initial={request.default} onAnswer={onAnswer} />
      ) : (
        <ValueInput request={request} onAnswer={onAnswer} />
      )}
    </Box>
  );
}

function Checklist({ onAnswer }: { onAnswer: (value: string) => void }) {
  useInput((input) => {
    if (input === 'd' || input === 'y') onAnswer('done');
    else if (input === 's') onAnswer('skipped');
  });
  return <Text>d (or y) done · s skip — your answer is recorded with the time</Text>;
}

function Choices({
  choices,
  initial,
  onAnswer,
}: {
  choices: string[];
  initial?: string;
  onAnswer: (value: string) => void;
}) {
  const tone = useTone();
  const [index, setIndex] = useState(() => Math.max(0, initial ? choices.indexOf(initial) : 0));
  // Keys can arrive faster than renders; the ref always holds the current choice.
  const current = useRef(index);
  const move = (next: number) => {
    current.current = Math.max(0, Math.min(choices.length - 1, next));
    setIndex(current.current);
  };
  useInput((input, key) => {
    if (key.upArrow || input === 'k') move(current.current - 1);
    else if (key.downArrow || input === 'j') move(current.current + 1);
    else if (key.return) onAnswer(choices[current.current] as string);
    else if (/^[1-9]$/.test(input) && Number(input) <= choices.length)
      onAnswer(choices[Number(input) - 1] as string);
  });
  return (
    <Box flexDirection="column">
      {choices.map((choice, i) => (
        <Text key={choice} inverse={i === index} color={i === index ? tone('accent') : undefined}>
          {`${i + 1}. ${choice}`}
        </Text>
      ))}
    </Box>
  );
}

function ValueInput({ request, onAnswer }: { request: PromptRequest; onAnswer: (value: string) => void }) {
  const tone = useTone();
  const [empty, setEmpty] = useState(false);
  const hint =
    request.default !== undefined && !request.secret ? `Enter keeps ${request.default}` : undefined;
  return (
    <Box flexDirection="column">
      <TextInput
        secret={request.secret}
        placeholder={hint}
        onSubmit={(value) => {
          if (value !== '') onAnswer(value);
          else if (request.default !== undefined) onAnswer(request.default);
          else setEmpty(true);
        }}
      />
      {empty ? <Text color={tone('error')}>An answer is needed here (Ctrl-C aborts the step).</Text> : null}
      {request.secret ? (
        <Text color={tone('muted')}>Hidden as you type; never shown or journaled.</Text>
      ) : null}
    </Box>
  );
}
