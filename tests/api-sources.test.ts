/**
 * POST /api/sources and POST /api/quoting-page over HTTP: uploads of each kind, an
 * address served by a loopback fixture server (allowed as ELISION_FETCH_ALLOW_PRIVATE=1
 * allows it), refusals with their statuses, and the server still serving afterwards.
 * Extraction runs in the real import worker.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportPool } from '../src/import/import-pool.js';
import { createSourceImporter } from '../src/import/importer.js';
import { createApp } from '../src/web/app.js';
import { memoryStore } from './helpers/temp-store.js';

/** The real store, in memory: these tests are about the routes around it. */
const sharedStore = await memoryStore();
import { asParagraphs, caseTexts, epubFile, htmlPage, zipBomb } from './helpers/source-fixtures.js';

const service = caseTexts('service-stalin-resignation');
const darwin = caseTexts('darwin-eye');
const pool = new ImportPool(20_000);
const app = createApp({ store: sharedStore, csrf: true, sourceImporter: createSourceImporter({ pool, fetch: { allowPrivate: true, timeoutMs: 5_000 } }) });
const strictApp = createApp({ store: sharedStore, csrf: true, sourceImporter: createSourceImporter({ pool, fetch: {} }) });

const blogPost = htmlPage(
  'Stalin tried to resign four times',
  `<p>Historians rarely agree on anything about the General Secretary, and this post will not settle that.</p>
<p>Service wrote about this in his biography, in a passage that deserves to be read slowly. He put it like this:</p>
<blockquote>${asParagraphs(service.quote)}</blockquote>
<p>Darwin was candid about the difficulty: he wrote that “to suppose that the eye could have been formed by natural selection seems absurd in the highest possible degree” and then answered himself.</p>
<p>A short “scare quote” is not a quotation.</p>`,
);

let server: Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/post') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(blogPost);
    } else if (req.url === '/book.epub') {
      res.writeHead(200, { 'content-type': 'application/epub+zip' });
      res.end(Buffer.from(epubFile('Origin', [{ title: 'Difficulties of the Theory', text: darwin.source }])));
    } else if (req.url === '/loop') {
      res.writeHead(302, { location: '/loop' });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await pool.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('POST /api/sources', () => {
  it('imports an uploaded EPUB (multipart, no CSRF token needed: nothing is stored)', async () => {
    const epub = epubFile('Origin', [{ title: 'Difficulties of the Theory', text: darwin.source }]);
    const res = await request(app).post('/api/sources').attach('file', Buffer.from(epub), 'origin.epub');
    expect(res.status).toBe(200);
    expect(res.body.text).toContain('absurd in the highest possible degree');
    expect(res.body.where).toEqual([{ start: 0, chapter: 'Difficulties of the Theory' }]);
    expect(res.body.provenance).toMatchObject({ file: 'origin.epub', mediaType: 'application/epub+zip', bytes: epub.length });
    expect(res.body.provenance.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(res.body.provenance.retrievedAt)).not.toBeNaN();
  });

  it('gives a map that POST /api/compare turns into "where" on the comparison', async () => {
    const epub = epubFile('Origin', [{ title: 'The Letter', text: service.source }, { title: 'Difficulties of the Theory', text: darwin.source }]);
    const imported = await request(app).post('/api/sources').attach('file', Buffer.from(epub), 'origin.epub');
    const compared = await request(app).post('/api/compare').send({ quote: darwin.quote, source: imported.body.text, where: imported.body.where });
    expect(compared.status).toBe(200);
    expect(compared.body.where).toEqual({ chapter: 'Difficulties of the Theory' });
    const bad = await request(app).post('/api/compare').send({ quote: darwin.quote, source: imported.body.text, where: 'p. 4' });
    expect(bad.status).toBe(400);
  });

  it('imports an address (JSON {"url"}) and keeps the final address', async () => {
    const res = await request(app).post('/api/sources').send({ url: `${base}/book.epub` });
    expect(res.status).toBe(200);
    expect(res.body.provenance).toMatchObject({ url: `${base}/book.epub`, mediaType: 'application/epub+zip' });
  });

  it('refuses with one sentence each: unknown type 400, refused address 400, loop 502, missing 502, zip bomb 422, too large 413', async () => {
    const unknown = await request(app).post('/api/sources').attach('file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'x.png');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('The file "x.png" is of a type Elision cannot read (image/png): use a .txt, .html, .pdf, .docx, .epub or TEI .xml file.');

    const refused = await request(strictApp).post('/api/sources').send({ url: `${base}/post` });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/loopback/);

    const metadata = await request(app).post('/api/sources').send({ url: 'http://169.254.169.254/latest/meta-data/' });
    expect(metadata.status).toBe(400);

    const loop = await request(app).post('/api/sources').send({ url: `${base}/loop` });
    expect(loop.status).toBe(502);
    expect(loop.body.error).toMatch(/redirects in a loop/);

    const missing = await request(app).post('/api/sources').send({ url: `${base}/gone` });
    expect(missing.status).toBe(502);

    const bomb = zipBomb('OEBPS/a.xhtml', 65 * 1024 * 1024, { mimetype: 'application/epub+zip' });
    const refusedBomb = await request(app).post('/api/sources').attach('file', Buffer.from(bomb), 'bomb.epub');
    expect(refusedBomb.status).toBe(422);
    expect(refusedBomb.body.error).toMatch(/zip bomb/);

    const tooLarge = await request(app).post('/api/sources').attach('file', Buffer.alloc(10 * 1024 * 1024 + 1, 65), 'big.txt');
    expect(tooLarge.status).toBe(413);

    const noUrl = await request(app).post('/api/sources').send({});
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.error).toMatch(/"url"/);

    // and the server still serves
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  it('stops a file that takes longer than the budget, and reads the next one', async () => {
    const tightPool = new ImportPool(1);
    const tight = createApp({ store: sharedStore, csrf: false, sourceImporter: createSourceImporter({ pool: tightPool }) });
    try {
      const slow = await request(tight).post('/api/sources').attach('file', Buffer.from(epubFile('Origin', [{ title: 'A', text: darwin.source }])), 'a.epub');
      expect(slow.status).toBe(422);
      expect(slow.body.error).toMatch(/took longer than/);
    } finally {
      await tightPool.close();
    }
    const after = await request(app).post('/api/sources').attach('file', Buffer.from(service.source), 'service.txt');
    expect(after.status).toBe(200);
    expect(after.body.text).toContain('took took');
  });
});

describe('POST /api/quoting-page', () => {
  it('lists the blockquotes and long quoted sentences of a page, with their introductions', async () => {
    const res = await request(app).post('/api/quoting-page').send({ url: `${base}/post` });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('Stalin tried to resign four times');
    expect(res.body.url).toBe(`${base}/post`);
    const passages = res.body.passages as Array<{ text: string; introduction?: string; kind: string }>;
    expect(passages).toHaveLength(2);
    expect(passages[0]).toMatchObject({ kind: 'blockquote', introduction: 'He put it like this:' });
    expect(passages[0]!.text.replace(/\s+/g, ' ')).toBe(service.quote.replace(/\s+/g, ' ').trim());
    expect(passages[1]).toMatchObject({
      kind: 'quoted',
      text: 'to suppose that the eye could have been formed by natural selection seems absurd in the highest possible degree',
      introduction: 'Darwin was candid about the difficulty: he wrote that',
    });
  });

  it('reads an uploaded page too', async () => {
    const res = await request(app).post('/api/quoting-page').attach('file', Buffer.from(blogPost), 'post.html');
    expect(res.status).toBe(200);
    expect(res.body.passages).toHaveLength(2);
  });
});
