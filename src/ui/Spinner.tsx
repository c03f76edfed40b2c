// A braille spinner. Every spinner on screen shares one clock, so two spinners cost one re-render per
// frame, not two unsynchronised ones (each re-render redraws the whole screen).
import { Text } from 'ink';
import { useEffect, useState } from 'react';
import { useTone } from './theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 125;

const listeners = new Set<(frame: number) => void>();
let frame = 0;
let timer: NodeJS.Timeout | undefined;

function subscribe(listener: (frame: number) => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    frame = (frame + 1) % FRAMES.length;
    for (const notify of listeners) notify(frame);
  }, FRAME_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export function Spinner() {
  const [current, setCurrent] = useState(frame);
  const tone = useTone();
  useEffect(() => subscribe(setCurrent), []);
  return <Text color={tone('accent')}>{FRAMES[current]}</Text>;
}
