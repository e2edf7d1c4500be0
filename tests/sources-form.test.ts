/**
 * The compare form's import steps over HTTP, with CSRF on: import the source from a
 * file, compare and see the chapter and the provenance under the citation; find the
 * quotations of a quoting page and use one; refusals re-render the form with one
 * sentence and everything typed kept.
 */
import { parseHTML } from 'linkedom';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportPool } from '../src/import/import-pool.js';
import { createSourceImporter } from '../src/import/importer.js';
import { createApp } from '../src/web/app.js';
import { csrfToken } from './helpers/csrf.js';
import { memoryStore } from './helpers/temp-store.js';

/** The real store, in memory: these tests are about the routes around it. */
const sharedStore = await memoryStore();
import { asParagraphs, caseTexts, epubFile, htmlPage, zipBomb } from './helpers/source-fixtures.js';

const darwin = caseTexts('darwin-eye');
const service = caseTexts('service-stalin-resignation');
const pool = new ImportPool(20_000);
const app = createApp({ store: sharedStore, sourceImporter: createSourceImporter({ pool, fetch: {} }) });
afterAll(() => pool.close());

/** The value of a form field in a rendered page (input value or textarea text). */
function fieldOf(html: string, name: string): string {
  const { document } = parseHTML(html);
  const element = document.querySelector(`[name="${name}"]`);
  if (!element) throw new Error(`no field ${name}`);
  return element.tagName === 'TEXTAREA' ? (element.textContent ?? '') : (element.getAttribute('value') ?? '');
}

describe('the compare form imports a source', () => {
  it('fills the source from an EPUB, then the comparison says the chapter and shows the provenance', async () => {
    const agent = request.agent(app);
    const token = await csrfToken(agent);
    const home = await agent.get('/');
    expect(home.text).toContain('formaction="/compare/import-source?_csrf=');
    const epub = epubFile('On the Origin of Species', [{ title: 'Instinct', text: service.source }, { title: 'Difficulties of the Theory', text: darwin.source }]);
    const imported = await agent
      .post(`/compare/import-source?_csrf=${token}`)
      .field('quote', darwin.quote)
      .field('source', '')
      .attach('sourceFile', Buffer.from(epub), 'origin.epub');
    expect(imported.status).toBe(200);
    expect(imported.text).toMatch(/Imported “origin\.epub”: 2 chapters/);
    const source = fieldOf(imported.text, 'source');
    expect(source).toContain('absurd in the highest possible degree');
    expect(fieldOf(imported.text, 'quote')).toBe(darwin.quote);
    expect(fieldOf(imported.text, 'work')).toBe('On the Origin of Species');
    const where = fieldOf(imported.text, 'sourceWhere');
    expect(JSON.parse(where)).toHaveLength(2);

    const compared = await agent.post('/compare').type('form').send({
      _csrf: token,
      quote: darwin.quote,
      source,
      work: fieldOf(imported.text, 'work'),
      sourceWhere: where,
      sourceProvenance: fieldOf(imported.text, 'sourceProvenance'),
    });
    expect(compared.status).toBe(200);
    expect(compared.text).toContain('ch. “Difficulties of the Theory”');
    expect(compared.text).toMatch(/Imported from the file “origin\.epub” \(application\/epub\+zip, \d+ KB, SHA-256 [0-9a-f]{64}\), read by /);
    // the pair form carries the map on to "Save as case" and the export
    expect(compared.text).toMatch(/<input type="hidden" name="sourceWhere" value="\[\{&#34;start&#34;:0/);
  });

  it('re-renders the form with one sentence for a zip bomb, keeping what was typed', async () => {
    const agent = request.agent(app);
    const token = await csrfToken(agent);
    const res = await agent
      .post(`/compare/import-source?_csrf=${token}`)
      .field('quote', 'my quotation')
      .attach('sourceFile', Buffer.from(zipBomb('OEBPS/a.xhtml', 65 * 1024 * 1024, { mimetype: 'application/epub+zip' })), 'bomb.epub');
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/zip bomb/);
    expect(fieldOf(res.text, 'quote')).toBe('my quotation');
  });

  it('refuses a private address under the default rules, and asks for a file when none is given', async () => {
    const agent = request.agent(app);
    const token = await csrfToken(agent);
    const refused = await agent.post(`/compare/import-source?_csrf=${token}`).field('sourceUrl', 'http://10.0.0.1/book.pdf');
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/Elision will not fetch http:\/\/10\.0\.0\.1\/book\.pdf: 10\.0\.0\.1 is a private network address/);
    const none = await agent.post(`/compare/import-source?_csrf=${token}`).field('quote', 'x');
    expect(none.status).toBe(400);
    expect(none.text).toContain('Choose a file, or give an address, to import the source from.');
  });

  it('refuses a multipart post without the CSRF token', async () => {
    const res = await request(app).post('/compare/import-source').attach('sourceFile', Buffer.from('text'), 'a.txt');
    expect(res.status).toBe(403);
  });
});

describe('the compare form takes the quotation from the quoting page', () => {
  it('lists the page’s quotations with their introductions, and fills in the one picked', async () => {
    const agent = request.agent(app);
    const token = await csrfToken(agent);
    const post = htmlPage(
      'Stalin tried to resign',
      `<p>Historians rarely agree on anything about the General Secretary, and this post will not settle that for anyone.</p><p>Service wrote about this in his biography:</p><blockquote>${asParagraphs(service.quote)}</blockquote>`,
    );
    const listed = await agent.post(`/compare/quoting-page?_csrf=${token}`).attach('quotingFile', Buffer.from(post), 'post.html');
    expect(listed.status).toBe(200);
    expect(listed.text).toContain('Service wrote about this in his biography:');
    const picked = fieldOf(listed.text, 'pickedPassage');
    expect(picked.replace(/\s+/g, ' ')).toBe(service.quote.replace(/\s+/g, ' ').trim());

    const used = await agent.post('/compare/use-passage').type('form').send({ _csrf: token, pickedPassage: picked, quotingTitle: 'Stalin tried to resign', quote: '', source: '' });
    expect(used.status).toBe(200);
    expect(fieldOf(used.text, 'quote')).toBe(picked);
    expect(fieldOf(used.text, 'quotedBy')).toBe('Stalin tried to resign');
  });

  it('says so when a page presents no quotation', async () => {
    const agent = request.agent(app);
    const token = await csrfToken(agent);
    const res = await agent
      .post(`/compare/quoting-page?_csrf=${token}`)
      .attach('quotingFile', Buffer.from(htmlPage('Nothing quoted', '<p>Just my own words here, and a “short one”.</p>')), 'plain.html');
    expect(res.status).toBe(422);
    expect(res.text).toContain('That page presents no quotation Elision can see');
  });
});

describe('the export of an imported pair', () => {
  it('carries the page the quotation stands on, in the JSON and the citation', async () => {
    const agent = request.agent(app);
    const token = await csrfToken(agent);
    const where = JSON.stringify([{ start: 0, page: 73 }, { start: service.source.length + 2, page: 74 }]);
    const source = `${service.source}\n\n${darwin.source}`;
    const json = await agent.post('/compare/export').type('form').send({ _csrf: token, quote: darwin.quote, source, format: 'json', work: 'Origin', sourceWhere: where });
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text).where).toEqual({ page: 74 });
    const md = await agent.post('/compare/export').type('form').send({ _csrf: token, quote: darwin.quote, source, format: 'md', work: 'Origin', sourceWhere: where });
    expect(md.text).toMatch(/Origin\*?, 74/);
  });
});
