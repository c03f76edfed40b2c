// A code block whose language is almost an action kind (```shh, ```Sh, ```REDIS) is shown, never run: a run
// would report its step passed with nothing executed. Say so at check time.
import type { DiagnosticList, Position } from './diagnostics.js';
import { closest } from './suggest.js';

/** Display languages one edit away from a kind (go/do, dot/do): written on purpose, never a typo. */
const DISPLAY_LANGUAGES = new Set([
  'go',
  'dot',
  'po',
  'js',
  'ts',
  'sql',
  'diff',
  'text',
  'html',
  'bash',
  'shell',
]);

export function warnNearMissKind(
  word: string,
  at: Position,
  knownKinds: readonly string[],
  diagnostics: DiagnosticList,
): void {
  const sameButCase = knownKinds.find((kind) => kind.toLowerCase() === word.toLowerCase());
  const near =
    sameButCase ?? (DISPLAY_LANGUAGES.has(word.toLowerCase()) ? undefined : closest(word, knownKinds));
  if (!near) return;
  diagnostics.warning(
    at,
    `\`\`\`${word} is not an action kind, so this block is only shown and never run: did you mean "${near}"?`,
    sameButCase
      ? `kinds are lower case: write \`\`\`${near}`
      : `write \`\`\`${near} to run it; keep \`\`\`${word} only if the block is meant as text`,
  );
}
