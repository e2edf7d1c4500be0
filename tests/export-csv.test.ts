import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { CSV_HEADER, csvField, defuseFormula, renderCaseCsv, renderCsv } from '../src/export/csv.js';
import { caseInputOf, hostileInput, smallCase } from './helpers/export-fixtures.js';

/** A strict RFC 4180 reader, written for the test: CRLF records, quoted fields, doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        field += c;
        i += 1;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      expect(c === '"' || c === '\r' || c === '\n').toBe(false);
      field += c;
      i += 1;
    }
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('CSV export', () => {
  const input = hostileInput();
  const csv = renderCsv(input);
  const rows = parseCsv(csv);

  it('has a header and one row per segment, every record ending in CRLF', () => {
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows).toHaveLength(1 + input.comparison.segments.length);
    expect(rows.every((r) => r.length === CSV_HEADER.length)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('gives each segment its kind, texts, offsets and flags', () => {
    input.comparison.segments.forEach((segment, i) => {
      const row = rows[i + 1]!;
      expect(row.slice(0, 3)).toEqual(['0', String(i), segment.kind]);
      expect(row[7]).toBe(segment.source ? String(segment.source.start) : '');
      expect(row[5]).toBe(segment.quote ? String(segment.quote.start) : '');
    });
    const omissions = rows.filter((r) => r[2] === 'omission');
    expect(omissions.map((r) => [r[4]!.trim(), r[9]])).toEqual([
      ['never', 'false'],
      ['a formula;', 'true'],
      ['all,', 'false'],
    ]);
    expect(rows.find((r) => r[2] === 'insertion')?.[10]).toBe('true');
  });

  it('defuses formulas at the start of a cell and keeps quotes and markup as text', () => {
    const quote = '=HYPERLINK("http://evil.example","click") is what -it said';
    const source = '=HYPERLINK("http://evil.example","click") is what -it said, @all of it. +More.';
    const formulaRows = parseCsv(renderCsv({ comparison: compare(quote, source), quote, source }));
    const formula = formulaRows.find((r) => r[2] === 'match')!;
    expect(formula[3]!.startsWith('\'=HYPERLINK("http://evil.example","click")')).toBe(true);
    for (const row of formulaRows.slice(1)) {
      for (const cell of row) expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
    }
    expect(rows.some((r) => r[3]!.includes('quoted" ]]> text'))).toBe(true);
    expect(csv).toContain('שלום עולם and e\u0301te\u0301');
    for (const row of rows.slice(1)) {
      for (const cell of row) expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
    }
  });

  it('numbers the rows of every quotation of a case', () => {
    const caseRows = parseCsv(renderCaseCsv(caseInputOf(smallCase())));
    expect(new Set(caseRows.slice(1).map((r) => r[0]))).toEqual(new Set(['0', '1']));
  });
});

describe('CSV cells', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['a=1', 'a=1'],
  ])('defuses %j', (value, expected) => {
    expect(defuseFormula(value)).toBe(expected);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
  ])('quotes %j as RFC 4180 asks', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});
