import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../src/cases/types.js';
import { exporters } from '../src/export/registry.js';
import { safeFileStem } from '../src/web/routes/exports.js';
import { createApp } from '../src/web/app.js';
import { memoryStore } from './helpers/temp-store.js';
import { csrfToken } from './helpers/csrf.js';
import { FOUNDING_SLUG, projectRoot } from './helpers/export-fixtures.js';

let store: CaseStore;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  store = await memoryStore({ builtIns: true });
  await store.create(
    {
      title: 'Hostile <b>case</b>',
      source: { text: 'It did not approve the plan, and the chairman resigned. =SUM(1) later.', citation: { author: 'Jane <Doe>' } },
      quotations: [{ text: 'It did approve the plan' }],
    },
    'hostile-case',
  );
  app = createApp({ store, csrf: false });
});

afterAll(async () => {
  await store.close();
});

const exportUrl = (query: string, slug = FOUNDING_SLUG) => `/cases/${slug}/export?${query}`;

describe('GET /cases/:slug/export', () => {
  it.each(exporters.map((e) => [e.format, e.mediaType, e.extension]))('serves %s as %s, attached', async (format, mediaType, extension) => {
    const res = await request(app).get(exportUrl(`format=${format}&quotation=1`)).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(mediaType);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${FOUNDING_SLUG}-quotation-1.${extension}"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('defaults to the first quotation and gives the JSON with the contract fields, the case and CSL', async () => {
    const res = await request(app).get(exportUrl('format=json'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, found: true, quotationIndex: 0, case: { slug: FOUNDING_SLUG } });
    expect(res.body.csl.author).toEqual([{ family: 'Service', given: 'Robert' }]);
    for (const key of ['span', 'fragments', 'segments', 'stats']) expect(res.body).toHaveProperty(key);
  });

  it('exports every quotation with quotation=all', async () => {
    const res = await request(app).get(exportUrl('format=json&quotation=all'));
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${FOUNDING_SLUG}-all.json"`);
    expect(res.body.comparisons).toHaveLength(2);
    const html = await request(app).get(exportUrl('format=html&quotation=all'));
    expect(html.text.match(/<section class="comparison">/g)).toHaveLength(2);
  });

  it('gives the HTML export a policy that lets its inline style work and nothing else', async () => {
    const res = await request(app).get(exportUrl('format=html'));
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("style-src 'unsafe-inline'");
  });

  it('honours the context control as the page does', async () => {
    const narrow = await request(app).get(exportUrl('format=json&context=0'));
    const wide = await request(app).get(exportUrl('format=json&context=5'));
    const contextLength = (body: { segments: Array<{ kind: string; source?: { start: number; end: number } }> }) =>
      body.segments.filter((s) => s.kind.startsWith('context')).reduce((n, s) => n + s.source!.end - s.source!.start, 0);
    expect(contextLength(narrow.body)).toBeLessThanOrEqual(contextLength(wide.body));
    expect((await request(app).get(exportUrl('format=json&context=99'))).status).toBe(400);
  });

  it('escapes a hostile case in every text format', async () => {
    const html = await request(app).get(exportUrl('format=html', 'hostile-case'));
    expect(html.text).not.toContain('<b>case</b>');
    expect(html.text).toContain('Hostile &lt;b&gt;case&lt;/b&gt;');
    expect(html.headers['content-disposition']).toBe('attachment; filename="hostile-case.html"');
    const csv = await request(app).get(exportUrl('format=csv', 'hostile-case'));
    expect(csv.text).not.toMatch(/(^|,)=SUM/m);
  });

  it.each([
    ['format=', 400, /Say which format/],
    ['', 400, /Say which format.*html, md, json, tei, jsonld, csv, claimreview, restored, pdf/],
    ['format=docx', 400, /no export format "docx".*html, md/],
    ['format=html&format=md', 400, /one format/],
    ['format=html&quotation=2', 400, /2 quotations, so quotation=2 does not exist: use 0 to 1, or "all"/],
    ['format=html&quotation=-1', 400, /quotation must be a number from 0 to 1/],
    ['format=html&quotation=first', 400, /quotation must be a number/],
  ])('refuses ?%s with %i and a clear message', async (query, status, message) => {
    const res = await request(app).get(exportUrl(query)).set('Accept', 'application/json');
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
  });

  it('answers 404 for an unknown case', async () => {
    const res = await request(app).get(exportUrl('format=html', 'no-such-case')).set('Accept', 'application/json');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('There is no case "no-such-case".');
  });

  it('prints a PDF of the HTML export', async () => {
    const res = await request(app).get(exportUrl('format=pdf')).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${FOUNDING_SLUG}-quotation-0.pdf"`);
    expect(Buffer.from(res.body).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});

describe('POST /compare/export', () => {
  const pair = { quote: 'It did approve the plan', source: 'It did not approve the plan, and the chairman resigned.' };

  it('exports a pasted pair with its citation fields', async () => {
    const res = await request(app)
      .post('/compare/export')
      .type('form')
      .send({ ...pair, format: 'restored', author: 'Jane Doe', work: 'Minutes', year: '2001', page: '4', quotedBy: 'A Blogger' });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="elision-comparison.txt"');
    const lines = res.text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['“It did not approve the plan”', '— Jane Doe, Minutes (2001), 4.', '']);
    expect(lines[3]).toMatch(/^Verdict: ✂ Silent omission\. /);
    expect(lines.slice(4)).toEqual(['Restored from the source by Elision: 1 silent omission put back.', '']);
  });

  it('carries an imported source’s provenance (the compare page’s hidden field) in the pair’s exports', async () => {
    const sourceProvenance = JSON.stringify({ url: 'https://example.org/minutes?a=1&b=<2>', mediaType: 'text/html', extractedBy: '@mozilla/readability 0.6.0', retrievedAt: '2026-11-30T00:10:00.000Z', bytes: 2048, sha256: 'cd'.repeat(32) });
    const line = `Imported from https://example.org/minutes?a=1&b=<2> (text/html, 2 KB, SHA-256 ${'cd'.repeat(32)}), read by @mozilla/readability 0.6.0 on 2026-11-30 at 00:10 UTC.`;
    const html = await request(app).post('/compare/export').type('form').send({ ...pair, format: 'html', sourceProvenance });
    expect(html.text).toContain(`<p class="meta provenance">${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`);
    const json = await request(app).post('/compare/export').type('form').send({ ...pair, format: 'json', sourceProvenance });
    expect(JSON.parse(json.text).provenance).toEqual(JSON.parse(sourceProvenance));
    const md = await request(app).post('/compare/export').type('form').send({ ...pair, format: 'md', sourceProvenance });
    expect(md.text).toContain('Imported from https://example.org/minutes?a=1&b=\\<2\\> (text/html');
    // a pasted pair has no provenance line at all
    const pasted = await request(app).post('/compare/export').type('form').send({ ...pair, format: 'html' });
    expect(pasted.text).not.toContain('provenance');
  });

  it('names the pasted pair after who quoted whom', async () => {
    const res = await request(app).post('/compare/export').type('form').send({ ...pair, format: 'md', author: 'Jane Doe', quotedBy: 'A Blogger' });
    expect(res.text.startsWith('# A Blogger quoting Jane Doe\n')).toBe(true);
  });

  it.each([
    [{ ...pair, format: 'nope' }, 400, /no export format "nope"/],
    [{ ...pair }, 400, /Say which format/],
    [{ quote: '', source: pair.source, format: 'md' }, 400, /quotation is empty/],
    [{ quote: pair.quote, format: 'md' }, 400, /source is empty/],
  ])('refuses bad input with a clear message', async (body, status, message) => {
    const res = await request(app).post('/compare/export').type('form').set('Accept', 'application/json').send(body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
  });

  it('needs the form token when CSRF protection is on', async () => {
    const guarded = createApp({ store, csrfSecret: 'test-secret' });
    const refused = await request(guarded).post('/compare/export').type('form').send({ ...pair, format: 'md' });
    expect(refused.status).toBe(403);
    const agent = request.agent(guarded);
    const token = await csrfToken(agent);
    const accepted = await agent.post('/compare/export').type('form').send({ ...pair, format: 'md', _csrf: token });
    expect(accepted.status).toBe(200);
  });
});

describe('safeFileStem', () => {
  it.each([
    ['service-stalin-resignation', 'service-stalin-resignation'],
    ['Évian "quoted"; rm -rf /', 'evian-quoted-rm-rf'],
    ['../../etc/passwd', 'etc-passwd'],
    ['שלום', 'elision'],
  ])('%s → %s', (text, stem) => {
    expect(safeFileStem(text)).toBe(stem);
  });
});
