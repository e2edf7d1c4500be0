/**
 * src/present/reading.ts: the passage read through (the CLI's text, the exercise) and the
 * changes listed by kind (the answer sheet), checked against the engine's own counts on
 * every built-in case and on generated pairs, so no surface can count differently.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import type { Comparison } from '../src/core/types.js';
import { changeGroups, contextOf, countPhrase, countsLine, plainReading, plainVerdictLine, readThrough, verdictText, type CountedChange } from '../src/present/index.js';
import { loadBuiltInCases } from '../src/store/import-built-in.js';

const pairs: Array<{ name: string; quote: string; source: string }> = [
  ...loadBuiltInCases(path.resolve('data/cases')).cases.flatMap((c) =>
    c.input.quotations.map((q, i) => ({ name: `${c.slug} #${i}`, quote: q.text, source: c.input.source.text })),
  ),
  {
    name: 'the Declaration, bracketed',
    quote: '[A]ll [people] are created equal, . . . endowed by their Creator with certain unalienable Rights',
    source: 'We hold these truths to be self-evident, that all men are created equal, that they are endowed by their Creator with certain unalienable Rights, that among these are Life.',
  },
  { name: 'silent cuts', quote: 'the quick fox jumps over the dog', source: 'The quick brown fox, they say, jumps over the lazy dog.' },
  { name: 'an unbracketed change', quote: 'The quick brown fox jumps over the lazy cat and then sleeps', source: 'The quick brown fox, they say, jumps over the lazy dog.' },
  { name: 'not found', quote: 'Totally unrelated words here', source: 'The quick brown fox, they say, jumps over the lazy dog.' },
];

const COUNTED: CountedChange[] = ['markedOmissions', 'silentOmissions', 'insertions', 'alterations', 'editorialChanges'];

function expectGroupsToMatchStats(comparison: Comparison, quote: string, source: string): void {
  const groups = changeGroups(readThrough({ comparison, quote, source }));
  for (const kind of COUNTED) {
    expect(groups.find((g) => g.kind === kind)?.items.length, kind).toBe(comparison.stats[kind]);
  }
}

describe('changeGroups', () => {
  it.each(pairs)('lists as many changes of each kind as the stats count: $name', ({ quote, source }) => {
    expectGroupsToMatchStats(compare(quote, source), quote, source);
  });

  it('agrees with the stats on generated quotations cut from generated text', () => {
    const words = fc.array(fc.constantFrom('the', 'fox', 'not', 'but', 'jumps', 'over', 'dog', 'quick', 'and', 'yet'), { minLength: 5, maxLength: 60 });
    fc.assert(
      fc.property(words, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 6 }), fc.constantFrom(' … ', ' ', ' [and] ', ' cat ')), { minLength: 1, maxLength: 4 }), (sourceWords, cuts) => {
        const source = sourceWords.join(' ');
        const quote = cuts.map(([start, length, join]) => sourceWords.slice(start % sourceWords.length, (start % sourceWords.length) + length).join(' ') + join).join('');
        expectGroupsToMatchStats(compare(quote, source), quote, source);
      }),
      { numRuns: 150, seed: 20261130 },
    );
  });

  it('names each kind as the counts line does, and lists what was changed', () => {
    const quote = '[A]ll [people] are created equal, . . . endowed by their Creator';
    const source = 'that all men are created equal, that they are endowed by their Creator with certain unalienable Rights.';
    const comparison = compare(quote, source);
    const groups = changeGroups(readThrough({ comparison, quote, source }));
    expect(groups.map((g) => [g.heading, g.items])).toEqual([
      ['Marked omissions', [{ text: 'that they are' }]],
      ['Silent omissions', []],
      ['Insertions without brackets', []],
      ['Alterations without brackets', []],
      // the bracketed capital [A]ll is no change at all
      ['Editorial changes in brackets', [{ text: '[people]', sourceText: 'men' }]],
    ]);
    expect(countsLine(comparison)).toContain(countPhrase(comparison, 'editorialChanges'));
    expect(countPhrase(comparison, 'markedOmissions')).toBe('1 marked omission');
  });
});

describe('plainReading', () => {
  it('reads the passage through with every change marked inline', () => {
    const quote = '“It was the best of times … it was the age of foolishness.”';
    const source = 'Call it Dickens. It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness. The end.';
    const comparison = compare(quote, source);
    expect(plainReading(readThrough({ comparison, quote, source }))).toBe(
      'Call it Dickens. It was the best of times, [-it was the worst of times, it was the age of wisdom,-] it was the age of foolishness. The end.',
    );
  });

  it('marks silent cuts, insertions and alterations apart, and closes up punctuation after a marker', () => {
    const quote = 'The quick fox jumps over the lazy cat and then sleeps';
    const source = 'The quick brown fox jumps over the lazy dog.';
    const comparison = compare(quote, source);
    expect(plainReading(readThrough({ comparison, quote, source }))).toBe('The quick {-brown-} fox jumps over the lazy [~cat and then sleeps~ for dog].');
  });

  it('lets a painter wrap each marked piece and the context', () => {
    const quote = 'the quick fox';
    const source = 'Before. The quick brown fox. After.';
    const comparison = compare(quote, source);
    const painted = plainReading(readThrough({ comparison, quote, source }), (style, text) => `<${style}>${text}</${style}>`);
    expect(painted).toContain('<omittedSilent>{-brown-}</omittedSilent>');
    expect(painted).toMatch(/^<context>Before\.<\/context>/);
  });

  it('shows a quotation that is nowhere in the source as added words', () => {
    const quote = 'Totally unrelated words here';
    const comparison = compare(quote, 'The quick brown fox, they say, jumps over the lazy dog.');
    expect(plainReading(readThrough({ comparison, quote, source: 'The quick brown fox, they say, jumps over the lazy dog.' }))).toBe('{+Totally unrelated words here+}');
  });
});

describe('readThrough', () => {
  it('gives the context each side, and the source between segments as gaps', () => {
    const quote = 'It was the best of times';
    const source = 'A first sentence. It was the best of times, it was the worst. A last one.';
    const comparison = compare(quote, source, { contextSentences: 1 });
    const pieces = readThrough({ comparison, quote, source });
    expect(pieces.map((p) => p.text).join('')).toBe(source.slice(0, source.length));
    expect(contextOf(pieces).before).toContain('A first sentence.');
  });
});

describe('the verdict in plain text', () => {
  it('is the icon, the word and the engine’s summary, the same for the CLI, the restored quotation and find', () => {
    const quote = 'the quick fox';
    const comparison = compare(quote, 'The quick brown fox.');
    expect(verdictText(comparison)).toBe(`✂ Silent omission. ${comparison.verdict.summary}`);
    expect(plainVerdictLine(comparison)).toBe(`Verdict: ${verdictText(comparison)}`);
  });
});
