// A bounded buffer for streamed output: memory stays flat however long a step talks.

export class RingBuffer<T> {
  private readonly items: T[] = [];
  private start = 0;
  /** Every item ever pushed, including those overwritten; lets the UI say "1,234 earlier lines dropped". */
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
  }

  push(item: T): void {
    this.pushed++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  get size(): number {
    return this.items.length;
  }

  get totalPushed(): number {
    return this.pushed;
  }

  get dropped(): number {
    return this.pushed - this.items.length;
  }

  /** The item at a position counted from the oldest retained one. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.items.length) return undefined;
    return this.items[(this.start + index) % this.items.length];
  }

  /**
   * A window of at most `height` items ending `fromEnd` items before the newest, oldest first.
   * fromEnd is clamped so the window never runs past the oldest retained item.
   */
  window(height: number, fromEnd = 0): T[] {
    const size = this.items.length;
    const count = Math.max(0, Math.min(height, size));
    const offset = Math.max(0, Math.min(fromEnd, size - count));
    const first = size - count - offset;
    const out: T[] = [];
    for (let i = first; i < first + count; i++) out.push(this.at(i) as T);
    return out;
  }

  toArray(): T[] {
    return this.window(this.items.length);
  }
}
