/** Slugs: made from titles in any script, validated when given, made unique. */
import { describe, expect, it } from 'vitest';
import { isValidSlug, MAX_SLUG_LENGTH, slugify, uniqueSlug } from '../src/cases/slug.js';

describe('slugify', () => {
  const table: Array<[string, string]> = [
    ["Stalin's resignations: what Service wrote", 'stalins-resignations-what-service-wrote'],
    ['  Café — naïve “quotes”  ', 'cafe-naive-quotes'],
    ['Сталин и отставка', 'stalin-i-otstavka'],
    ['Ἀρχὴ ἥμισυ παντός', 'arche-emisy-pantos'],
    ['Straße', 'strasse'],
    ['中国', 'case'],
    ['...', 'case'],
    ['New', 'new-case'],
    ['1 Timothy 6:10', '1-timothy-6-10'],
  ];
  for (const [title, slug] of table) {
    it(`${JSON.stringify(title)} → ${slug}`, () => {
      expect(slugify(title)).toBe(slug);
      expect(isValidSlug(slug)).toBe(true);
    });
  }

  it('cuts a long title at a word boundary within the limit', () => {
    const slug = slugify('word '.repeat(100));
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug.endsWith('word')).toBe(true);
    expect(slugify('x'.repeat(200))).toBe('x'.repeat(MAX_SLUG_LENGTH));
  });
});

describe('isValidSlug', () => {
  it('takes lower-case letters, digits and single hyphens only, never a reserved word', () => {
    expect(isValidSlug('a-b-1')).toBe(true);
    for (const bad of ['', 'A', 'a--b', '-a', 'a-', 'a b', '../x', 'a/b', 'new', 'import', 'export', 'x'.repeat(MAX_SLUG_LENGTH + 1)]) {
      expect(isValidSlug(bad), bad).toBe(false);
    }
  });
});

describe('uniqueSlug', () => {
  it('keeps a free slug, else counts up from 2, staying within the limit', () => {
    const taken = new Set(['a', 'a-2']);
    expect(uniqueSlug('b', (s) => taken.has(s))).toBe('b');
    expect(uniqueSlug('a', (s) => taken.has(s))).toBe('a-3');
    const long = 'x'.repeat(MAX_SLUG_LENGTH);
    const next = uniqueSlug(long, (s) => s === long);
    expect(next).toBe(`${'x'.repeat(MAX_SLUG_LENGTH - 2)}-2`);
    expect(isValidSlug(next)).toBe(true);
  });
});
