// How users start drillbook: the node flags on bin/drillbook.js's shebang line, so a benchmark that runs its
// private build measures the program as `drillbook` runs it.
import { readFileSync } from 'node:fs';

export function launchFlags() {
  const first = readFileSync(new URL('../../bin/drillbook.js', import.meta.url), 'utf8').split('\n')[0] ?? '';
  const match = /^#!\/usr\/bin\/env -S node(.*)$/.exec(first);
  return match ? match[1].trim().split(/\s+/).filter(Boolean) : [];
}
