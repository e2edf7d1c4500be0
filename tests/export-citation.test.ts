import { describe, expect, it } from 'vitest';
import { chicagoParts, formatChicago, parseCslName, toCslJson } from '../src/export/citation.js';

describe('formatChicago', () => {
  it.each([
    [
      'a book with place, publisher, year and page',
      { author: 'Robert Service', work: 'Stalin: A Biography', place: 'London', publisher: 'Macmillan', year: '2004', page: '259' },
      'Robert Service, Stalin: A Biography (London: Macmillan, 2004), 259.',
    ],
    ['a book with a numbered edition', { author: 'A. B. Writer', work: 'Title', edition: '2', year: '1990' }, 'A. B. Writer, Title, 2nd ed. (1990).'],
    [
      'a chapter in a container',
      { author: 'Jane Doe', work: 'A Chapter', container: 'The Collection', publisher: 'Press', year: '2001', page: '12–14' },
      'Jane Doe, “A Chapter,” in The Collection (Press, 2001), 12–14.',
    ],
    [
      'a web page',
      { author: 'Blog Author', work: 'A Post', container: 'The Blog', year: '2015', url: 'https://example.org/post' },
      'Blog Author, “A Post,” The Blog, 2015, https://example.org/post.',
    ],
    ['a title ending in a question mark adds no full stop', { work: 'Who Wrote It?' }, 'Who Wrote It?'],
    ['only a year', { year: '1947' }, '1947.'],
    ['nothing', {}, ''],
  ])('%s', (_label, citation, expected) => {
    expect(formatChicago(citation)).toBe(expected);
  });

  it('flags the titles as italic and nothing else', () => {
    const parts = chicagoParts({ author: 'Jane Doe', work: 'A Chapter', container: 'The Collection', year: '2001' });
    expect(parts.filter((p) => p.italic).map((p) => p.text)).toEqual(['The Collection']);
    expect(chicagoParts({ author: 'Jane Doe', work: 'Book' }).filter((p) => p.italic).map((p) => p.text)).toEqual(['Book']);
  });

  it('is empty for an absent citation', () => {
    expect(formatChicago(undefined)).toBe('');
  });
});

describe('CSL-JSON', () => {
  it.each([
    ['Robert Service', { family: 'Service', given: 'Robert' }],
    ['Alexandrov, G. F.', { family: 'Alexandrov', given: 'G. F.' }],
    ['G. F. Alexandrov', { family: 'Alexandrov', given: 'G. F.' }],
    ['Plato', { literal: 'Plato' }],
    ['Central Committee of the CPSU', { literal: 'Central Committee of the CPSU' }],
    ["the blog's author", { literal: "the blog's author" }],
  ])('reads the name %s', (name, expected) => {
    expect(parseCslName(name)).toEqual(expected);
  });

  it('turns a citation into a CSL item Zotero can import', () => {
    expect(
      toCslJson({ author: 'Robert Service', work: 'Stalin: A Biography', year: '2004', publisher: 'Macmillan', place: 'London', page: '259', language: 'en' }),
    ).toEqual({
      id: 'source',
      type: 'book',
      title: 'Stalin: A Biography',
      author: [{ family: 'Service', given: 'Robert' }],
      issued: { 'date-parts': [[2004]] },
      publisher: 'Macmillan',
      'publisher-place': 'London',
      page: '259',
      language: 'en',
    });
  });

  it('splits several authors, keeps odd dates literal and types web pages and chapters', () => {
    const web = toCslJson({ author: 'Ann Smith and Bob Jones', work: 'Post', url: 'https://x.example', year: 'c. 1920' });
    expect(web.type).toBe('webpage');
    expect(web.author).toEqual([
      { family: 'Smith', given: 'Ann' },
      { family: 'Jones', given: 'Bob' },
    ]);
    expect(web.issued).toEqual({ literal: 'c. 1920' });
    expect(toCslJson({ work: 'Ch', container: 'Book', publisher: 'P' }).type).toBe('chapter');
    expect(toCslJson({}).type).toBe('document');
  });
});
