import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateAddress,
  blockSize,
  formatCidr,
  isLoopback,
  mapToLoopback,
  parseCidr,
  parseIpv4,
} from '../../src/lab/emulator/addresses.js';

const mapped = (text: string) => {
  const result = mapToLoopback(parseCidr(text) ?? { base: 0, prefix: 0 });
  return result.ok ? formatCidr(result.cidr) : `rejected: ${result.problem}`;
};

describe('loopback mapping', () => {
  it('keeps the low octets of private ranges and keeps loopback ranges', () => {
    expect(mapped('10.10.0.0/24')).toBe('127.10.0.0/24');
    expect(mapped('172.20.5.0/24')).toBe('127.20.5.0/24');
    expect(mapped('192.168.7.0/24')).toBe('127.168.7.0/24');
    expect(mapped('127.44.0.0/16')).toBe('127.44.0.0/16');
  });

  it('rejects public ranges and the edges just outside the private blocks', () => {
    for (const range of ['8.8.8.0/24', '172.15.0.0/24', '172.32.0.0/24', '192.169.0.0/24', '11.0.0.0/24']) {
      expect(mapped(range)).toMatch(/^rejected: .* is not a private range/);
    }
  });

  it('never produces an address outside 127.0.0.0/8 for any input range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 16, max: 28 }),
        (address, prefix) => {
          const size = 2 ** (32 - prefix);
          const base = Math.floor(address / size) * size;
          const result = mapToLoopback({ base, prefix });
          if (!result.ok) return;
          expect(isLoopback(result.cidr.base)).toBe(true);
          expect(isLoopback(result.cidr.base + blockSize(result.cidr) - 1)).toBe(true);
        },
      ),
    );
  });
});

describe('address allocation', () => {
  const range = { base: parseIpv4('127.10.0.0') ?? 0, prefix: 24 };

  it('hands out the lowest free address from .10, or the preferred one when free', () => {
    expect(allocateAddress(range, new Set())).toBe('127.10.0.10');
    expect(allocateAddress(range, new Set(['127.10.0.10', '127.10.0.11']))).toBe('127.10.0.12');
    expect(allocateAddress(range, new Set(), 20)).toBe('127.10.0.20');
    expect(allocateAddress(range, new Set(['127.10.0.20']), 20)).toBe('127.10.0.10');
    expect(allocateAddress(range, new Set(), 255)).toBe('127.10.0.10');
  });

  it('returns nothing when the range is full', () => {
    const small = { base: parseIpv4('127.10.0.0') ?? 0, prefix: 28 };
    const used = new Set(['127.10.0.10', '127.10.0.11', '127.10.0.12', '127.10.0.13', '127.10.0.14']);
    expect(allocateAddress(small, used)).toBeUndefined();
  });

  it('parses only well-formed addresses and ranges', () => {
    expect(parseIpv4('127.0.0.1')).toBe(0x7f000001);
    for (const bad of ['127.0.0', '127.0.0.256', '01.2.3.4', 'a.b.c.d', '1.2.3.4.5'])
      expect(parseIpv4(bad)).toBeUndefined();
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/x', '10.0.0.0/8/1'])
      expect(parseCidr(bad)).toBeUndefined();
  });
});
