import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import {
  countWords,
  readQuotation,
  readSourcePassage,
  sourceGoesOn,
  splitEdges,
  summariseComparison,
  verdictOf,
  type QuotePiece,
  type SourcePiece,
} from '../src/export/reading.js';
import { HOSTILE_QUOTE, HOSTILE_SOURCE } from './helpers/export-fixtures.js';

/** Compact readable form: "=match", "-[cut]", "+[insertion]", "~alteration", plain text unmarked. */
function showQuote(pieces: QuotePiece[]): string {
  return pieces
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return p.text;
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
    expect(showQuote(pieces)).toBe('=The plan was =-silent(1)-=approved by the board=-marked(1)- … =the chairman resigned=');
    // Every character of the quotation, exactly once, in order (cuts add none).
    expect(pieces.map((p) => (p.kind === 'cut' ? '' : p.text)).join('')).toBe(quote);
  });

  it('keeps an editorial insertion whole with both its brackets', () => {
    const pieces = readQuotation({ comparison: compare(HOSTILE_QUOTE, HOSTILE_SOURCE), quote: HOSTILE_QUOTE, source: HOSTILE_SOURCE });
    const insertion = pieces.find((p) => p.kind === 'insertion');
    expect(insertion?.text.trim()).toBe('[really]');
    expect(pieces.map((p) => (p.kind === 'cut' ? '' : p.text)).join('')).toBe(HOSTILE_QUOTE);
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

describe('summaries and verdicts', () => {
  it.each([
    ['The plan was not approved by the board', 'Accurate quotation'],
    ['The plan was approved by the board', 'Quoted out of context: 1 silent omission'],
    ['The plan was not approved by the board … the chairman resigned', 'Accurate, with 1 marked cut'],
    ['The plan was not accepted by the board', 'Altered quotation: 1 alteration'],
    ['Completely unrelated words about weather', 'Not found in the source'],
  ])('%s → %s', (quote, verdict) => {
    expect(verdictOf(compare(quote, SOURCE)).startsWith(verdict)).toBe(true);
  });

  it('says in words what was left out and how', () => {
    const summary = summariseComparison(compare('The plan was approved by the board … the chairman resigned', SOURCE));
    expect(summary).toMatch(/leaves out 2: 1 cut marked with an ellipsis, 1 silent omission \(no ellipsis\)\./);
    expect(summariseComparison(compare('Completely unrelated words about weather', SOURCE))).toMatch(/not found/);
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
