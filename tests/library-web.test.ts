/**
 * The library on the web, over HTTP against the real app and a real store: the library
 * page (search, author filter, sizes), adding one file (and the same file again), a
 * source's page with the map of the cases that quote it, find from the API, the find
 * form and the compare form with an empty source box, and a hostile file name and text
 * escaped everywhere. On SQLite and on PostgreSQL (tests/helpers/engines.ts).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { storeEngines, type EngineDatabase } from './helpers/engines.js';
import type { CaseStore } from '../src/cases/types.js';

describe.each(storeEngines)('the library on the web, on $name', (engine) => {
  let db: EngineDatabase;
  let store: CaseStore;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    db = await engine.create('library-web');
    store = await db.open({ builtIns: true });
    app = createApp({ store, csrf: false });
  });

  afterAll(() => db.remove());

  const HOSTILE = '<img src=x onerror=alert(1)>';

  describe('the library pages', () => {
    it('lists every built-in case’s source with its size and filters by author and by words of the title', async () => {
      const all = await request(app).get('/library');
      expect(all.status).toBe(200);
      expect(all.text).toContain('Hamlet, Prince of Denmark');
      expect(all.text).toMatch(/<td class="num">843<\/td>/);
      const byAuthor = await request(app).get('/library').query({ author: 'William Shakespeare' });
      expect(byAuthor.text).toContain('Hamlet, Prince of Denmark');
      expect(byAuthor.text).not.toContain('On the Origin of Species');
      const byWords = await request(app).get('/library').query({ q: 'origin species' });
      expect(byWords.text).toContain('On the Origin of Species');
      expect(byWords.text).not.toContain('Hamlet, Prince of Denmark</a>');
    });

    it('adds one uploaded file, titled by its name; the same text again is "already there"', async () => {
      const body = `${HOSTILE} A letter about the harvest, the weather and the price of corn in the autumn.`;
      const added = await request(app).post('/library').attach('file', Buffer.from(body), `${HOSTILE}.txt`);
      expect(added.status).toBe(303);
      expect(added.headers.location).toMatch(/^\/library\/\d+\?added=1$/);
      const page = await request(app).get(added.headers.location);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain(HOSTILE);
      expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(page.text).toContain('Added to the library.');
      const again = await request(app).post('/library').attach('file', Buffer.from(body), 'copy.txt');
      expect(again.headers.location).toBe(added.headers.location.replace('added', 'already'));
      const list = await request(app).get('/library');
      expect(list.text).not.toContain(HOSTILE);
    });

    it('refuses a file it cannot read with the reason, and adds nothing', async () => {
      const before = (await store.library.totals()).sources;
      const res = await request(app).post('/library').attach('file', Buffer.from('%PDF-1.4 not really'), 'broken.pdf');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.text).toContain('Not added:');
      expect((await store.library.totals()).sources).toBe(before);
    });

    it('shows a source with the heat map of its quotations over the whole work and each quotation’s verdict', async () => {
      const darwin = (await store.library.list({ q: 'origin of species' })).find((s) => s.caseCount === 1)!;
      const page = await request(app).get(`/library/${darwin.id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('class="heat-strip"');
      expect((page.text.match(/<li class="heat heat-\d"/g) ?? []).length).toBe(100);
      expect(page.text).toMatch(/<li class="heat heat-[1-4]"/);
      expect(page.text).toContain('/cases/darwin-eye?quotation=0');
      expect(page.text).toContain('data-rating=');
      // two quotations of one case: the debate across cases
      expect(page.text).toContain('The debate across cases');
      expect((await request(app).get('/library/999999')).status).toBe(404);
    });
  });

  describe('find', () => {
    it('answers POST /api/find in the documented shape, best first', async () => {
      const res = await request(app).post('/api/find').send({ quote: 'For the love of money is the root of all evil' });
      expect(res.status).toBe(200);
      expect(res.body.searched.sources).toBeGreaterThanOrEqual(9);
      expect(res.body.found).toBe(true);
      expect(res.body.results[0]).toMatchObject({ title: 'The First Epistle of Paul the Apostle to Timothy, 6:6-11', rating: 'verbatim', comparison: { version: 1, found: true } });
      expect(typeof res.body.results[0].sourceId).toBe('number');
    });

    it('refuses too short a quotation with 400 and one sentence', async () => {
      const res = await request(app).post('/api/find').send({ quote: 'Yorick' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'The quotation has one word: give at least 4 words to search the library for.' });
      expect((await request(app).post('/api/find').send({})).status).toBe(400);
    });

    it('searches the library from the compare form when the source box is empty, and shows the best place side by side', async () => {
      const res = await request(app).post('/compare').type('form').send({ quote: `Alas, poor Yorick! I knew him, Horatio ${HOSTILE}`, source: '' });
      expect(res.status).toBe(200);
      expect(res.text).toContain('Find the source');
      expect(res.text).not.toContain(HOSTILE);
      const found = await request(app).post('/find').type('form').send({ quote: 'Alas, poor Yorick! I knew him, Horatio' });
      expect(found.text).toMatch(/<strong>Verbatim in William Shakespeare, Hamlet, Prince of Denmark\.<\/strong>/);
      expect(found.text).toContain('Side by side with Hamlet, Prince of Denmark');
      const missing = await request(app).post('/find').type('form').send({ quote: 'The harvest of the nation is the weather of the mind' });
      expect(missing.text).toMatch(/Not in the library \(\d+ sources, [\d,]+ characters searched\)/);
    });
  });
});
