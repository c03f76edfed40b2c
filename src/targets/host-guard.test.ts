import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkReach,
  hostReach,
  ipv6Groups,
  isLoopbackLiteral,
  OffHostConnectionRefused,
} from './host-guard.js';

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet);
const group = fc.integer({ min: 0, max: 0xffff });
const hex = (value: number) => value.toString(16);

/** Every way to write eight groups that Node accepts: full, zero-padded, and with each run of zeros compressed. */
function spellings(groups: number[]): string[] {
  const full = groups.map(hex).join(':');
  const padded = groups.map((g) => hex(g).padStart(4, '0')).join(':');
  const forms = [full, padded, padded.toUpperCase()];
  for (let start = 0; start < 8; start++) {
    for (let end = start + 1; end <= 8; end++) {
      if (groups.slice(start, end).every((g) => g === 0)) {
        forms.push(`${groups.slice(0, start).map(hex).join(':')}::${groups.slice(end).map(hex).join(':')}`);
      }
    }
  }
  return forms;
}

describe('isLoopbackLiteral', () => {
  it('IPv4: exactly 127.0.0.0/8', () => {
    fc.assert(
      fc.property(ipv4, ([a, b, c, d]) => {
        expect(isLoopbackLiteral(`${a}.${b}.${c}.${d}`)).toBe(a === 127);
      }),
    );
  });

  it('IPv4-mapped IPv6, dotted or hex, bracketed or not: loopback exactly when the IPv4 is', () => {
    fc.assert(
      fc.property(ipv4, ([a, b, c, d]) => {
        const high = hex((a << 8) | b);
        const low = hex((c << 8) | d);
        for (const form of [
          `::ffff:${a}.${b}.${c}.${d}`,
          `::ffff:${high}:${low}`,
          `0:0:0:0:0:ffff:${high}:${low}`,
        ]) {
          expect(isLoopbackLiteral(form)).toBe(a === 127);
          expect(isLoopbackLiteral(`[${form}]`)).toBe(a === 127);
        }
        // IPv4-compatible (deprecated) and NAT64 forms are not loopback, whatever the IPv4 inside.
        expect(isLoopbackLiteral(`::${a}.${b}.${c}.${d}`)).toBe(false);
        expect(isLoopbackLiteral(`64:ff9b::${a}.${b}.${c}.${d}`)).toBe(false);
      }),
    );
  });

  it('IPv6: only ::1 and mapped loopback, the same verdict for every spelling', () => {
    const interesting = fc.oneof(
      fc.array(group, { minLength: 8, maxLength: 8 }),
      fc.constant([0, 0, 0, 0, 0, 0, 0, 1] as number[]),
      fc.tuple(fc.integer({ min: 0, max: 7 }), group).map(([at, value]) => {
        const groups = [0, 0, 0, 0, 0, 0, 0, 0];
        groups[at] = value;
        return groups;
      }),
    );
    fc.assert(
      fc.property(interesting, (groups) => {
        const expected =
          groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1
            ? true
            : groups.slice(0, 5).every((g) => g === 0) &&
              groups[5] === 0xffff &&
              (groups[6] as number) >> 8 === 127;
        for (const form of spellings(groups)) {
          expect(ipv6Groups(form)).toEqual(groups);
          expect(isLoopbackLiteral(form)).toBe(expected);
        }
      }),
    );
  });

  it('names, partial and numeric forms the resolver would expand are not literals', () => {
    for (const text of [
      '127.1',
      '2130706433',
      '0x7f.0.0.1',
      '0177.0.0.1',
      'redis-1',
      'fe80::1%eth0',
      '',
      '::1:',
    ]) {
      expect(isLoopbackLiteral(text)).toBe(false);
    }
    fc.assert(
      fc.property(fc.domain(), (name) => {
        expect(isLoopbackLiteral(name)).toBe(false);
      }),
    );
  });
});

describe('checkReach', () => {
  it('lets anything through against a real cloud', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()), (host) => checkReach('any', host, 1, 'x')),
    );
  });

  it('on the lab: loopback and localhost pass; every other address and every name is refused', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()), (host) => {
        const allowed = /^localhost$/i.test(host) || isLoopbackLiteral(host);
        if (allowed) checkReach('loopback-only', host, 6379, 'Redis');
        else expect(() => checkReach('loopback-only', host, 6379, 'Redis')).toThrow(OffHostConnectionRefused);
      }),
    );
    checkReach('loopback-only', 'localhost', 6379, 'Redis');
    checkReach('loopback-only', '127.10.0.11', 6379, 'Redis');
  });

  it('says what was refused and what to do instead', () => {
    expect(() => checkReach('loopback-only', '10.10.0.11', 6379, 'Redis')).toThrow(
      /^Redis 10\.10\.0\.11:6379: the lab target never connects from this machine to a non-loopback address .*--via ssh:\/\/root@/,
    );
    expect(() => checkReach('loopback-only', 'fd00::5', 6379, 'Redis')).toThrow(/Redis \[fd00::5\]:6379/);
    expect(() => checkReach('loopback-only', 'redis.internal', 6379, 'Redis')).toThrow(
      /redis\.internal:6379: on the lab target a host is named by its address, not a name/,
    );
  });
});

describe('hostReach', () => {
  const ctx = (target: unknown) => ({
    resolve: (path: string) => {
      if (path !== 'run.target') throw new Error(path);
      if (target === undefined) throw new Error('no run');
      return target;
    },
  });
  it('is loopback-only on the lab and when the target is unknown, open only against DigitalOcean', () => {
    expect(hostReach(ctx('lab'))).toBe('loopback-only');
    expect(hostReach(ctx(undefined))).toBe('loopback-only');
    expect(hostReach(ctx('digitalocean'))).toBe('any');
  });
});
