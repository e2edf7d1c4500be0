import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { noteCodes } from './helpers/compact.js';

/** A small deterministic generator (mulberry32), so the texts are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const body = (c: ReturnType<typeof compare>) => c.segments.filter((s) => !s.kind.startsWith('context'));

describe('a fragment that stands word for word is found as such, before any fuzzy search', () => {
  it('finds a verbatim 50 KB slice of a 10 MB source', () => {
    const next = random(7);
    const vocabulary = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
    const words: string[] = [];
    let length = 0;
    while (length < 10_000_000) {
      const word = vocabulary[Math.floor(next() ** 2 * vocabulary.length)]!;
      words.push(word);
      length += word.length + 1;
    }
    const source = words.join(' ');
    const start = source.indexOf(' ', Math.floor(source.length * 0.61)) + 1;
    const quote = source.slice(start, source.indexOf(' ', start + 50_000));
    const c = compare(quote, source);
    expect(c.found).toBe(true);
    expect(c.verdict.rating).toBe('verbatim');
    expect(c.span).toEqual({ start, end: start + quote.length });
    expect(body(c).map((s) => s.kind)).toEqual(['match']);
  }, 60_000);

  it('finds a verbatim 5 KB excerpt of a repetitive 80 KB text of 13 words as one match', () => {
    const next = random(13);
    const vocabulary = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu'.split(' ');
    const words: string[] = [];
    for (let length = 0; length < 80_000; length += words[words.length - 1]!.length + 1) words.push(vocabulary[Math.floor(next() * vocabulary.length)]!);
    const source = words.join(' ');
    const start = source.indexOf(' ', 30_000) + 1;
    const quote = source.slice(start, source.indexOf(' ', start + 5000));
    const c = compare(quote, source);
    expect(c.verdict.rating).toBe('verbatim');
    expect(body(c)).toHaveLength(1);
    expect(c.span).toEqual({ start, end: start + quote.length });
  }, 30_000);
});

describe('Chinese and Japanese placed like English', () => {
  const dao = '道可道，非常道。名可名，非常名。无名天地之始；有名万物之母。故常无欲，以观其妙；常有欲，以观其徼。此两者，同出而异名，同谓之玄。玄之又玄，众妙之门。';

  it.each([
    ['道可道，非常道……无名天地之始', '名可名，非常名。'],
    ['无名天地之始……常有欲，以观其徼', '有名万物之母。故常无欲，以观其妙；'],
    ['名可名，非常名⋯⋯玄之又玄', '无名天地之始；有名万物之母。故常无欲，以观其妙；常有欲，以观其徼。此两者，同出而异名，同谓之玄。'],
  ])('places %s on its exact characters, with one marked cut and no note', (quote, cut) => {
    const c = compare(quote, dao);
    expect(c.verdict.rating).toBe('marked-omission');
    expect(body(c).filter((s) => s.kind === 'omission').map((s) => s.sourceText)).toEqual([cut]);
    expect(noteCodes(c)).toEqual([]);
  });

  it('puts a fragment on its exact occurrence, not on a nearer lookalike', () => {
    // "以观其妙" stands once exactly; "以观其徼" is one character off and right after the first fragment
    const c = compare('常有欲……以观其妙', dao);
    const second = c.fragments[1]!;
    expect(dao.slice(second.source!.start, second.source!.end)).toBe('以观其妙');
    expect(c.stats.silentOmissions).toBe(0);
  });

  it('calls a splice of two phrases in reverse order, with no ellipsis, altered', () => {
    const c = compare('常有欲，以观其妙', dao);
    expect(c.verdict.rating).toBe('altered');
    expect(c.verdict.reasons.map((r) => r.code)).toContain('reordered');
  });

  it('finds Japanese with kana and kanji mixed', () => {
    const text = '吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。吾輩はここで始めて人間というものを見た。';
    const c = compare('吾輩は猫である……吾輩はここで始めて人間というものを見た', text);
    expect(c.verdict.rating).toBe('marked-omission');
    expect(c.stats).toMatchObject({ silentOmissions: 0, insertions: 0, alterations: 0, markedOmissions: 1 });
  });
});
