/**
 * The built-in cases in data/cases/: every folder loads, each case is complete enough to
 * teach from (citation, notes saying where the texts come from, tags, questions,
 * teacher's notes), every quotation of every case is found in its source, and the
 * founding document's cases are built from the seed character for character and come
 * out as the founding document says they should.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { loadBuiltInCases } from '../src/store/import-built-in.js';

const CASES_DIR = path.resolve('data/cases');
// A copy of the founding document (the blog post "Stalin's Four Attempts at Resignation" and its comments), so the test runs in any clone of the project.
const SEED = path.resolve('tests/fixtures/stalin-four-attempts-at-resignation.txt');
const { cases, errors } = loadBuiltInCases(CASES_DIR);
const bySlug = new Map(cases.map((c) => [c.slug, c.input]));

describe('every built-in case', () => {
  it('loads without errors, and there are at least eight', () => {
    expect(errors).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  it.each(cases.map((c) => [c.slug, c.input] as const))('%s is complete enough to teach from', (_slug, input) => {
    expect(input.title.trim()).not.toBe('');
    expect(input.source.text.trim()).not.toBe('');
    expect(input.source.citation.author).toBeTruthy();
    expect(input.source.citation.work).toBeTruthy();
    expect(input.notes ?? '').toMatch(/Where the texts? comes? from/);
    expect(input.tags?.length ?? 0).toBeGreaterThan(0);
    expect(input.questions?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect((input.teacherNotes ?? '').length).toBeGreaterThan(100);
    for (const quotation of input.quotations) {
      expect(quotation.text.trim()).not.toBe('');
      expect(quotation.quotedBy?.author).toBeTruthy();
    }
  });

  it.each(cases.map((c) => [c.slug, c.input] as const))('%s: every quotation is found in its source', (_slug, input) => {
    for (const quotation of input.quotations) {
      const comparison = compare(quotation.text, input.source.text);
      expect(comparison.found).toBe(true);
      expect(comparison.fragments.every((f) => f.found)).toBe(true);
    }
  });

  it('keeps texts exact: one trailing newline dropped, nothing else', () => {
    for (const { slug, input } of cases) {
      const raw = readFileSync(path.join(CASES_DIR, slug, 'source.txt'), 'utf8');
      expect(raw.endsWith('\n') ? raw.slice(0, -1) : raw).toBe(input.source.text);
    }
  });
});

describe('the founding case, service-stalin-resignation', () => {
  const founding = bySlug.get('service-stalin-resignation');

  it('exists with the blog quotation first and the commenter second', () => {
    expect(founding).toBeDefined();
    expect(founding?.quotations).toHaveLength(2);
    expect(founding?.source.citation.author).toBe('Robert Service');
    expect(founding?.source.citation.note).toMatch(/reconstructed from the two quotations/i);
    expect(founding?.source.text).toContain('took took its toll');
  });

  it.skipIf(!existsSync(SEED))('copies its texts from the seed character for character', () => {
    const seed = readFileSync(SEED, 'utf8');
    const [blog, commenter] = founding!.quotations;
    expect(seed).toContain(blog!.text);
    expect(seed).toContain(`“${commenter!.text}”`);
    // The source is the commenter's passage with the blog's sentences where its ". . ." stands.
    const [before, after] = commenter!.text.split(' . . ');
    expect(founding!.source.text).toBe(`${before} ${blog!.text} ${after}`);
  });

  it("shows the blog's quotation faithful inside and cut at both edges", () => {
    const source = founding!.source.text;
    const blog = founding!.quotations[0]!.text;
    const comparison = compare(blog, source);
    expect(comparison.stats.markedOmissions + comparison.stats.silentOmissions).toBe(0);
    const before = comparison.segments.find((s) => s.kind === 'context-before');
    const after = comparison.segments.find((s) => s.kind === 'context-after');
    expect(source.slice(before!.source!.start, before!.source!.end)).toContain('He was an extremely sensitive bully.');
    expect(source.slice(after!.source!.start, after!.source!.end)).toContain('Of course he wanted to be persuaded');
    expect(comparison.cues.map((c) => c.code)).toContain('turn-after');
  });

  it("shows the commenter's own cut as one marked omission: the blog's sentences", () => {
    const source = founding!.source.text;
    const commenter = founding!.quotations[1]!.text;
    const comparison = compare(commenter, source);
    expect(comparison.stats.markedOmissions).toBe(1);
    expect(comparison.stats.silentOmissions).toBe(0);
    const omission = comparison.segments.find((s) => s.kind === 'omission')!;
    expect(source.slice(omission.source!.start, omission.source!.end)).toContain('On 27 December 1926');
  });
});

describe("the founding document's other cases", () => {
  it('the reblog of the 1927 speech comes out faithful', () => {
    const speech = bySlug.get('stalin-1927-speech-reblog')!;
    const comparison = compare(speech.quotations[0]!.text, speech.source.text);
    expect(comparison.stats).toMatchObject({ markedOmissions: 0, silentOmissions: 0, insertions: 0, alterations: 0 });
  });

  it.skipIf(!existsSync(SEED))('the 1927 speech is the blog’s, copied from the seed', () => {
    const seed = readFileSync(SEED, 'utf8');
    const speech = bySlug.get('stalin-1927-speech-reblog')!;
    for (const paragraph of speech.source.text.split('\n\n')) expect(seed).toContain(paragraph);
    for (const line of speech.quotations[0]!.text.split('\n')) expect(seed).toContain(line);
  });

  it('the Alexandrov quotation keeps its "…  [as the]": one marked omission and one editorial insertion', () => {
    const alexandrov = bySlug.get('alexandrov-general-secretary')!;
    const quote = alexandrov.quotations[0]!.text;
    expect(quote).toContain('… \u00a0[as the]');
    const comparison = compare(quote, alexandrov.source.text);
    expect(comparison.stats.markedOmissions).toBe(1);
    expect(comparison.segments.some((s) => s.kind === 'insertion' && s.editorial)).toBe(true);
    expect(alexandrov.notes).toMatch(/reconstructed/i);
  });
});
