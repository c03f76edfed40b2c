import { describe, expect, it } from 'vitest';
import { summarizeWrites, type WriteRecord } from './probe-stats.js';
import { humanUnavailable } from './series.js';

const write = (seq: number, sentAt: number, outcome: WriteRecord['outcome']): WriteRecord => ({
  seq,
  key: `k${seq}`,
  sentAt,
  doneAt: sentAt + 2,
  outcome,
});

describe('summarizeWrites: how long writes were unavailable', () => {
  it('counts first failure → first acknowledgement after it', () => {
    const writes = summarizeWrites([
      write(1, 0, 'acknowledged'),
      write(2, 100, 'failed'),
      write(3, 200, 'failed'),
      write(4, 300, 'acknowledged'),
    ]);
    expect(writes.unavailableMs).toBe(202);
    expect(writes.recovered).toBe(true);
  });

  it('counts writes that never came back until the last answer, and says they did not recover', () => {
    const writes = summarizeWrites([
      write(1, 0, 'acknowledged'),
      write(2, 100, 'failed'),
      write(3, 900, 'failed'),
    ]);
    expect(writes.unavailableMs).toBe(802);
    expect(writes.recovered).toBe(false);
    expect(humanUnavailable({ unavailable_ms: 802, writes_recovered: false })).toBe(
      '≥ 802 ms, not recovered',
    );
  });

  it('has no unavailability when nothing failed', () => {
    const writes = summarizeWrites([write(1, 0, 'acknowledged'), write(2, 100, 'acknowledged')]);
    expect(writes.unavailableMs).toBeNull();
    expect(writes.recovered).toBe(true);
    expect(humanUnavailable({ unavailable_ms: 0, writes_recovered: true })).toBe('0 ms');
  });
});
