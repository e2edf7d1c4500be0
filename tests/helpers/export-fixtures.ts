/**
 * Inputs for the export tests: the founding case read from data/cases (dates fixed, so
 * golden files do not change with the clock), a hostile pair full of markup, formula
 * starters, right-to-left and combining characters and an astral emoji, and a small
 * case of our own with two quotations. Comparisons come from the real compare().
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare } from '../../src/core/compare.js';
import type { Case } from '../../src/cases/types.js';
import { caseExportInput, exportInputForQuotation } from '../../src/export/case-input.js';
import type { CaseExportInput, ExportInput } from '../../src/export/types.js';
import { loadBuiltInCases } from '../../src/store/import-built-in.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FOUNDING_SLUG = 'service-stalin-resignation';
const FIXED_DATE = '2026-01-01T00:00:00.000Z';

export function foundingCase(): Case {
  const { cases } = loadBuiltInCases(path.join(projectRoot, 'data', 'cases'));
  const found = cases.find((c) => c.slug === FOUNDING_SLUG);
  if (!found) throw new Error(`the founding case ${FOUNDING_SLUG} is missing from data/cases`);
  return { ...found.input, slug: found.slug, builtIn: true, createdAt: FIXED_DATE, updatedAt: FIXED_DATE };
}

export function caseInputOf(c: Case): CaseExportInput {
  return caseExportInput(c, c.quotations.map((q) => compare(q.text, c.source.text)));
}

export function quotationInputOf(c: Case, index: number): ExportInput {
  return exportInputForQuotation(c, index, compare(c.quotations[index]!.text, c.source.text));
}

/**
 * Markup, an XML CDATA terminator, quotes, a formula at a cell start, Hebrew, combining
 * accents and an emoji before everything (so UTF-16 and code-point offsets differ).
 * The quotation cuts "never " and "all, " silently, "a formula; " with an ellipsis, and
 * adds "[really]".
 */
export const HOSTILE_SOURCE =
  'Intro 😀 line. He said: <b>bold</b> & "quoted" ]]> text, which was never true. =HYPERLINK("http://x") is a formula; שלום עולם and e\u0301te\u0301 stay. The end of it all, friends.';
export const HOSTILE_QUOTE =
  '"quoted" ]]> text, which was true. =HYPERLINK("http://x") is … שלום עולם and e\u0301te\u0301 [really] stay. The end of it, friends.';

export function hostileInput(): ExportInput {
  return {
    comparison: compare(HOSTILE_QUOTE, HOSTILE_SOURCE),
    quote: HOSTILE_QUOTE,
    source: HOSTILE_SOURCE,
    title: 'Title <script>alert(1)</script> & "co"',
    citation: { author: 'Ann <i>Author</i>', work: '=cmd| ]]> & Work', year: '1999', url: 'https://example.org/a?b=1&c=<2>' },
    quotedBy: { author: '@quoter <x>', work: 'Blog & "Post"' },
    note: 'A note with <tags> & ]]>',
  };
}

/** A small case of our own with two quotations, one faithful and one with a silent cut. */
export function smallCase(): Case {
  return {
    slug: 'small-case',
    title: 'A small case',
    source: {
      text: 'The committee met on Monday. It did not approve the plan, and the chairman resigned. Nobody was surprised.',
      citation: { author: 'Jane Doe', work: 'Minutes', year: '2001', page: '4' },
    },
    quotations: [
      { text: 'It did not approve the plan', quotedBy: { author: 'A Reporter' } },
      { text: 'It did approve the plan, and the chairman resigned.', quotedBy: { author: 'A Blogger', url: 'https://blog.example/post' }, note: 'The blog drops "not".' },
    ],
    notes: 'Notes in **Markdown** with <b>raw html</b>.',
    tags: ['test'],
    builtIn: false,
    createdAt: FIXED_DATE,
    updatedAt: FIXED_DATE,
  };
}
