import { describe, expect, it } from 'vitest';
import { plainWriteError } from '../../src/drill/write-errors.js';

describe('plainWriteError', () => {
  it('says what happened to the write instead of naming ioredis options', () => {
    for (const raw of [
      "Stream isn't writeable and enableOfflineQueue options is false",
      'Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.',
    ]) {
      const plain = plainWriteError(raw);
      expect(plain).toMatch(/^not sent: /);
      expect(plain).not.toMatch(/enableOfflineQueue|maxRetriesPerRequest/);
    }
    expect(plainWriteError('Command timed out')).toBe(
      'no reply in time: the write may or may not have been applied',
    );
    expect(plainWriteError("READONLY You can't write against a read only replica.")).toBe(
      'refused (READONLY): the node is a replica now',
    );
    expect(plainWriteError('something new')).toBe('something new');
  });
});
