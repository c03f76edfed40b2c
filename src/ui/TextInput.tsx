// A one-line text field: typed characters append, Backspace deletes, Enter submits, Esc cancels.
// Secret fields show one • per character and never the text.
import { Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import { useTone } from './theme.js';

export function TextInput({
  secret = false,
  placeholder,
  onSubmit,
  onCancel,
}: {
  secret?: boolean;
  placeholder?: string;
  onSubmit: (value: string) => void;
  onCancel?: () => void;
}) {
  const [value, setValue] = useState('');
  // Keys can arrive faster than renders; the ref always holds what has been typed so far.
  const typed = useRef('');
  const tone = useTone();
  const update = (next: string) => {
    typed.current = next;
    setValue(next);
  };
  useInput((input, key) => {
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return;
    if (key.return) onSubmit(typed.current);
    else if (key.escape) onCancel?.();
    else if (key.backspace || key.delete) update(typed.current.slice(0, -1));
    else if (input) {
      // A fast typist or a paste delivers several keys at once, Enter included.
      const [text = '', ...rest] = input.split(/\r\n?|\n/);
      update(typed.current + text);
      if (rest.length > 0) onSubmit(typed.current);
    }
  });
  const shown = secret ? '•'.repeat(value.length) : value;
  return (
    <Text>
      <Text color={tone('accent')}>{'› '}</Text>
      {shown ? shown : <Text color={tone('muted')}>{placeholder ?? ''}</Text>}
      <Text inverse> </Text>
    </Text>
  );
}
