// A braille spinner, moved by the shared screen clock (src/ui/clock.ts): every spinner and elapsed timer on
// screen changes in the same frame.
import { Text } from 'ink';
import { useClock } from './clock.js';
import { useTone } from './theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner() {
  const tick = useClock(1);
  const tone = useTone();
  return <Text color={tone('accent')}>{FRAMES[tick % FRAMES.length]}</Text>;
}
