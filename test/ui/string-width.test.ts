// The bundle's string-width (src/ui/string-width.ts) must measure exactly as string-width does: every BMP
// code point alone and in random runs, with and without ANSI codes and ambiguous-width options.
import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import stringWidth, { simpleWidth } from '../../src/ui/string-width.js';

const bmp = Array.from({ length: 0x10000 }, (_, code) => code).filter(
  (code) => code < 0xd800 || code > 0xdfff,
);

describe('the bundled string-width', () => {
  it('agrees with string-width on every BMP code point, and takes the fast path for the screen’s own', () => {
    const differing = bmp.filter((code) => {
      const text = String.fromCharCode(code);
      return (
        stringWidth(text) !== realStringWidth(text) ||
        stringWidth(text, { ambiguousIsNarrow: false }) !==
          realStringWidth(text, { ambiguousIsNarrow: false })
      );
    });
    expect(differing.map((code) => code.toString(16))).toEqual([]);
    for (const text of ['─│┌┐└┘', '○ ✓ ✗ – ⋮ ▸ ●', '⏱ 00:00', 'Größe ½ café', '数据库 主节点', '⠋⠙⠹']) {
      expect(simpleWidth(text)).toBe(realStringWidth(text));
    }
  });

  it('agrees on random runs of code points, with ANSI styling, emoji and combining marks among them', () => {
    const samples = [
      '\u001B[31mred\u001B[39m ✓',
      'e\u0301 a\u0308',
      '👍🏽 🇩🇪 1\uFE0F\u20E3 👨‍👩‍👧',
      '한국어 가',
      'ﾊﾞ ｶﾟ',
      '\u00AD\u200B\u2060x',
      'a\r\nb\tc',
      '⏱\uFE0F ✈\u200D✈ ⏱ 0',
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = 1 + Math.floor(random() * 12);
      for (let i = 0; i < length; i++)
        text += String.fromCharCode(bmp[Math.floor(random() * bmp.length)] as number);
      samples.push(text);
    }
    for (const text of samples) {
      expect(stringWidth(text), JSON.stringify(text)).toBe(realStringWidth(text));
      expect(stringWidth(text, { countAnsiEscapeCodes: true })).toBe(
        realStringWidth(text, { countAnsiEscapeCodes: true }),
      );
    }
  });
});
