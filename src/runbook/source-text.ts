// The runbook's text with its line offsets, so step prose is sliced rather than joined line by line.

/** The text of a source, and where each of its lines starts, so ranges of lines are cheap to slice. */
export interface SourceText {
  text: string;
  lines: string[];
  /** lineStarts[i] is the offset of 0-based line i; one extra entry marks the end. */
  lineStarts: number[];
}

export function sourceText(source: string): SourceText {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const lineStarts = new Array<number>(lines.length + 1);
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    lineStarts[i] = offset;
    offset += (lines[i] as string).length + 1;
  }
  lineStarts[lines.length] = offset;
  return { text, lines, lineStarts };
}

/** 1-based inclusive lines first..last, without the final newline. */
function sliceLines(source: SourceText, first: number, last: number): string {
  return source.text.slice(source.lineStarts[first - 1], (source.lineStarts[last] as number) - 1);
}

/** The lines of a range minus the excluded ranges, trimming blank lines at every seam. */
export function prose(
  source: SourceText,
  first: number,
  last: number,
  excluded: ReadonlyArray<[number, number]>,
): string {
  const pieces: string[] = [];
  let start = first;
  const flush = (end: number): void => {
    if (end >= start)
      pieces.push(
        sliceLines(source, start, end)
          .replace(/^(?:[ \t]*\n)+/, '')
          .trimEnd(),
      );
  };
  for (const [from, to] of excluded) {
    if (to < first || from > last) continue;
    flush(Math.min(from - 1, last));
    start = to + 1;
  }
  flush(last);
  return pieces
    .filter((piece) => piece.trim() !== '')
    .join('\n\n')
    .replace(/^[ \t]*\n/, '');
}
