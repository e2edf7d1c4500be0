import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { RATINGS } from '../src/core/types.js';
import {
  BEST_RATING_VALUE,
  RATING_LOOKS,
  WORST_RATING_VALUE,
  countWords,
  countsLine,
  excerpt,
  plural,
  presentVerdict,
  quotedByLine,
  readQuotation,
  readSourcePassage,
  sourceGoesOn,
  splitEdges,
  type QuotePiece,
  type SourcePiece,
} from '../src/present/index.js';
import { HOSTILE_QUOTE, HOSTILE_SOURCE } from './helpers/export-fixtures.js';

/** Compact readable form: "=match", "-[cut]", "+[insertion]", "~alteration", plain text unmarked. */
function showQuote(pieces: QuotePiece[]): string {
  return pieces
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return p.text;
        case 'ellipsis':
          return `<${p.text}>`;
        case 'match':
          return `=${p.text}=`;
        case 'insertion':
          return `+${p.text}+`;
        case 'alteration':
          return `~${p.text}/${p.sourceText}~`;
        case 'cut':
          return p.marked ? `-marked(${p.words})-` : `-silent(${p.words})-`;
      }
    })
    .join('');
}

function showSource(pieces: SourcePiece[]): string {
  return pieces
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return p.text;
        case 'context-before':
        case 'context-after':
          return `(${p.text})`;
        case 'match':
          return `=${p.text}=`;
        case 'omission':
          return p.marked ? `-[${p.text}]-` : `-{${p.text}}-`;
        case 'alteration':
          return `~${p.text}~`;
      }
    })
    .join('');
}

const SOURCE = 'First sentence here. The plan was not approved by the board, and the chairman resigned at once. Later news followed.';

describe('readQuotation', () => {
  it('covers the quotation once and shows where silent and marked cuts fall', () => {
    const quote = 'The plan was approved by the board … the chairman resigned';
    const pieces = readQuotation({ comparison: compare(quote, SOURCE), quote, source: SOURCE });
    expect(showQuote(pieces)).toBe('=The plan was =-silent(1)-=approved by the board=-marked(1)- <…> =the chairman resigned=');
    // Every character of the quotation, exactly once, in order (cuts add none).
    expect(pieces.map((p) => (p.kind === 'cut' ? '' : p.text)).join('')).toBe(quote);
  });

  it('keeps an editorial insertion whole with both its brackets', () => {
    const pieces = readQuotation({ comparison: compare(HOSTILE_QUOTE, HOSTILE_SOURCE), quote: HOSTILE_QUOTE, source: HOSTILE_SOURCE });
    const insertion = pieces.find((p) => p.kind === 'insertion');
    expect(insertion?.text.trim()).toBe('[really]');
    expect(pieces.map((p) => (p.kind === 'cut' ? '' : p.text)).join('')).toBe(HOSTILE_QUOTE);
  });

  it.each(['…', '...', '. . .', '[...]', '[…]', '. . . .'])('takes the ellipsis mark %s from the engine, as a piece of its own', (mark) => {
    const quote = `The plan was not approved by the board, ${mark} the chairman resigned`;
    const comparison = compare(quote, SOURCE);
    const pieces = readQuotation({ comparison, quote, source: SOURCE });
    const marks = pieces.filter((p) => p.kind === 'ellipsis').map((p) => p.text);
    expect(marks).toEqual(comparison.ellipses.map((e) => quote.slice(e.start, e.end)));
    expect(marks).toHaveLength(1);
    expect(pieces.map((p) => (p.kind === 'cut' ? '' : p.text)).join('')).toBe(quote);
  });

  it('drops only the white space around the whole quotation', () => {
    const quote = '  the chairman resigned\n';
    const pieces = readQuotation({ comparison: compare(quote, SOURCE), quote, source: SOURCE });
    expect(pieces.map((p) => (p.kind === 'cut' ? '' : p.text)).join('')).toBe('the chairman resigned');
  });
});

describe('readSourcePassage', () => {
  it('gives the passage from the context before to the context after, in source order', () => {
    const quote = 'The plan was approved by the board … the chairman resigned';
    const passage = readSourcePassage({ comparison: compare(quote, SOURCE), quote, source: SOURCE })!;
    expect(showSource(passage.pieces)).toContain('=The plan was =-{not }-=approved by the board, =-[and ]-=the chairman resigned=');
    expect(SOURCE.slice(passage.start, passage.end)).toBe(passage.pieces.map((p) => p.text).join(''));
  });

  it('is null when the quotation is not in the source', () => {
    const quote = 'Completely unrelated words about weather';
    expect(readSourcePassage({ comparison: compare(quote, SOURCE), quote, source: SOURCE })).toBeNull();
  });
});

describe('the verdict as people read it', () => {
  it.each([
    ['The plan was not approved by the board', 'verbatim'],
    ['The plan was approved by the board', 'silent-omission'],
    ['Completely unrelated words about weather', 'not-found'],
  ])('%s → the engine’s own rating and summary', (quote, rating) => {
    const comparison = compare(quote, SOURCE);
    const verdict = presentVerdict(comparison);
    expect(comparison.verdict.rating).toBe(rating);
    expect(verdict.rating).toBe(comparison.verdict.rating);
    expect(verdict.summary).toBe(comparison.verdict.summary);
    expect(verdict.label).toBe(`${verdict.icon} ${verdict.word}`);
  });

  it('gives every rating its own icon and word, and the check mark to verbatim alone', () => {
    const looks = RATINGS.map((rating) => RATING_LOOKS[rating]);
    expect(new Set(looks.map((l) => l.icon)).size).toBe(RATINGS.length);
    expect(new Set(looks.map((l) => l.word)).size).toBe(RATINGS.length);
    expect(RATINGS.filter((rating) => /[✓✔☑]/u.test(RATING_LOOKS[rating].icon))).toEqual(['verbatim']);
    expect(RATING_LOOKS['meaning-at-risk'].word).toBe('Meaning at risk');
  });

  it('puts the scale on numbers from the gravest (1) to verbatim (7)', () => {
    expect(presentVerdict({ verdict: { rating: 'not-found', summary: '', reasons: [] } }).value).toBe(WORST_RATING_VALUE);
    expect(presentVerdict({ verdict: { rating: 'verbatim', summary: '', reasons: [] } }).value).toBe(BEST_RATING_VALUE);
    expect(BEST_RATING_VALUE).toBe(7);
    const values = RATINGS.map((rating) => presentVerdict({ verdict: { rating, summary: '', reasons: [] } }).value);
    expect(values).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('counts and plurals', () => {
  it('uses the singular for one and the plural otherwise', () => {
    expect(plural(1, 'word')).toBe('1 word');
    expect(plural(0, 'word')).toBe('0 words');
    expect(plural(2, 'word or phrase', 'words or phrases')).toBe('2 words or phrases');
  });

  it('says the counts in one line, listing only what is there', () => {
    const comparison = compare('The plan was approved by the board … the chairman resigned', SOURCE);
    expect(countsLine(comparison)).toBe(
      `${plural(comparison.stats.quotedWords, 'word')} quoted, 2 left out (${Math.round((200) / (comparison.stats.quotedWords + 2))}% of the span): 1 silent omission, 1 marked omission.`,
    );
    expect(countsLine(compare('The plan was not approved by the board', SOURCE))).toBe('8 words quoted, none left out.');
  });

  it('clips an excerpt at a word', () => {
    expect(excerpt('one two three four five six', 12)).toBe('one two…');
    expect(excerpt('  short \n text ', 40)).toBe('short text');
  });

  it('gives who printed a quotation in one line', () => {
    expect(quotedByLine({ author: 'A Blogger', work: 'A Post', date: '2015-03-01', url: 'https://x.example' })).toBe(
      'Quoted by A Blogger in A Post, 2015-03-01, https://x.example.',
    );
    expect(quotedByLine({ url: 'https://x.example' })).toBe('Quoted: https://x.example.');
    expect(quotedByLine({})).toBe('');
    expect(quotedByLine(undefined)).toBe('');
  });
});

describe('helpers', () => {
  it('counts words as the engine does, in any script', () => {
    expect(countWords("I'm here — again, 42 times.")).toBe(5);
    expect(countWords('שלום עולם')).toBe(2);
    expect(countWords('')).toBe(0);
  });

  it('splits white space off both edges', () => {
    expect(splitEdges('  a b \n')).toEqual(['  ', 'a b', ' \n']);
    expect(splitEdges('   ')).toEqual(['   ', '', '']);
  });

  it('knows whether the source goes on beyond a passage', () => {
    expect(sourceGoesOn('ab cd\n', 0, 5)).toEqual({ before: false, after: false });
    expect(sourceGoesOn('ab cd', 3, 4)).toEqual({ before: true, after: true });
  });
});
