// Colours as roles, switched off entirely when NO_COLOR is set (https://no-color.org). Status is always
// also carried by a glyph, so nothing depends on colour alone.
import { createContext, useContext } from 'react';

export type Tone = 'ok' | 'error' | 'warn' | 'muted' | 'accent' | 'code' | 'link' | 'heading' | 'focus';

const COLORS: Record<Tone, string> = {
  ok: 'green',
  error: 'red',
  warn: 'yellow',
  muted: 'gray',
  accent: 'cyan',
  code: 'yellow',
  link: 'blue',
  heading: 'magenta',
  focus: 'cyan',
};

export interface Theme {
  color: boolean;
}

export function themeFromEnv(env: NodeJS.ProcessEnv = process.env): Theme {
  return { color: env.NO_COLOR === undefined || env.NO_COLOR === '' };
}

export const ThemeContext = createContext<Theme>({ color: true });

/** Returns the colour for a role, or undefined when colours are off. */
export function useTone(): (tone: Tone) => string | undefined {
  const { color } = useContext(ThemeContext);
  return (tone) => (color ? COLORS[tone] : undefined);
}
