import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { renderCaseRestored, renderRestored, restoreQuotation } from '../src/export/restored.js';
import { caseInputOf, hostileInput, smallCase } from './helpers/export-fixtures.js';

const SOURCE = 'First sentence here. The plan was not approved by the board, and the chairman resigned at once. Later news followed.';

function restore(quote: string, source = SOURCE): string | null {
  return restoreQuotation({ comparison: compare(quote, source), quote, source });
}

describe('restoreQuotation', () => {
  it.each([
    ['a faithful quotation stays as it is', 'The plan was not approved by the board', 'The plan was not approved by the board'],
    ['a silent omission is put back', 'The plan was approved by the board', 'The plan was not approved by the board'],
    [
      'a marked cut is shown as [...]',
      'The plan was not approved … the chairman resigned at once.',
      'The plan was not approved [...] the chairman resigned at once.',
    ],
    ['an altered word returns to the source', 'The plan was not accepted by the board', 'The plan was not approved by the board'],
    [
      'an editorial insertion keeps its brackets',
      'The plan was not approved by the board, and the chairman [Smith] resigned at once',
      'The plan was not approved by the board, and the chairman [Smith] resigned at once',
    ],
  ])('%s', (_label, quote, expected) => {
    expect(restore(quote)).toBe(expected);
  });

  it('gives a reordered quotation back in the source order', () => {
    const source = 'Alpha beta gamma delta. Epsilon zeta eta theta. Iota kappa lambda mu. Nu xi omicron pi.';
    expect(restore('Iota kappa lambda mu … Alpha beta gamma delta', source)).toBe(
      'Alpha beta gamma delta. Epsilon zeta eta theta. Iota kappa lambda mu',
    );
  });

  it('leaves out a fragment that is not in the source, and the export says so', () => {
    const source = 'Alpha beta gamma delta. Epsilon zeta eta theta.';
    const quote = 'Alpha beta gamma … the weather is fine today';
    expect(restore(quote, source)).toBe('Alpha beta gamma');
    const text = renderRestored({ comparison: compare(quote, source), quote, source });
    expect(text).toContain('Not found in the source, so not restored: “the weather is fine today”.');
    expect(text).not.toContain('already faithful');
  });

  it('is null when the quotation is not in the source', () => {
    expect(restore('Nothing like this is in it at all')).toBeNull();
  });
});

describe('restored export', () => {
  it('prints the restored quotation with its citation, the verdict, and says what changed', () => {
    const input = hostileInput();
    const text = renderRestored(input);
    expect(text).toBe(
      [
        '“quoted" ]]> text, which was never true. =HYPERLINK("http://x") is [...] שלום עולם and e\u0301te\u0301 [really] stay. The end of it all, friends.”',
        '— Ann <i>Author</i>, =cmd| ]]> & Work, 1999, https://example.org/a?b=1&c=<2>.',
        '',
        `Verdict: ✂ Silent omission. ${input.comparison.verdict.summary}`,
        'Restored from the source by Elision: 2 silent omissions put back; 1 cut marked [...].',
        '',
      ].join('\n'),
    );
  });

  it('says when there is nothing to restore', () => {
    const quote = 'Nothing like this is in it at all';
    const text = renderRestored({ comparison: compare(quote, SOURCE), quote, source: SOURCE });
    expect(text).toContain('Verdict: ✗ Not found.');
    expect(text).toContain('There is no original passage to restore.');
  });

  it('restores every quotation of a case in turn', () => {
    const text = renderCaseRestored(caseInputOf(smallCase()));
    expect(text).toContain('Quotation 1 of 2\nQuoted by A Reporter.\n');
    expect(text).toContain('“It did not approve the plan, and the chairman resigned.”');
    expect(text).toContain('— Jane Doe, Minutes (2001), 4.');
  });
});
