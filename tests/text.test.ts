import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasWords, splitGap, tokenize, wordKey } from '../src/core/text.js';

const words = (text: string) => {
  const t = tokenize(text);
  return Array.from({ length: t.count }, (_, i) => ({ raw: text.slice(t.starts[i], t.ends[i]), key: t.keys[i] }));
};

describe('tokenize', () => {
  it('cuts words of any script with offsets into the text as given', () => {
    expect(words('Stalin’s “rudeness” — 1922!').map((w) => [w.raw, w.key])).toEqual([
      ['Stalin’s', "stalin's"], ['rudeness', 'rudeness'], ['1922', '1922'],
    ]);
    expect(words('Сталин был избран').map((w) => w.key)).toEqual(['сталин', 'был', 'избран']);
    expect(words('Ἐν ἀρχῇ ἦν').map((w) => w.key)).toEqual(['ἐν', 'ἀρχῇ', 'ἦν']);
  });

  it('joins a word hyphenated across a line break, and drops invisible characters from the key', () => {
    expect(words('Cen-\ntral Com-\r\n   mittee').map((w) => [w.raw, w.key])).toEqual([
      ['Cen-\ntral', 'central'], ['Com-\r\n   mittee', 'committee'],
    ]);
    expect(words('Cen\u00adtral').map((w) => w.key)).toEqual(['central']);
    expect(words('well-known').map((w) => w.key)).toEqual(['wellknown']);
  });

  it('does not join words across a dash or a double hyphen', () => {
    expect(words('war--peace war — peace').map((w) => w.key)).toEqual(['war', 'peace', 'war', 'peace']);
  });

  it('makes every Han character a word and segments Thai in short chunks', () => {
    expect(words('学而时习之').map((w) => w.key)).toEqual(['学', '而', '时', '习', '之']);
    const thai = 'ภาษาไทยเป็นภาษาที่สวยงาม'.repeat(30);
    const t = tokenize(thai);
    expect(t.count).toBeGreaterThan(60);
    expect(t.ends[t.count - 1]).toBe(thai.length);
  });

  it('normalises keys with NFKC and one apostrophe', () => {
    expect(wordKey('ﬁnal')).toBe('final');
    expect(wordKey('Cafe\u0301')).toBe(wordKey('Café'));
    expect(wordKey('didn’t')).toBe("didn't");
  });

  it('keeps astral letters whole', () => {
    expect(words('𝐁𝐨𝐥𝐝 text').map((w) => w.raw)).toEqual(['𝐁𝐨𝐥𝐝', 'text']);
  });

  it('gives sorted, non-overlapping offsets inside the text for any input', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const t = tokenize(text);
      let previousEnd = 0;
      for (let i = 0; i < t.count; i++) {
        expect(t.starts[i]).toBeGreaterThanOrEqual(previousEnd);
        expect(t.ends[i]).toBeGreaterThan(t.starts[i]!);
        expect(t.ends[i]).toBeLessThanOrEqual(text.length);
        previousEnd = t.ends[i]!;
      }
    }), { numRuns: 300 });
  });
});

describe('hasWords and splitGap', () => {
  it('finds words, or none in punctuation and marks', () => {
    expect(hasWords(' … [..] ()! ')).toBe(false);
    expect(hasWords('… a')).toBe(true);
  });
  it('cuts the stretch between words after its last white space', () => {
    const text = 'times, [absolute';
    expect(text.slice(0, splitGap(text, 5, 8))).toBe('times, ');
    expect(splitGap('a—b', 1, 2)).toBe(2);
  });
});
