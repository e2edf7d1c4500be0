import { describe, expect, it } from 'vitest';
import { findEllipsisMarks, parseQuotation, quotationBody } from '../src/core/quotation.js';

const piecesOf = (quote: string) => parseQuotation(quote).fragments.map((f) => quote.slice(f.span.start, f.span.end));

describe('parseQuotation: ellipsis marks', () => {
  it.each([
    ['three full stops', 'one two ... three four', 3, false],
    ['the ellipsis character', 'one two … three four', 3, false],
    ['spaced full stops', 'one two . . . three four', 3, false],
    ['spaced with no-break spaces', 'one two .\u00a0.\u00a0. three four', 3, false],
    ['spaced with thin spaces', 'one two .\u2009.\u2009. three four', 3, false],
    ['four full stops', 'one two.... Three four', 4, false],
    ['four spaced full stops', 'one two. . . . Three four', 4, false],
    ['a full stop and the ellipsis character', 'one two.… Three four', 4, false],
    ['the doubled Chinese ellipsis', '学而时习之……人不知而不愠', 3, false],
    ['square brackets', 'one two [...] three four', 3, true],
    ['square brackets with the character', 'one two […] three four', 3, true],
    ['square brackets spaced', 'one two [. . .] three four', 3, true],
    ['round brackets', 'one two (...) three four', 3, true],
    ['angle brackets (Russian practice)', 'один два <...> три четыре', 3, true],
  ])('%s', (_name, quote, dots, bracketed) => {
    const marks = findEllipsisMarks(quote);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ dots, bracketed });
    expect(parseQuotation(quote).fragments).toHaveLength(2);
  });

  it('cuts at every mark, keeping each fragment’s offsets in the quotation as given', () => {
    const quote = '“It was … the worst […] of times.”';
    expect(piecesOf(quote)).toEqual(['It was', 'the worst', 'of times.']);
  });

  it('treats a leading or trailing mark as a cut at the edge, not a fragment', () => {
    const parsed = parseQuotation('... the middle of it ...');
    expect(parsed.fragments).toHaveLength(1);
    expect(parsed.fragments[0]!.markBefore).not.toBeNull();
    expect(parsed.fragments[0]!.markAfter).not.toBeNull();
  });

  it('joins marks with nothing but punctuation between them into one cut', () => {
    expect(piecesOf('one two ... ; ... three four')).toEqual(['one two', 'three four']);
  });

  it('gives no fragments for a quotation made only of marks and brackets', () => {
    expect(parseQuotation('... […] (...)').fragments).toEqual([]);
    expect(parseQuotation('[]').fragments).toEqual([]);
  });
});

describe('parseQuotation: square brackets', () => {
  it('reads a group of its own as an editorial insertion', () => {
    const parsed = parseQuotation('elected Stalin … [as the] General Secretary');
    const editorialWords = parsed.tokens.keys.filter((_k, t) => parsed.editorial[t]);
    expect(editorialWords).toEqual(['as', 'the']);
  });

  it('reads a bracketed letter inside a word as an alteration of that word', () => {
    const parsed = parseQuotation('[t]he cat sat');
    expect(parsed.tokens.keys[0]).toBe('the');
    expect(parsed.bracketAltered[0]).toBe(true);
    expect(parsed.editorial[0]).toBe(false);
  });

  it('survives unbalanced and nested brackets', () => {
    expect(() => parseQuotation('one [two [three] four')).not.toThrow();
    expect(() => parseQuotation('one ] two [ three')).not.toThrow();
  });
});

describe('quotationBody', () => {
  it.each([
    ['"quoted"', 'quoted'],
    ['“curly,” ', 'curly,'],
    ['«guillemets»', 'guillemets'],
    ['„German“', 'German'],
    ['  plain text  ', 'plain text'],
    ['“He said “no” twice”', 'He said “no” twice'],
  ])('%s', (quote, body) => {
    const span = quotationBody(quote);
    expect(quote.slice(span.start, span.end)).toBe(body);
  });

  it('keeps a quoted phrase that merely opens the quotation', () => {
    const quote = '“Rudeness” was his word for it';
    const span = quotationBody(quote);
    expect(quote.slice(span.start, span.end)).toBe(quote);
  });
});
