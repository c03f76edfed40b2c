// A braille spinner; each instance ticks on its own timer only while mounted.
import { Text } from 'ink';
import { useTick } from './hooks.js';
import { useTone } from './theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner() {
  const tick = useTick(100);
  const tone = useTone();
  return <Text color={tone('accent')}>{FRAMES[tick % FRAMES.length]}</Text>;
}
