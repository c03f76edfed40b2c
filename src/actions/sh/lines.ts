// Turns a byte stream into lines as they arrive, and keeps the last few for the result.

/** Longer lines are cut into pieces of this size, so output with no newline cannot grow memory unbounded. */
export const MAX_LINE_CHARS = 16 * 1024;

export class LineSplitter {
  private pending = '';

  /**
   * mask replaces every secret in a text. A cut could split a secret so that neither piece shows it whole
   * and neither is masked: an endless line is masked before it is cut, and cut only while a whole piece's
   * length is still held back after the cut, so any secret up to MAX_LINE_CHARS long that crosses the
   * cut has fully arrived, and been masked, first.
   */
  constructor(
    private readonly emit: (line: string) => void,
    private readonly mask: (text: string) => string = (text) => text,
  ) {}

  push(chunk: string): void {
    const text = this.pending + chunk;
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      this.emitLine(text.slice(start, newline));
      start = newline + 1;
    }
    this.pending = text.slice(start);
    if (this.pending.length <= 2 * MAX_LINE_CHARS) return;
    this.pending = this.mask(this.pending);
    while (this.pending.length > 2 * MAX_LINE_CHARS) {
      this.emit(this.pending.slice(0, MAX_LINE_CHARS));
      this.pending = this.pending.slice(MAX_LINE_CHARS);
    }
  }

  /** Emits a last line that had no newline. */
  end(): void {
    if (this.pending) this.emitLine(this.pending);
    this.pending = '';
  }

  private emitLine(line: string): void {
    this.emit(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

/** The last `limit` lines seen. */
export class LineTail {
  private readonly lines: string[] = [];
  private seen = 0;

  constructor(private readonly limit: number) {}

  add(line: string): void {
    this.seen++;
    this.lines.push(line);
    if (this.lines.length > this.limit) this.lines.shift();
  }

  last(count = this.limit): string[] {
    return this.lines.slice(-count);
  }

  get total(): number {
    return this.seen;
  }

  text(): string {
    return this.lines.join('\n');
  }
}
