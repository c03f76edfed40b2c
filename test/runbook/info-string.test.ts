import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/runbook/duration.js';
import { tokenizeInfoString } from '../../src/runbook/info-string.js';
import { slugger, slugify } from '../../src/runbook/slug.js';
import { closest } from '../../src/runbook/suggest.js';
import { varEnvName } from '../../src/runbook/vars.js';

describe('tokenizeInfoString', () => {
  it('splits the kind and key=value attributes with their offsets', () => {
    const info = tokenizeInfoString(`do id=nodes confirm="creates 5 droplets" note='single quoted' path=a.b`);
    expect(info.word).toBe('do');
    expect(info.problems).toEqual([]);
    expect(info.attributes.map((a) => [a.key, a.value, a.keyOffset, a.valueOffset])).toEqual([
      ['id', 'nodes', 3, 6],
      ['confirm', 'creates 5 droplets', 12, 21],
      ['note', 'single quoted', 41, 47],
      ['path', 'a.b', 62, 67],
    ]);
  });

  it('unescapes \\" and \\\\ inside double quotes', () => {
    const info = tokenizeInfoString('sh confirm="say \\"hi\\" \\\\ bye"');
    expect(info.attributes[0]?.value).toBe('say "hi" \\ bye');
    expect(info.problems).toEqual([]);
  });

  it('reports an unterminated quote at the quote', () => {
    const info = tokenizeInfoString('sh id=a confirm="oops');
    expect(info.problems).toEqual([
      expect.objectContaining({ message: 'unterminated double quote in the value of confirm', offset: 16 }),
    ]);
  });

  it('reports bare words, bad keys, stray quotes and repeated keys', () => {
    const info = tokenizeInfoString('sh loud 9x=1 a=b"c id=1 id=2 z="q"w');
    expect(info.problems.map((p) => [p.offset, p.message])).toEqual([
      [3, 'expected key=value, found "loud"'],
      [8, '"9x" is not a valid attribute name'],
      [16, 'unexpected quote inside the value of a'],
      [24, 'attribute id is given twice'],
      [34, 'unexpected text after the closing quote of z'],
    ]);
  });

  it('has no kind word when the info string starts with key=value', () => {
    const info = tokenizeInfoString('  id=x');
    expect(info.word).toBe('');
    expect(info.attributes).toEqual([{ key: 'id', value: 'x', keyOffset: 2, valueOffset: 5 }]);
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m, h and combinations', () => {
    expect(['500ms', '30s', '2m', '1h', '1m30s', '1.5s'].map(parseDuration)).toEqual([
      500, 30_000, 120_000, 3_600_000, 90_000, 1500,
    ]);
  });
  it('rejects anything else', () => {
    expect(['abc', '30', 's', '-1s', '1 s', ''].map(parseDuration)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('names', () => {
  it('slugs headings like GitHub and numbers duplicates from -2', () => {
    expect(slugify('Fail over with `SENTINEL FAILOVER`!')).toBe('fail-over-with-sentinel-failover');
    const slug = slugger();
    expect([slug('A b', 0), slug('A b', 1), slug('a-b-2', 2), slug('', 3)]).toEqual([
      'a-b',
      'a-b-2',
      'a-b-2-2',
      'step-4',
    ]);
  });
  it('turns variable names into upper-snake environment names', () => {
    expect(['redis_password', 'masterName', 'port', 'apiV2Url'].map(varEnvName)).toEqual([
      'REDIS_PASSWORD',
      'MASTER_NAME',
      'PORT',
      'API_V2_URL',
    ]);
  });
  it('suggests close names, counting a swap as one edit', () => {
    expect(closest('titel', ['title', 'vars'])).toBe('title');
    expect(closest('chek', ['sh', 'check', 'prompt'])).toBe('check');
    expect(closest('zzz', ['sh', 'check'])).toBeUndefined();
  });
});
