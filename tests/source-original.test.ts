/**
 * A case's imported source keeps its original file beside the text (in the library,
 * bounded to 5 MB, never for plain text): through the case forms, the compare form's
 * "Save as case" and the API; served as a safe attachment; mentioned, not spelled out,
 * in the case JSON; kept through edits; given back by PUT when it hashes right; and the
 * extraction redone from it. On SQLite and on PostgreSQL, over HTTP, with the real
 * import worker.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CaseStore } from '../src/cases/types.js';
import { ImportPool } from '../src/import/import-pool.js';
import { createSourceImporter } from '../src/import/importer.js';
import { MAX_KEPT_ORIGINAL_BYTES, RecentOriginals } from '../src/import/originals.js';
import { describeSourceProvenance } from '../src/present/provenance.js';
import { originalFileName } from '../src/web/routes/source-original.js';
import { createApp } from '../src/web/app.js';
import { storeEngines, storeForEachTest } from './helpers/engines.js';
import { epubFile } from './helpers/source-fixtures.js';

const first = 'Whenever I find myself growing grim about the mouth, I account it high time to get to sea.';
const second = 'There now is your insular city of the Manhattoes, belted round by wharves as Indian isles by coral reefs.';
const epub = Buffer.from(epubFile('Moby-Dick', [{ title: 'Loomings', text: first }, { title: 'The Carpet-Bag', text: second }]));
const epubSha256 = createHash('sha256').update(epub).digest('hex');
const quote = 'There now is your insular city of the Manhattoes.';

const pool = new ImportPool(20_000);
afterAll(() => pool.close());

/** A hidden field's value as the browser would send it back. */
function hidden(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  if (!match) throw new Error(`no hidden field ${name}`);
  return match[1]!.replace(/&#34;/g, '"').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function textarea(html: string, name: string): string {
  const match = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (!match) throw new Error(`no textarea ${name}`);
  return match[1]!.replace(/^\n/, '').replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('the bound on kept originals', () => {
  it('remembers a file up to 5 MB, never plain text, and says in the provenance line what was kept', () => {
    const originals = new RecentOriginals();
    const big = new Uint8Array(MAX_KEPT_ORIGINAL_BYTES + 1);
    originals.remember(big, { mediaType: 'application/pdf', sha256: 'a'.repeat(64) });
    originals.remember(new Uint8Array(10), { mediaType: 'text/plain', sha256: 'b'.repeat(64) });
    originals.remember(new Uint8Array(10), { mediaType: 'application/pdf', sha256: 'c'.repeat(64) });
    expect(originals.find('a'.repeat(64))).toBeUndefined();
    expect(originals.find('b'.repeat(64))).toBeUndefined();
    expect(originals.find('c'.repeat(64))).toHaveLength(10);
    const provenance = { file: 'big.pdf', mediaType: 'application/pdf', bytes: MAX_KEPT_ORIGINAL_BYTES + 1, sha256: 'a'.repeat(64) };
    expect(describeSourceProvenance({ provenance })).toBe(`Imported from the file “big.pdf” (application/pdf, 5.0 MB, SHA-256 ${'a'.repeat(64)}); original file not kept (over 5.0 MB).`);
    expect(describeSourceProvenance({ provenance: { ...provenance, bytes: 2048 }, originalBytes: 2048 })).toMatch(/; original file kept \(2 KB\)\.$/);
    expect(describeSourceProvenance({ provenance: { ...provenance, mediaType: 'text/plain' } })).not.toMatch(/original file/);
  });

  it('names the download safely: letters, digits, dots and hyphens, with the extension of its type', () => {
    expect(originalFileName({ file: 'Moby Dick "1851" <b>.epub', mediaType: 'application/epub+zip' }, 'x')).toBe('Moby-Dick-1851-b.epub');
    expect(originalFileName({ url: 'https://example.org/a/%D0%9C%D0%B8%D1%80.pdf?x=1', mediaType: 'application/pdf' }, 'x')).toBe('x-original.pdf');
    expect(originalFileName({ url: 'https://example.org/', mediaType: 'text/html' }, 'ishmael')).toBe('ishmael-original.html');
    expect(originalFileName({ file: '../../etc/passwd', mediaType: 'image/png' }, 'x')).toBe('etc-passwd.bin');
  });
});

describe.each(storeEngines)('a case’s original file on $name', (engine) => {
  const current = storeForEachTest(engine);
  let store: CaseStore;
  let app: Express;

  beforeEach(() => {
    store = current.store;
    app = createApp({ store, csrf: false, sourceImporter: createSourceImporter({ pool, fetch: {} }) });
  });

  /** The new-case form's "Import the source" with the EPUB, then Save with what came back. */
  async function saveThroughCaseForm(title = 'Ishmael'): Promise<string> {
    const imported = await request(app).post('/cases/import-source').field('title', title).field('quote', quote).attach('sourceFile', epub, 'moby dick <1851>.epub');
    expect(imported.status).toBe(200);
    const saved = await request(app)
      .post('/cases')
      .type('form')
      .send({ title, quote, source: textarea(imported.text, 'source'), work: 'Moby-Dick', sourceProvenance: hidden(imported.text, 'sourceProvenance'), sourceWhere: hidden(imported.text, 'sourceWhere') });
    expect(saved.status).toBe(303);
    return saved.headers.location!.replace('/cases/', '');
  }

  async function expectOriginal(slug: string, path = `/cases/${slug}/source/original`) {
    const download = await request(app).get(path).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/epub+zip');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.epub"$/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-security-policy']).toContain('sandbox');
    expect(Buffer.compare(download.body as Buffer, epub)).toBe(0);
  }

  it('keeps the original of a source imported on the case form, serves it as a safe attachment and says so everywhere', async () => {
    const slug = await saveThroughCaseForm();
    await expectOriginal(slug);
    const download = await request(app).get(`/cases/${slug}/source/original`);
    expect(download.headers['content-disposition']).toBe('attachment; filename="moby-dick-1851.epub"');

    const json = (await request(app).get(`/api/cases/${slug}`)).body;
    expect(json.source.provenance).toMatchObject({ file: 'moby dick <1851>.epub', sha256: epubSha256, bytes: epub.length });
    expect(json.source.original).toEqual({ kept: true, bytes: epub.length, href: `/cases/${slug}/source/original` });
    // the bytes themselves are never in the JSON
    expect(JSON.stringify(json)).not.toMatch(/UEsDB|"originalFile"/);

    const page = await request(app).get(`/cases/${slug}`);
    expect(page.text).toContain(`original file kept (${Math.round(epub.length / 1024)} KB)`);
    expect(page.text).toContain(`<a href="/cases/${slug}/source/original" download>Download the original file</a>`);
    expect(page.text).toContain('moby dick &lt;1851&gt;.epub');
    const html = await request(app).get(`/cases/${slug}/export?format=html`);
    expect(html.text).toMatch(/<p class="meta provenance">Imported from the file “moby dick &lt;1851&gt;\.epub”.*; original file kept \(\d+ KB\)\.<\/p>/);
    const md = await request(app).get(`/cases/${slug}/export?format=md`);
    expect(md.text).toContain('; original file kept (');
  });

  it('keeps it through "Save as case" on the compare page and through the API after POST /api/sources', async () => {
    const compared = await request(app).post('/compare/import-source').field('quote', quote).attach('sourceFile', epub, 'moby-dick.epub');
    expect(compared.status).toBe(200);
    const saved = await request(app)
      .post('/cases')
      .type('form')
      .send({ title: 'From the compare page', quote, source: textarea(compared.text, 'source'), sourceProvenance: hidden(compared.text, 'sourceProvenance'), sourceWhere: hidden(compared.text, 'sourceWhere') });
    expect(saved.status).toBe(303);
    await expectOriginal(saved.headers.location!.replace('/cases/', ''));

    const imported = (await request(app).post('/api/sources').attach('file', epub, 'moby-dick.epub')).body;
    const created = await request(app)
      .post('/api/cases')
      .send({ title: 'Through the API', source: { text: imported.text, citation: {}, provenance: imported.provenance, where: imported.where }, quotations: [{ text: quote }] });
    expect(created.status).toBe(201);
    expect(created.body.source.original).toMatchObject({ kept: true, bytes: epub.length });
    await expectOriginal(created.body.slug);
  });

  it('keeps it through edits that keep the provenance, even when the text is trimmed', async () => {
    const slug = await saveThroughCaseForm();
    const added = await request(app).post(`/cases/${slug}/quotations`).type('form').send({ quote: 'Whenever I find myself growing grim about the mouth.' });
    expect(added.status).toBe(303);
    await expectOriginal(slug);
    const kase = (await request(app).get(`/api/cases/${slug}`)).body;
    const trimmed = await request(app)
      .put(`/api/cases/${slug}`)
      .send({ ...kase, source: { ...kase.source, text: kase.source.text.slice(0, kase.source.text.length - 5) } });
    expect(trimmed.status).toBe(200);
    expect(trimmed.body.source.original).toMatchObject({ kept: true });
    await expectOriginal(slug);
    // deleting the case deletes what it brought
    expect((await request(app).delete(`/api/cases/${slug}`)).status).toBe(204);
    expect((await request(app).get(`/cases/${slug}/source/original`)).status).toBe(404);
  });

  it('saves without an original what another server imported, says so, and takes the file back by PUT when it hashes right', async () => {
    const imported = (await request(app).post('/api/sources').attach('file', epub, 'moby-dick.epub')).body;
    // another app: another process's memory, as behind a load balancer
    const elsewhere = createApp({ store, csrf: false, sourceImporter: createSourceImporter({ pool, fetch: {} }) });
    const created = await request(elsewhere)
      .post('/api/cases')
      .send({ title: 'Elsewhere', source: { text: imported.text, citation: {}, provenance: imported.provenance, where: imported.where }, quotations: [{ text: quote }] });
    expect(created.body.source.original).toEqual({ kept: false });
    const slug = created.body.slug as string;
    const missing = await request(elsewhere).get(`/cases/${slug}/source/original`);
    expect(missing.status).toBe(404);
    expect((await request(elsewhere).get(`/cases/${slug}`)).text).toContain('; original file not kept.');

    const wrong = await request(elsewhere).put(`/api/cases/${slug}/source/original`).attach('file', Buffer.from('not the book'), 'x.epub');
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatch(/^This file is not the source's original: its SHA-256 is [0-9a-f]{64}, and the provenance names [0-9a-f]{64}\.$/);
    const right = await request(elsewhere).put(`/api/cases/${slug}/source/original`).attach('file', epub, 'moby-dick.epub');
    expect(right.status).toBe(200);
    expect(right.body.source.original).toMatchObject({ kept: true, bytes: epub.length });
    await expectOriginal(slug);
    const pasted = await request(elsewhere).post('/api/cases').send({ title: 'Pasted', source: { text: second }, quotations: [{ text: quote }] });
    expect(pasted.body.source).not.toHaveProperty('original');
    const none = await request(elsewhere).put(`/api/cases/${pasted.body.slug}/source/original`).attach('file', epub, 'moby-dick.epub');
    expect(none.status).toBe(409);
  });

  it('extracts the text again from the kept original: the same text, or the extraction in place of a changed one', async () => {
    const slug = await saveThroughCaseForm();
    const edit = await request(app).get(`/cases/${slug}/edit`);
    expect(edit.text).toContain(`formaction="/cases/${slug}/source/re-extract"`);
    const same = await request(app).post(`/cases/${slug}/source/re-extract`).type('form').send({});
    expect(same.status).toBe(303);
    expect(same.headers.location).toBe(`/cases/${slug}?reextracted=same`);
    expect((await request(app).get(same.headers.location!)).text).toContain('The text was extracted again from the original file: it is the same.');

    // a text someone changed by hand: the extraction redone puts the document's text back, quotations kept
    const kase = (await request(app).get(`/api/cases/${slug}`)).body;
    const extracted = kase.source.text as string;
    await request(app).put(`/api/cases/${slug}`).send({ ...kase, source: { ...kase.source, text: extracted.replace('insular city', 'insular town') } });
    const changed = await request(app).post(`/cases/${slug}/source/re-extract`).type('form').send({});
    expect(changed.headers.location).toBe(`/cases/${slug}?reextracted=changed`);
    const after = (await request(app).get(`/api/cases/${slug}`)).body;
    expect(after.source.text).toBe(extracted);
    expect(after.quotations).toEqual(kase.quotations);
    expect(after.source.provenance).toMatchObject({ sha256: epubSha256, retrievedAt: kase.source.provenance.retrievedAt });
    expect(after.source.where.map((entry: { chapter: string }) => entry.chapter)).toEqual(['Loomings', 'The Carpet-Bag']);
    await expectOriginal(slug);

    const pasted = await request(app).post('/api/cases').send({ title: 'Pasted', source: { text: second }, quotations: [{ text: quote }] });
    const refused = await request(app).post(`/cases/${pasted.body.slug}/source/re-extract`).type('form').send({});
    expect(refused.status).toBe(404);
    expect(refused.text).toContain('keeps no original file of its source');
  });

  it('serves the original kept with a library source the same way, and the library page links it', async () => {
    await saveThroughCaseForm();
    const [source] = await store.library.list({ q: 'Moby' });
    const page = await request(app).get(`/library/${source!.id}`);
    expect(page.text).toContain(`<a href="/library/${source!.id}/original" download>download it</a>`);
    await expectOriginal('', `/library/${source!.id}/original`);
    const pasted = await request(app).post('/api/cases').send({ title: 'Pasted', source: { text: second }, quotations: [{ text: quote }] });
    const [bare] = await store.library.list({ q: 'Pasted' });
    expect(pasted.status).toBe(201);
    const none = await request(app).get(`/library/${bare!.id}/original`);
    expect(none.status).toBe(404);
    expect((await request(app).get('/library/99999999/original')).status).toBe(404);
  });

  it('exports and imports the case JSON: the original is mentioned, not carried, and the import still reads it', async () => {
    const slug = await saveThroughCaseForm();
    const download = await request(app).get(`/cases/${slug}/case.json`);
    const json = JSON.parse(download.text);
    expect(json.source.original).toMatchObject({ kept: true });
    await request(app).delete(`/api/cases/${slug}`);
    const imported = await request(app).post('/api/cases/import').send([json]);
    expect(imported.status).toBe(201);
    const back = (await request(app).get(`/api/cases/${slug}`)).body;
    expect(back.source.text).toBe(json.source.text);
    expect(back.source.provenance).toEqual(json.source.provenance);
  });
});
