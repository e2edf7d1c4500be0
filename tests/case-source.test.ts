/**
 * A case's imported source: its provenance and where map accepted by the case schema,
 * kept with the library source, given back by the API, the case download and the JSON
 * export, and shown by the case page and the exports ("p. 74" in the citation, the
 * provenance line under it). Real store on ':memory:', the app over HTTP (supertest).
 */
import request from 'supertest';
import type { Express } from 'express';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { parseCaseInput } from '../src/cases/schema.js';
import type { SqliteCaseStore } from '../src/store/case-store.js';
import { memoryStore } from './helpers/temp-store.js';
import { ImportPool } from '../src/import/import-pool.js';
import { createSourceImporter } from '../src/import/importer.js';
import { epubFile } from './helpers/source-fixtures.js';

const pageOne = 'It was the best of times, it was the worst of times, it was the age of wisdom.';
const pageTwo = 'It was the epoch of belief, it was the epoch of incredulity, it was the season of Light.';
const sourceText = `${pageOne}\n\n${pageTwo}`;
const where = [
  { start: 0, page: 73 },
  { start: pageOne.length + 2, page: 74 },
];
const provenance = {
  file: 'two-cities.pdf',
  mediaType: 'application/pdf',
  extractedBy: 'pdfjs-dist 5.6.205',
  retrievedAt: '2026-11-29T22:00:00.000Z',
  bytes: 123456,
  sha256: 'ab'.repeat(32),
  pages: 2,
};

function caseBody(source: Record<string, unknown> = {}) {
  return {
    title: 'Two cities',
    source: { text: sourceText, citation: { author: 'Charles Dickens', work: 'A Tale of Two Cities' }, provenance, where, ...source },
    quotations: [{ text: 'It was the epoch of belief, it was the season of Light.' }],
  };
}

describe('the case schema', () => {
  it('accepts an imported source’s provenance and where map, sorted by start', () => {
    const parsed = parseCaseInput(caseBody({ where: [...where].reverse() }));
    expect(parsed.source.provenance).toEqual(provenance);
    expect(parsed.source.where).toEqual(where);
  });

  it('leaves both out of a pasted source', () => {
    const parsed = parseCaseInput(caseBody({ provenance: undefined, where: null }));
    expect(parsed.source).not.toHaveProperty('provenance');
    expect(parsed.source).not.toHaveProperty('where');
  });

  it.each([
    [{ provenance: { ...provenance, sha256: 'xyz' } }, 'source.provenance.sha256: The SHA-256 must be 64 lower-case hexadecimal digits.'],
    [{ provenance: { mediaType: 'text/html' } }, 'source.provenance: The provenance must name the "url" or the "file" the source was imported from.'],
    [{ provenance: { ...provenance, file: undefined, url: 'javascript:alert(1)' } }, 'source.provenance.url: The provenance URL must be a web address starting with http:// or https://.'],
    [{ provenance: { ...provenance, bytes: -1 } }, 'source.provenance.bytes: The size in bytes cannot be negative.'],
    [{ provenance: 'a file' }, 'source.provenance: "provenance" must be an object such as {"file": "...", "mediaType": "...", "sha256": "..."}.'],
    [{ where: [{ start: 'zero', page: 1 }] }, 'source.where[0].start: "start" must be a number.'],
    [{ where: { start: 0 } }, 'source.where: "where" must be a list such as [{"start": 0, "page": 1}].'],
    [{ where: [{ start: sourceText.length + 1, page: 75 }] }, `source.where[0].start: "start" is ${sourceText.length + 1}, beyond the source's ${sourceText.length} characters.`],
  ])('refuses %j in one sentence', (source, message) => {
    expect(() => parseCaseInput(caseBody(source))).toThrow(message);
  });
});

describe('a case with an imported source, over HTTP', () => {
  let store: SqliteCaseStore;
  let app: Express;
  beforeEach(async () => {
    store = await memoryStore();
    app = createApp({ store, csrf: false });
  });
  afterEach(async () => {
    await store.close();
  });

  async function create(body: unknown = caseBody()) {
    const res = await request(app).post('/api/cases').set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect(res.status).toBe(201);
    return res.body as { slug: string };
  }

  it('carries provenance and where through POST, GET, the case download and the JSON export', async () => {
    const created = await create();
    expect(created).toMatchObject({ source: { provenance, where } });
    const got = await request(app).get(`/api/cases/${created.slug}`);
    // its original file was never uploaded here, so none is kept: the JSON says so, without bytes
    expect(got.body.source).toEqual({ text: sourceText, citation: { author: 'Charles Dickens', work: 'A Tale of Two Cities' }, provenance, where, original: { kept: false } });
    const download = await request(app).get(`/cases/${created.slug}/case.json`);
    expect(JSON.parse(download.text).source).toMatchObject({ provenance, where });
    const all = await request(app).get('/api/cases/export');
    expect(JSON.stringify(all.body)).toContain(provenance.sha256);
    const exported = await request(app).get(`/cases/${created.slug}/export?format=json`);
    expect(exported.status).toBe(200);
    const json = JSON.parse(exported.text);
    expect(JSON.stringify(json)).toContain(provenance.sha256);
    expect(JSON.stringify(json)).toContain('"where":{"page":74}');
  });

  it('keeps them with the library source the case points at', async () => {
    const created = await create();
    const [summary] = await store.library.list();
    const source = await store.library.get(summary!.id);
    expect(source?.provenance).toEqual(provenance);
    expect(source?.where).toEqual(where);
    // an edit that sends the source without them leaves what the text already has
    const body = caseBody({ provenance: undefined, where: undefined });
    const edited = await request(app).put(`/api/cases/${created.slug}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect(edited.status).toBe(200);
    expect(edited.body.source).toMatchObject({ provenance, where });
  });

  it('gives a pasted case’s JSON no provenance or where key', async () => {
    const created = await create(caseBody({ provenance: undefined, where: undefined }));
    const got = await request(app).get(`/api/cases/${created.slug}`);
    expect(Object.keys(got.body.source)).toEqual(['text', 'citation']);
  });

  it('shows the page in the citation and the provenance line on the case page', async () => {
    const created = await create();
    const page = await request(app).get(`/cases/${created.slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/A Tale of Two Cities[^<]*74/);
    expect(page.text).toContain('Imported from the file “two-cities.pdf” (application/pdf, 121 KB, SHA-256 abab');
    expect(page.text).toContain('read by pdfjs-dist 5.6.205 on 2026-11-29');
  });

  it('prints the page in the Markdown and HTML exports’ citation', async () => {
    const created = await create();
    for (const format of ['md', 'html']) {
      const exported = await request(app).get(`/cases/${created.slug}/export?format=${format}`);
      expect(exported.status).toBe(200);
      expect(exported.text).toMatch(/A Tale of Two Cities[^\n]*74/);
    }
  });

  it('puts the provenance line under the citation in every export that cites the source, escaped', async () => {
    // a file name is user text: markup in it must stay text in every format
    const hostile = { ...provenance, file: '<b>x</b> *two* [cities](javascript:alert(1)).pdf' };
    const created = await create(caseBody({ provenance: hostile }));
    const line = 'Imported from the file “<b>x</b> *two* [cities](javascript:alert(1)).pdf” (application/pdf, 121 KB, SHA-256 ' +
      `${'ab'.repeat(32)}), read by pdfjs-dist 5.6.205 on 2026-11-29 at 22:00 UTC; original file not kept.`;
    const page = await request(app).get(`/cases/${created.slug}`);
    expect(page.text).toContain(line.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    for (const quotation of ['0', 'all']) {
      const get = async (format: string) => {
        const res = await request(app).get(`/cases/${created.slug}/export?format=${format}&quotation=${quotation}`);
        expect(res.status).toBe(200);
        return res.text;
      };
      const html = await get('html');
      expect(html).toContain(`<p class="meta provenance">${line.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`);
      expect(html).not.toContain('<b>x</b>');
      // under the citation, before the comparison
      expect(html.indexOf('meta provenance')).toBeGreaterThan(html.indexOf('meta citation'));
      expect(html.indexOf('meta provenance')).toBeLessThan(html.indexOf('<main>'));
      const md = await get('md');
      expect(md).toContain('Imported from the file “\\<b\\>x\\</b\\> \\*two\\* \\[cities\\](javascript:alert(1)).pdf”');
      expect(md.indexOf('Imported from')).toBeGreaterThan(md.indexOf('Source: '));
      const tei = await get('tei');
      expect(tei).toContain(`<note type="provenance">${line.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</note>`);
      expect(tei).toMatch(/<sourceDesc><bibl>[\s\S]*<note type="provenance">[\s\S]*<\/bibl><\/sourceDesc>/);
      const annotation = JSON.parse(await get('jsonld'));
      expect(JSON.stringify(annotation)).toContain(JSON.stringify(line).slice(1, -1));
      const review = JSON.parse(await get('claimreview'));
      const reviews = Array.isArray(review) ? review : review['@graph'] ?? [review];
      expect(JSON.stringify(reviews)).toContain('"@type":"MediaObject"');
      expect(JSON.stringify(reviews)).toContain(`"sha256":"${'ab'.repeat(32)}"`);
      const json = JSON.parse(await get('json'));
      expect(json.case.source.provenance).toEqual(hostile);
    }
  });

  it('refuses a bad where map with 400 and stores nothing', async () => {
    const res = await request(app)
      .post('/api/cases')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(caseBody({ where: [{ start: -3, page: 1 }] })));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('source.where[0].start: "start" cannot be negative.');
    expect(await store.list()).toEqual([]);
  });
});

describe('the case forms’ "Import the source"', () => {
  let store: SqliteCaseStore;
  let app: Express;
  const pool = new ImportPool(20_000);
  const first = 'Whenever I find myself growing grim about the mouth, I account it high time to get to sea.';
  const second = 'There now is your insular city of the Manhattoes, belted round by wharves as Indian isles by coral reefs.';
  const epub = Buffer.from(epubFile('Moby-Dick', [{ title: 'Loomings', text: first }, { title: 'The Carpet-Bag', text: second }]));

  beforeEach(async () => {
    store = await memoryStore();
    app = createApp({ store, csrf: false, sourceImporter: createSourceImporter({ pool, fetch: {} }) });
  });
  afterEach(async () => {
    await store.close();
  });
  afterAll(async () => {
    await pool.close();
  });

  /** A hidden field's value as the browser would send it back. */
  function hidden(html: string, name: string): string {
    const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
    if (!match) throw new Error(`no hidden field ${name}`);
    return match[1]!.replace(/&#34;/g, '"').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }

  it('fills the new-case form from an EPUB, and the saved case keeps its provenance and cites the chapter', async () => {
    const imported = await request(app)
      .post('/cases/import-source')
      .field('title', 'Ishmael')
      .field('quote', 'There now is your insular city of the Manhattoes.')
      .attach('sourceFile', epub, 'moby-dick.epub');
    expect(imported.status).toBe(200);
    expect(imported.text).toContain('Imported “moby-dick.epub”: 2 chapters');
    expect(imported.text).toContain('value="Ishmael"');
    const provenance = JSON.parse(hidden(imported.text, 'sourceProvenance'));
    expect(provenance).toMatchObject({ file: 'moby-dick.epub', mediaType: 'application/epub+zip' });
    const sourceText = /<textarea[^>]*name="source"[^>]*>([\s\S]*?)<\/textarea>/.exec(imported.text)![1]!.replace(/^\n/, '');
    expect(sourceText).toContain('insular city');

    const saved = await request(app)
      .post('/cases')
      .type('form')
      .send({
        title: 'Ishmael',
        quote: 'There now is your insular city of the Manhattoes.',
        source: sourceText,
        work: 'Moby-Dick',
        sourceProvenance: hidden(imported.text, 'sourceProvenance'),
        sourceWhere: hidden(imported.text, 'sourceWhere'),
      });
    expect(saved.status).toBe(303);
    const kase = (await request(app).get('/api/cases/ishmael')).body;
    expect(kase.source.provenance).toMatchObject({ file: 'moby-dick.epub', sha256: provenance.sha256 });
    expect(kase.source.where.map((entry: { chapter: string }) => entry.chapter)).toEqual(['Loomings', 'The Carpet-Bag']);
    const page = await request(app).get('/cases/ishmael');
    expect(page.text).toContain('ch. “The Carpet-Bag”');
    expect(page.text).toContain('Imported from the file “moby-dick.epub”');
  });

  it('replaces the source on the edit form, keeping every quotation as typed, and saves nothing until asked', async () => {
    await request(app)
      .post('/api/cases')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ title: 'Ishmael', source: { text: `${first} ${second}` }, quotations: [{ text: 'Call me.' }, { text: 'insular city' }] }));
    const imported = await request(app)
      .post('/cases/ishmael/import-source')
      .field('title', 'Ishmael')
      .field('source', 'old text')
      .field('quotationCount', '2')
      .field('quote-0', 'Call me.')
      .field('quote-1', 'insular city')
      .attach('sourceFile', epub, 'moby-dick.epub');
    expect(imported.status).toBe(200);
    expect(imported.text).toContain('then save the changes');
    expect(imported.text).toContain('>\ninsular city</textarea>');
    expect(hidden(imported.text, 'sourceWhere')).toContain('Loomings');
    expect((await store.get('ishmael'))?.source.provenance).toBeUndefined();
  });

  it('says what is wrong with no file and no address, or an unreadable file, and keeps the form', async () => {
    const none = await request(app).post('/cases/import-source').field('title', 'Kept title').field('sourceUrl', '');
    expect(none.status).toBe(400);
    expect(none.text).toContain('Choose a file, or give an address, to import the source from.');
    expect(none.text).toContain('value="Kept title"');
    const unknown = await request(app).post('/cases/import-source').field('title', 'Kept title').attach('sourceFile', Buffer.from([0, 1, 2, 3, 255, 254]), 'blob.bin');
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
    expect(unknown.text).toContain('value="Kept title"');
    const refused = await request(app).post('/cases/import-source').field('title', 'Kept title').field('sourceUrl', 'http://127.0.0.1:9/x');
    expect(refused.status).toBe(400);
    expect(await store.list()).toEqual([]);
  });
});
