// The bundle's `string-width` (scripts/build-options.mjs points Ink's and its helpers' imports here): the
// same widths, without building string-width's emoji pattern (\p{RGI_Emoji}, a Unicode set of strings) for
// text that cannot hold an emoji or a cluster of several code points. Building that pattern and its first
// matches cost the first frame 30–60 ms of CPU, and every later non-ASCII string a match against it; the
// screen's own characters (box drawing, ○ ✓ ⋮ ▸, Latin-1, CJK) are one cluster per code point, whose width
// is the sum of their East Asian widths. Anything else goes to string-width itself, loaded on first need.
import { eastAsianWidth } from 'get-east-asian-width';
import type { Options } from 'string-width';
import stripAnsi from 'strip-ansi';

/**
 * Code points that may join a neighbour into one grapheme cluster, be invisible, or be (part of) an emoji:
 * marks and other extenders, controls and format characters, Hangul jamo and syllables, Prepend, emoji shown
 * as emoji by default and regional indicators, unassigned and private-use code points, and everything beyond
 * the BMP. (A text-style pictograph such as ⏱ is one cluster of its own unless a mark or joiner follows.)
 */
const NOT_SIMPLE =
  /[\p{M}\p{Grapheme_Extend}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Emoji_Presentation}\p{Emoji_Modifier}\p{Regional_Indicator}\u0D4E\u0E33\u0EB3\u1100-\u11FF\u3130-\u318F\uA960-\uA97F\uAC00-\uD7FF\u{10000}-\u{10FFFF}]/u;

/** The width of text (ANSI codes already removed) made only of simple code points; undefined otherwise. */
export function simpleWidth(text: string, ambiguousIsNarrow = true): number | undefined {
  if (NOT_SIMPLE.test(text)) return undefined;
  const options = { ambiguousAsWide: !ambiguousIsNarrow };
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    width += code >= 0x20 && code < 0x7f ? 1 : eastAsianWidth(code, options);
  }
  return width;
}

type StringWidth = (text: string, options?: Options) => number;
let full: StringWidth | undefined;

export default function stringWidth(input: string, options: Options = {}): number {
  if (typeof input !== 'string' || input.length === 0) return 0;
  let text = input;
  if (!options.countAnsiEscapeCodes && (text.includes('\u001B') || text.includes('\u009B')))
    text = stripAnsi(text);
  const simple = simpleWidth(text, options.ambiguousIsNarrow ?? true);
  if (simple !== undefined) return simple;
  // A static require: the bundler keeps string-width in this chunk but runs its module code only now.
  full ??= (require('string-width') as { default: StringWidth }).default;
  return full(input, options);
}
