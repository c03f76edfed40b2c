// A one-line text field: typed characters append, Backspace deletes, Enter submits, Esc cancels.
// Secret fields show one • per character and never the text.
import { Text, useInput } from 'ink';
import { useState } from 'react';
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
  const tone = useTone();
  useInput((input, key) => {
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return;
    if (key.return) onSubmit(value);
    else if (key.escape) onCancel?.();
    else if (key.backspace || key.delete) setValue((v) => v.slice(0, -1));
    else if (input) setValue((v) => v + input.replace(/[\r\n]/g, ''));
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
