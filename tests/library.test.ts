/**
 * The library and find, on a real store (SQLite, and PostgreSQL: tests/helpers/engines.ts): a generated library of 60 sources with
 * real passages planted in known ones; find must put the planted source first for a
 * verbatim, noisy and cut quotation, call a chimera a chimera, and say "not in the
 * library" for a fabricated one. Also deduplication and the index kept in step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../src/cases/types.js';
import type { LibraryStore } from '../src/library/types.js';
import { findInLibrary, MIN_FIND_WORDS } from '../src/library/find.js';
import { UserError } from '../src/errors.js';
import { builtInSource, prose, seeded, vocabulary } from './helpers/generated-library.js';
import { storeEngines, type EngineDatabase } from './helpers/engines.js';

describe.each(storeEngines)('the library and find on $name', (engine) => {
  let db: EngineDatabase;
  let store: CaseStore;
  let library: LibraryStore;
  const planted = new Map<string, number>();

  const DARWIN = builtInSource('darwin-eye');
  const HAMLET = builtInSource('hamlet-yorick');
  const TIMOTHY = builtInSource('love-of-money');

  beforeAll(async () => {
    db = await engine.create('library');
    store = await db.open();
    library = store.library;
    const random = seeded(1859);
    const vocab = vocabulary(random, 4000);
    for (let i = 0; i < 60; i++) {
      let text = prose(random, vocab, 3000 + Math.floor(random() * 3000));
      let title = `Generated work ${i}`;
      const plant = i === 17 ? ['darwin', DARWIN] : i === 42 ? ['hamlet', HAMLET] : i === 5 ? ['timothy', TIMOTHY] : undefined;
      if (plant) {
        const at = text.indexOf('. ', Math.floor(text.length / 2)) + 2;
        text = `${text.slice(0, at)}\n\n${plant[1]}\n\n${text.slice(at)}`;
        title = `Work with ${plant[0]}`;
      }
      const { source } = await library.add({ text, title, citation: { author: i % 2 ? 'Odd Author' : 'Even Author', work: title } });
      if (plant) planted.set(plant[0]!, source.id);
    }
  });

  afterAll(async () => {
    await db.remove();
  });

  describe('find', () => {
    it('puts the planted source first for a verbatim quotation, with a verbatim verdict and offsets into the whole source', async () => {
      const quote = "Here hung those lips that I have kiss'd I know not how oft.";
      const result = await findInLibrary(library, quote);
      expect(result.found).toBe(true);
      expect(result.searched.sources).toBe(60);
      expect(result.searched.characters).toBeGreaterThan(60 * 15_000);
      const best = result.results[0]!;
      expect(best.sourceId).toBe(planted.get('hamlet'));
      expect(best.rating).toBe('verbatim');
      expect(result.summary).toMatch(/^Verbatim in Even Author, Work with hamlet\./);
      const text = (await library.text(best.sourceId))!;
      const span = best.comparison.span!;
      expect(text.slice(span.start, span.end).replace(/\s+/g, ' ')).toBe(quote.replace(/\.$/, ''));
      expect(best.passage!.text).toBe(text.slice(span.start, span.end));
    });

    it('finds a quotation through typographic noise: case, curly quotes, dashes, a hyphen at a line break', async () => {
      const quote = '“ALAS, POOR YORICK!—I knew him, Horatio; a fel-\nlow of infinite jest, of most excellent fancy”';
      const result = await findInLibrary(library, quote);
      expect(result.found).toBe(true);
      expect(result.results[0]!.sourceId).toBe(planted.get('hamlet'));
    });

    it('finds a quotation cut with an ellipsis and one cut silently, and says which', async () => {
      const marked = await findInLibrary(library, 'Alas, poor Yorick!--I knew him, Horatio; a fellow of infinite jest … he hath borne me on his back a thousand times');
      expect(marked.results[0]!.sourceId).toBe(planted.get('hamlet'));
      expect(marked.results[0]!.rating).toBe('marked-omission');
      const silent = await findInLibrary(library, 'seems, I freely confess, absurd in the highest possible degree. Yet reason tells me that a perfect and complex eye could be formed by natural selection');
      expect(silent.results[0]!.sourceId).toBe(planted.get('darwin'));
      expect(silent.results[0]!.rating).toBe('silent-omission');
      expect(silent.found).toBe(true);
    });

    it('reports a chimera: two works, none holding the whole quotation', async () => {
      const quote = 'Alas, poor Yorick! I knew him, Horatio … for the love of money is the root of all evil';
      const result = await findInLibrary(library, quote);
      expect(result.found).toBe(false);
      expect(result.chimera?.parts.map((p) => p.sourceId).sort()).toEqual([planted.get('hamlet'), planted.get('timothy')].sort());
      expect(result.summary).toMatch(/^A chimera/);
      for (const place of result.results) expect(place.rating).toBe('partly-found');
    });

    it('never calls a quotation with a fabricated part found', async () => {
      const quote = 'For the love of money is the root of all evil … and the wise man keeps his purse closed against every neighbour';
      const result = await findInLibrary(library, quote);
      expect(result.found).toBe(false);
      expect(result.results[0]!.sourceId).toBe(planted.get('timothy'));
      expect(result.results[0]!.rating).toBe('partly-found');
      expect(result.chimera).toBeUndefined();
      expect(result.summary).toMatch(/^Not in the library \(60 sources, [\d,]+ characters searched\)\. The nearest passage, in Work with timothy, shares \d+% of its words\.$/);
      // the same without an ellipsis: the engine finds no convincing place, and find says where the nearest is
      const joined = await findInLibrary(library, quote.replace(' …', ','));
      expect(joined.found).toBe(false);
      expect(joined.nearest?.sourceId).toBe(planted.get('timothy'));
      expect(joined.nearest?.similarity).toBeGreaterThan(0.2);
      expect(joined.nearest?.similarity).toBeLessThan(0.8);
    });

    it('says "not in the library" for a fabricated quotation, with how much was searched and the nearest passage', async () => {
      const result = await findInLibrary(library, 'Whoever controls the weather of the mind controls the harvest of the nation');
      expect(result.found).toBe(false);
      expect(result.results.filter((r) => r.found)).toEqual([]);
      expect(result.summary).toMatch(/^Not in the library \(60 sources/);
      if (result.nearest) expect(result.nearest.similarity).toBeLessThan(0.5);
    });

    it('refuses too little to search, too much, and an empty library, each with one clear sentence', async () => {
      await expect(findInLibrary(library, '')).rejects.toThrow(`give at least ${MIN_FIND_WORDS} words`);
      await expect(findInLibrary(library, 'Yorick')).rejects.toThrow(/has one word: give at least/);
      await expect(findInLibrary(library, 'word '.repeat(6000))).rejects.toThrow(/KB; the library is searched for quotations up to/);
      const emptyDb = await engine.create('empty-library');
      try {
        const empty = await emptyDb.open();
        await expect(findInLibrary(empty.library, 'the love of money is the root')).rejects.toThrow(/library is empty/);
        await expect(findInLibrary(empty.library, 'the love of money is the root')).rejects.toBeInstanceOf(UserError);
      } finally {
        await emptyDb.remove();
      }
    });
  });

  describe('the library', () => {
    it('keeps each text once: a second add is "already there", and cases quoting one text share its copy', async () => {
      const again = await library.add({ text: builtInSource('darwin-eye').slice(0, 400), title: 'Darwin excerpt' });
      expect(again.outcome).toBe('added');
      const twice = await library.add({ text: builtInSource('darwin-eye').slice(0, 400), title: 'Another title' });
      expect(twice.outcome).toBe('already-there');
      expect(twice.source.id).toBe(again.source.id);
      const before = (await library.totals()).sources;
      const input = (title: string) => ({
        title,
        source: { text: 'It was the best of times, it was the worst of times, it was the age of wisdom.', citation: { author: 'Charles Dickens', work: 'A Tale of Two Cities' } },
        quotations: [{ text: 'It was the best of times' }],
      });
      const a = await store.create(input('First'));
      await store.create(input('Second'));
      expect((await library.totals()).sources).toBe(before + 1);
      const shared = (await library.list({ q: 'tale of two' }))[0]!;
      expect(shared.caseCount).toBe(2);
      expect((await library.casesQuoting(shared.id)).map((c) => c.slug).sort()).toEqual(['first', 'second']);
      expect((await store.get(a.slug))!.source.text).toBe(input('x').source.text);
      // a case's own text goes when its last case does; the library's own sources stay
      await store.delete('first');
      await store.delete('second');
      expect((await library.totals()).sources).toBe(before);
      expect(await library.get(shared.id)).toBeUndefined();
    });

    it('lists by title and citation words and by author', async () => {
      expect((await library.list({ author: 'odd author' })).length).toBe(30);
      expect((await library.list({ q: 'hamlet' })).map((s) => s.id)).toEqual([planted.get('hamlet')]);
      expect(await library.authors()).toEqual(['Even Author', 'Odd Author']);
    });

    it('finds a source added after the others, and finds nothing of a removed one (the index is kept in step)', async () => {
      const text = 'The quick brown fox jumps over the lazy dog while the zealous wizard quietly vexes jaunty kings.';
      const { source } = await library.add({ text, title: 'Pangrams' });
      const quote = 'the zealous wizard quietly vexes jaunty kings';
      expect((await findInLibrary(library, quote)).results[0]!.sourceId).toBe(source.id);
      expect(await library.remove(source.id)).toBe(true);
      expect((await findInLibrary(library, quote)).found).toBe(false);
    });

    it('finds Chinese by its character pairs, and Russian whether it is written with ё or е', async () => {
      const chinese = await library.add({ text: '学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？', title: '论语 学而' });
      const russian = await library.add({ text: 'Ещё одно, последнее сказанье — и летопись окончена моя. Исполнен долг, завещанный от Бога мне, грешному.', title: 'Борис Годунов' });
      const zh = await findInLibrary(library, '有朋自远方来，不亦乐乎');
      expect(zh.results[0]!.sourceId).toBe(chinese.source.id);
      expect(zh.found).toBe(true);
      const ru = await findInLibrary(library, 'Еще одно, последнее сказанье');
      expect(ru.results[0]!.sourceId).toBe(russian.source.id);
      expect(ru.found).toBe(true);
    });

    it('says on which page a quotation stands when the source has a map of its pages', async () => {
      const page1 = 'The first page speaks of the weather over the northern hills in spring. ';
      const text = `${page1}The second page tells how the miller of Dunmore sold his grain to the abbey at a loss.`;
      const { source } = await library.add({ text, title: 'A chronicle', citation: { author: 'A monk', work: 'A chronicle' }, where: [{ start: 0, page: 1 }, { start: page1.length, page: 2 }] });
      const result = await findInLibrary(library, 'the miller of Dunmore sold his grain to the abbey');
      expect(result.results[0]!.sourceId).toBe(source.id);
      expect(result.results[0]!.where).toEqual({ page: 2 });
      expect(result.results[0]!.comparison.where).toEqual({ page: 2 });
      expect(result.summary).toBe('Verbatim in A monk, A chronicle, p. 2.');
    });

    it('rebuilds the index from the texts and still finds what it found', async () => {
      await library.index.rebuild();
      const result = await findInLibrary(library, 'a fellow of infinite jest, of most excellent fancy');
      expect(result.results[0]!.sourceId).toBe(planted.get('hamlet'));
    });
  });
});
