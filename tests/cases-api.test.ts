/** HTTP tests of the cases JSON API (supertest against createApp with the real store, on SQLite and on PostgreSQL). */
import request from 'supertest';
import type { Express } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { storeEngines, storeForEachTest } from './helpers/engines.js';
import type { CaseStore } from '../src/cases/types.js';
import { MAX_QUOTATIONS } from '../src/cases/schema.js';

describe.each(storeEngines)('the cases API on $name', (engine) => {
  const current = storeForEachTest(engine);
  let store: CaseStore;
  let app: Express;

  beforeEach(() => {
    store = current.store;
    app = createApp({ store, csrf: false });
  });

  function caseBody(overrides: Record<string, unknown> = {}) {
    return {
      title: 'Yorick',
      source: {
        text: 'Alas, poor Yorick! I knew him, Horatio: a fellow of infinite jest, of most excellent fancy.',
        citation: { author: 'William Shakespeare', work: 'Hamlet', page: 'V.i', url: 'https://www.gutenberg.org/ebooks/1524' },
      },
      quotations: [{ text: 'Alas, poor Yorick! I knew him well.', quotedBy: { author: 'Popular memory' }, note: 'the misquotation' }],
      notes: 'The famous *misquotation*.',
      tags: ['Shakespeare', 'misquotation'],
      questions: ['What changed?'],
      teacherNotes: 'Nobody says Horatio.',
      ...overrides,
    };
  }

  async function post(body: unknown) {
    return request(app).post('/api/cases').set('Content-Type', 'application/json').send(JSON.stringify(body));
  }

  describe('POST /api/cases', () => {
    it('creates a case: 201, its slug, a Location, and the whole case back', async () => {
      const res = await post(caseBody());
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/cases/yorick');
      expect(res.body).toMatchObject({
        slug: 'yorick',
        title: 'Yorick',
        source: caseBody().source,
        quotations: [{ text: 'Alas, poor Yorick! I knew him well.', quotedBy: { author: 'Popular memory' }, note: 'the misquotation' }],
        notes: 'The famous *misquotation*.',
        tags: ['Shakespeare', 'misquotation'],
        questions: ['What changed?'],
        teacherNotes: 'Nobody says Horatio.',
        builtIn: false,
      });
    });

    it('keeps a given slug, and answers 409 when it is taken', async () => {
      expect((await post(caseBody({ slug: 'hamlet-v-i' }))).body.slug).toBe('hamlet-v-i');
      const again = await post(caseBody({ slug: 'hamlet-v-i' }));
      expect(again.status).toBe(409);
      expect(again.body.error).toBe('A case with the slug "hamlet-v-i" already exists.');
    });

    it('makes a second case of the same title a new slug', async () => {
      await post(caseBody());
      expect((await post(caseBody())).body.slug).toBe('yorick-2');
    });

    it('accepts the minimal contract shape (no notes, tags or citation fields)', async () => {
      const res = await post({ title: 'Bare', source: { text: 'one two three', citation: {} }, quotations: [{ text: 'two' }] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ notes: '', tags: [], questions: [], teacherNotes: '', quotations: [{ text: 'two', quotedBy: {}, note: '' }] });
    });

    const refusals: Array<[string, unknown, number, RegExp]> = [
      ['no title', caseBody({ title: undefined }), 400, /^title: The title must be text\.$/],
      ['an empty title', caseBody({ title: '   ' }), 400, /^title: The title is empty\.$/],
      ['a long title', caseBody({ title: 'x'.repeat(201) }), 400, /^title: The title is 201 characters long; the limit is 200\.$/],
      ['no source', caseBody({ source: undefined }), 400, /^source: "source" must be an object/],
      ['an empty source text', caseBody({ source: { text: ' \n ', citation: {} } }), 400, /^source\.text: The source is empty\.$/],
      ['no quotations', caseBody({ quotations: [] }), 400, /^quotations: A case needs at least one quotation\.$/],
      ['too many quotations', caseBody({ quotations: Array.from({ length: MAX_QUOTATIONS + 1 }, () => ({ text: 'Yorick' })) }), 400, /at most 20 quotations/],
      ['a quotation that is not an object', caseBody({ quotations: ['Yorick'] }), 400, /^quotations\[0\]: Each quotation must be an object/],
      ['an empty quotation', caseBody({ quotations: [{ text: 'Yorick' }, { text: '' }] }), 400, /^quotations\[1\]\.text: The quotation is empty\.$/],
      ['a javascript: URL', caseBody({ source: { text: 'a b c', citation: { url: 'javascript:alert(1)' } } }), 400, /^source\.citation\.url: The URL must be a web address starting with http/],
      ['a data: URL for a quoter', caseBody({ quotations: [{ text: 'a', quotedBy: { url: 'data:text/html,<script>' } }] }), 400, /^quotations\[0\]\.quotedBy\.url:/],
      ['tags that are not a list', caseBody({ tags: 'a, b' }), 400, /^tags: "tags" must be a list of words\.$/],
      ['too many tags', caseBody({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 400, /^tags: There are 21 tags; the limit is 20\.$/],
      ['a long tag', caseBody({ tags: ['x'.repeat(41)] }), 400, /^tags\[0\]: A tag is 41 characters long; the limit is 40\.$/],
      ['a tag with a comma', caseBody({ tags: ['a,b'] }), 400, /contains a comma/],
      ['a bad slug', caseBody({ slug: '../etc' }), 400, /^slug: The slug "\.\.\/etc" is not usable/],
      ['a reserved slug', caseBody({ slug: 'new' }), 400, /not usable/],
      ['a number for a title', caseBody({ title: 42 }), 400, /^title: The title must be text\.$/],
      ['an array body', [caseBody()], 400, /^A case must be a JSON object/],
      ['control characters in a title', caseBody({ title: 'a\u0000b' }), 400, /control characters/],
    ];
    for (const [what, body, status, message] of refusals) {
      it(`refuses ${what} with ${status} and a clear message`, async () => {
        const res = await post(body);
        expect(res.status).toBe(status);
        expect(res.body.error).toMatch(message);
        expect(await store.list()).toEqual([]);
      });
    }

    it('refuses a quotation over 100 KB with 413', async () => {
      const res = await post(caseBody({ quotations: [{ text: 'é'.repeat(60 * 1024) }] }));
      expect(res.status).toBe(413);
      expect(res.body.error).toBe('quotations[0].text: The quotation is 120 KB; the limit is 100 KB.');
    });

    it('refuses a source over 10 MB with 413', async () => {
      const res = await post(caseBody({ source: { text: 'word '.repeat(2.1 * 1024 * 1024), citation: {} } }));
      expect(res.status).toBe(413);
      expect(res.body.error).toBe('source.text: The source is 10.5 MB; the limit is 10 MB.');
    });

    it('refuses a body that is not JSON, or not sent as JSON, with 400', async () => {
      const broken = await request(app).post('/api/cases').set('Content-Type', 'application/json').send('{"title": ');
      expect(broken.status).toBe(400);
      expect(broken.body.error).toBe('The request body is not valid JSON.');
      const form = await request(app).post('/api/cases').type('form').send({ title: 'x' });
      expect(form.status).toBe(400);
      expect(form.body.error).toMatch(/JSON/);
    });

    it('ignores prototype-polluting keys', async () => {
      const res = await request(app)
        .post('/api/cases')
        .set('Content-Type', 'application/json')
        .send(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, ${JSON.stringify(caseBody()).slice(1)}`);
      expect(res.status).toBe(201);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.keys(res.body)).not.toContain('__proto__');
    });
  });

  describe('GET /api/cases and GET /api/cases/:slug', () => {
    beforeEach(async () => {
      await post(caseBody());
      await post(
        caseBody({
          title: 'Greeley letter',
          source: { text: 'My paramount object in this struggle is to save the Union.', citation: { author: 'Abraham Lincoln' } },
          quotations: [{ text: 'save the Union', quotedBy: { author: 'A Newspaper' } }],
          tags: ['Lincoln'],
          notes: '',
        }),
      );
    });

    it('lists summaries of every case', async () => {
      const res = await request(app).get('/api/cases');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(2);
      expect(res.body[0]).toMatchObject({ slug: 'greeley-letter', title: 'Greeley letter', tags: ['Lincoln'], sourceAuthor: 'Abraham Lincoln', quotedBy: ['A Newspaper'], quotationCount: 1, builtIn: false });
    });

    it('filters by q, tag and author', async () => {
      const slugs = async (query: string) => ((await request(app).get(`/api/cases?${query}`)).body as Array<{ slug: string }>).map((c) => c.slug);
      expect(await slugs('q=horatio')).toEqual(['yorick']);
      expect(await slugs('tag=lincoln')).toEqual(['greeley-letter']);
      expect(await slugs('author=newspaper')).toEqual(['greeley-letter']);
      expect(await slugs('author=shakespeare&tag=misquotation')).toEqual(['yorick']);
      expect(await slugs('q=nothing-like-this')).toEqual([]);
    });

    it('refuses a filter given twice or too long', async () => {
      const twice = await request(app).get('/api/cases?q=a&q=b');
      expect(twice.status).toBe(400);
      expect(twice.body.error).toBe('The filter "q" must be given once, as text.');
      const long = await request(app).get(`/api/cases?tag=${'x'.repeat(501)}`);
      expect(long.status).toBe(400);
    });

    it('gives one case whole, in the contract shape', async () => {
      const res = await request(app).get('/api/cases/yorick');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(expect.arrayContaining(['title', 'source', 'quotations', 'notes', 'tags']));
      expect(res.body.source.text).toBe(caseBody().source.text);
      expect(res.body.source.citation).toEqual(caseBody().source.citation);
    });

    it('answers 404 JSON for a missing case', async () => {
      const res = await request(app).get('/api/cases/no-such-case');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'There is no case "no-such-case".' });
    });
  });

  describe('PUT and DELETE /api/cases/:slug', () => {
    it('replaces a case (200), keeping its slug whatever the body says', async () => {
      await post(caseBody());
      const before = (await request(app).get('/api/cases/yorick')).body;
      const res = await request(app)
        .put('/api/cases/yorick')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...before, slug: 'other', title: 'Yorick, again', quotations: [...before.quotations, { text: 'I knew him, Horatio' }] }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ slug: 'yorick', title: 'Yorick, again', createdAt: before.createdAt });
      expect(res.body.quotations).toHaveLength(2);
      expect((await request(app).get('/api/cases/yorick')).body.title).toBe('Yorick, again');
    });

    it('answers 404 for a missing case and 400 for a bad body, changing nothing', async () => {
      await post(caseBody());
      const missing = await request(app).put('/api/cases/missing').set('Content-Type', 'application/json').send(JSON.stringify(caseBody()));
      expect(missing.status).toBe(404);
      const bad = await request(app).put('/api/cases/yorick').set('Content-Type', 'application/json').send(JSON.stringify(caseBody({ quotations: [] })));
      expect(bad.status).toBe(400);
      expect((await store.get('yorick'))!.quotations).toHaveLength(1);
    });

    it('deletes a case (204), then answers 404', async () => {
      await post(caseBody());
      const res = await request(app).delete('/api/cases/yorick');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await request(app).get('/api/cases/yorick')).status).toBe(404);
      expect((await request(app).delete('/api/cases/yorick')).status).toBe(404);
    });
  });

  describe('export and import', () => {
    it('exports every case as a JSON file to download, which imports back whole into an empty store', async () => {
      await post(caseBody());
      await post(caseBody({ title: 'Second', quotations: [{ text: 'I knew him' }, { text: 'infinite jest' }] }));
      const res = await request(app).get('/api/cases/export');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?elision-cases-\d{4}-\d\d-\d\d\.json"?$/);
      const exported = JSON.parse(res.text);
      expect(exported).toMatchObject({ format: 'elision-cases', version: 1 });
      expect(exported.cases.map((c: { slug: string }) => c.slug)).toEqual(['second', 'yorick']);

      const other = await engine.create('api-import');
      const otherStore = await other.open();
      try {
        const otherApp = createApp({ store: otherStore, csrf: false });
        const imported = await request(otherApp).post('/api/cases/import').set('Content-Type', 'application/json').send(res.text);
        expect(imported.status).toBe(201);
        expect(imported.body).toEqual({ imported: 2, cases: [{ slug: 'second', title: 'Second' }, { slug: 'yorick', title: 'Yorick' }] });
        const strip = ({ createdAt, updatedAt, ...rest }: Record<string, unknown>) => rest;
        expect(strip((await request(otherApp).get('/api/cases/yorick')).body)).toEqual(strip(exported.cases[1]));
      } finally {
        await other.remove();
      }
    });

    it('imports one case, or a list, and renames slugs that are taken', async () => {
      await post(caseBody());
      const one = await request(app).post('/api/cases/import').set('Content-Type', 'application/json').send(JSON.stringify({ ...caseBody(), slug: 'yorick' }));
      expect(one.status).toBe(201);
      expect(one.body.cases).toEqual([{ slug: 'yorick-2', title: 'Yorick' }]);
      const list = await request(app).post('/api/cases/import').set('Content-Type', 'application/json').send(JSON.stringify([caseBody({ title: 'A' }), caseBody({ title: 'B' })]));
      expect(list.body.imported).toBe(2);
      expect(await store.list()).toHaveLength(4);
    });

    const hostile: Array<[string, string, RegExp]> = [
      ['a list with one bad case among good ones', JSON.stringify([caseBody({ title: 'Good' }), caseBody({ quotations: [{ text: '' }] })]), /^\[1\]\.quotations\[0\]\.text: The quotation is empty\.$/],
      ['an envelope with a bad case', JSON.stringify({ cases: [caseBody({ title: 'Good' }), caseBody({ source: { text: 'x', citation: { url: 'javascript:alert(1)' } } })] }), /^\[1\]\.source\.citation\.url:/],
      ['an empty list', '[]', /no case to import/],
      // express.json takes only an object or a list at the top
      ['a bare string', '"hello"', /not valid JSON/],
      ['null', 'null', /not valid JSON/],
      ['an object that is no case', '{"foo": 1}', /must be a case, a list of cases/],
      ['deeply nested arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`, /./],
      ['broken JSON', '[{"title": "x"', /not valid JSON/],
    ];
    for (const [what, body, message] of hostile) {
      it(`refuses ${what} with 400 and imports nothing`, async () => {
        await post(caseBody({ title: 'Already here' }));
        const res = await request(app).post('/api/cases/import').set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatch(message);
        expect((await store.list()).map((c) => c.slug)).toEqual(['already-here']);
      });
    }
  });
});
