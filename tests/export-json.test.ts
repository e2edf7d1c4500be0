import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { renderCaseJson, renderJson } from '../src/export/json.js';
import { caseInputOf, hostileInput, quotationInputOf, smallCase } from './helpers/export-fixtures.js';

describe('JSON export', () => {
  it('is exactly the comparison for a pasted pair without citation', () => {
    const quote = 'It did not approve the plan';
    const source = 'It did not approve the plan, and so on.';
    const comparison = compare(quote, source);
    expect(JSON.parse(renderJson({ comparison, quote, source }))).toEqual(JSON.parse(JSON.stringify(comparison)));
  });

  it('keeps every contract field and adds the case and its CSL-JSON', () => {
    const input = quotationInputOf(smallCase(), 1);
    const output = JSON.parse(renderJson(input));
    for (const key of ['version', 'found', 'span', 'fragments', 'segments', 'stats'] as const) {
      expect(output[key]).toEqual(JSON.parse(JSON.stringify(input.comparison[key])));
    }
    expect(output.quotationIndex).toBe(1);
    expect(output.case.slug).toBe('small-case');
    expect(output.case.source.text).toBe(input.source);
    expect(output.case.quotations[1].note).toBe('The blog drops "not".');
    expect(output.case).not.toHaveProperty('teacherNotes');
    expect(output.csl).toMatchObject({ type: 'book', title: 'Minutes', author: [{ family: 'Doe', given: 'Jane' }], page: '4' });
  });

  it('round-trips hostile text unchanged', () => {
    const input = hostileInput();
    const output = JSON.parse(renderJson(input));
    expect(output.csl.title).toBe('=cmd| ]]> & Work');
    const match = output.segments.find((s: { kind: string }) => s.kind === 'match');
    expect(input.quote.slice(match.quote.start, match.quote.end)).toContain('quoted" ]]>');
  });

  it('gives a whole case as its metadata plus one comparison per quotation', () => {
    const output = JSON.parse(renderCaseJson(caseInputOf(smallCase())));
    expect(output.version).toBe(1);
    expect(output.comparisons).toHaveLength(2);
    expect(output.comparisons.map((c: { quotationIndex: number }) => c.quotationIndex)).toEqual([0, 1]);
    expect(output.comparisons[1].stats.silentOmissions).toBe(1);
    expect(output.case.title).toBe('A small case');
    expect(output.csl.id).toBe('source');
  });
});
