import { describe, expect, it } from 'vitest';
import { alignWords, type Run } from '../src/core/align.js';

const keys = (text: string) => text.split(' ');
const describeRuns = (runs: Run[], source: string[], quote: string[]) => runs.map((r) => {
  if (r.kind === 'equal') return `=${source.slice(r.sourceFrom, r.sourceTo).join(' ')}`;
  if (r.kind === 'removed') return `-${source.slice(r.sourceFrom, r.sourceTo).join(' ')}`;
  return `+${quote.slice(r.quoteFrom, r.quoteTo).join(' ')}`;
});

function align(quoteText: string, sourceText: string, startsClause?: (w: number) => boolean) {
  const q = keys(quoteText);
  const s = keys(sourceText);
  const runs = alignWords(q, 0, q.length, s, 0, s.length, startsClause);
  return runs && describeRuns(runs, s, q);
}

describe('alignWords', () => {
  it('trims source words outside the fragment at both edges', () => {
    expect(align('b c d', 'a b c d e')).toEqual(['=b c d']);
  });
  it('moves a stray early match inward instead of inventing an omission', () => {
    expect(align('the whale was white', 'the sea the whale was white')).toEqual(['=the whale was white']);
  });
  it('keeps a changed edge word paired as an alteration', () => {
    expect(align('A whale was white', 'x the whale was white')).toEqual(['-the', '+a', '=whale was white'].map((r) => r.replace('+a', '+A')));
  });
  const quote = 'it was the best of times it was the age of folly';
  const source = 'it was the best of times it was the worst of times it was the age of wisdom it was the age of folly';
  it('joins an omission that a coincidental word cut in two', () => {
    const runs = align(quote, source)!;
    expect(runs.map((r) => r[0])).toEqual(['=', '-', '=']);
  });
  it('slides an omission to clause edges when it can', () => {
    // clauses start every sixth word: "it was the …"
    expect(align(quote, source, (w) => w % 6 === 0))
      .toEqual(['=it was the best of times', '-it was the worst of times it was the age of wisdom', '=it was the age of folly']);
  });
  it('gives up (null) past its bound instead of running long', () => {
    const q = Array.from({ length: 3000 }, (_, i) => `q${i}`);
    const s = Array.from({ length: 3000 }, (_, i) => `s${i}`);
    expect(alignWords(q, 0, q.length, s, 0, s.length)).toBeNull();
  });
});
