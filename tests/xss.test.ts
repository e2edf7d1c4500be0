/**
 * Hostile text through every page and every export: script tags, event attributes,
 * `javascript:` and `data:` URLs, Markdown with raw HTML, Unicode bidi overrides, in
 * quotations, sources, citations, notes, questions, tags and titles. Nothing may run,
 * no link may carry a script scheme.
 * (tests/xss-browser.test.ts loads the same pages in Chromium, listens for dialogs and
 * checks that bidi overrides stay inside their element, which needs a layout engine.)
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import MarkdownIt from 'markdown-it';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../src/cases/types.js';
import { memoryStore } from './helpers/temp-store.js';
import { createApp } from '../src/web/app.js';
import { EXPORT_FORMATS, hostileCase, HOSTILE_URLS, PAYLOADS } from './helpers/hostile.js';

let store: CaseStore;
let app: ReturnType<typeof createApp>;
let slug: string;

beforeAll(async () => {
  store = await memoryStore();
  app = createApp({ store, csrf: false });
  const res = await request(app).post('/api/cases').send(hostileCase());
  expect(res.status, res.text).toBe(201);
  slug = res.body.slug;
});

afterAll(async () => {
  await store.close();
});

// ---- what "safe" means for HTML --------------------------------------------------------

const ENTITY: Record<string, string> = { colon: ':', tab: '\t', newline: '\n', lpar: '(', rpar: ')', quot: '"', apos: "'", amp: '&', lt: '<', gt: '>' };

/** How a browser reads an attribute value: entities decoded, then white space and controls dropped from the scheme. */
function decodeAttribute(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&([a-z]+);/gi, (whole, name: string) => ENTITY[name.toLowerCase()] ?? whole);
}

function tagsOf(html: string): string[] {
  // attribute values are quoted and their "<" and ">" escaped, so a tag ends at the first ">"
  return html.match(/<[a-zA-Z][^>]*>/g) ?? [];
}

/** A tag's attributes as a browser splits them: quoted values are consumed whole. */
function attributesOf(tag: string): Array<{ name: string; value: string }> {
  const inside = tag.replace(/^<[a-zA-Z][\w-]*/, '').replace(/\/?>$/, '');
  const attributes: Array<{ name: string; value: string }> = [];
  for (const match of inside.matchAll(/([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    attributes.push({ name: match[1]!.toLowerCase(), value: decodeAttribute(match[2] ?? match[3] ?? match[4] ?? '') });
  }
  return attributes;
}

const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'srcset', 'poster', 'data', 'background', 'cite']);
const SCRIPT_SCHEME = /^(javascript|vbscript|data|blob|file):/;

/** How a browser reads a URL's scheme: controls and white space inside it are dropped. */
function schemeOf(url: string): string {
  return url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
}

/** Asserts an HTML document from the app (or an export) lets no user text become markup. */
function expectInertHtml(html: string, where: string, { allowInlineStyle = false } = {}): void {
  // scripts: only files of our own, never inline
  for (const script of html.match(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi) ?? []) {
    expect(script, `${where}: inline script`).toMatch(/^<script src="\/static\/[\w.-]+\.js"( defer)?><\/script>$/);
  }
  for (const tag of tagsOf(html)) {
    const name = /^<([a-zA-Z][\w-]*)/.exec(tag)![1]!.toLowerCase();
    expect(['iframe', 'object', 'embed', 'base', 'frame', 'frameset', 'applet'], `${where}: <${name}>`).not.toContain(name);
    for (const attribute of attributesOf(tag)) {
      // the pages need no event handler under the CSP, so none may appear at all
      expect(attribute.name, `${where}: event attribute in ${tag}`).not.toMatch(/^on/);
      if (!allowInlineStyle) expect(attribute.name, `${where}: style attribute in ${tag}`).not.toBe('style');
      if (URL_ATTRIBUTES.has(attribute.name)) {
        expect(schemeOf(attribute.value), `${where}: ${tag}`).not.toMatch(SCRIPT_SCHEME);
      }
    }
  }
  if (!allowInlineStyle) expect(html, `${where}: <style> block`).not.toMatch(/<style[\s>]/i);
  // every payload that opens markup appears only escaped
  for (const payload of PAYLOADS.markup) expect(html, `${where}: raw ${payload}`).not.toContain(payload);
}

/**
 * Renders Markdown the way the most careless renderer would — raw HTML on, every link
 * scheme allowed — and asserts the result is still inert.
 */
function expectNoMarkdownScriptLinks(markdown: string, where: string): void {
  const careless = new MarkdownIt({ html: true, linkify: true });
  careless.validateLink = () => true;
  expectInertHtml(careless.render(markdown), `${where} rendered with raw HTML on`);
}

/** Every value under a key that names a link (url, id, href, target, source…) in a JSON document. */
function expectNoScriptUrlsInJson(value: unknown, where: string, key = ''): void {
  if (typeof value === 'string') {
    if (/(^|@)(url|id|href|target|source|sameAs)$/i.test(key)) expect(schemeOf(value), `${where}: ${key}`).not.toMatch(SCRIPT_SCHEME);
    return;
  }
  if (Array.isArray(value)) value.forEach((item) => expectNoScriptUrlsInJson(item, where, key));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) expectNoScriptUrlsInJson(v, where, k);
  }
}

/** Every attribute value of an XML document, as a reader of it sees the scheme. */
function schemeOfXmlAttributes(xml: string): string[] {
  const values: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('@_') && typeof value === 'string') values.push(schemeOf(value));
        else walk(value);
      }
    }
  };
  walk(new XMLParser({ ignoreAttributes: false, processEntities: true }).parse(xml));
  expect(values.length, 'the XML has attributes to check').toBeGreaterThan(0);
  return values;
}

/** RFC 4180 cells, quoted ones may span lines. */
function csvCells(csv: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i]!;
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === '\n') {
      cells.push(cell.replace(/\r$/, ''));
      cell = '';
    } else cell += ch;
  }
  if (cell) cells.push(cell);
  return cells;
}

// ---- pages ----------------------------------------------------------------------------------

const PAGES = [
  '/',
  '/cases',
  `/cases?q=${encodeURIComponent('<script>alert(1)</script>')}`,
  `/cases?tag=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`,
  '/cases/{slug}',
  '/cases/{slug}?quotation=1',
  '/cases/{slug}/exercise',
  '/cases/{slug}/teacher',
  '/cases/{slug}/worksheet',
  '/cases/{slug}/answers',
  '/cases/{slug}/edit',
  '/cases/{slug}/delete',
  '/cases/new',
  '/cases/import',
  '/login',
  `/no-such-page/${encodeURIComponent('<script>alert(1)</script>')}`,
  `/cases/${encodeURIComponent('<img src=x onerror=alert(1)>')}`,
];

describe('every page with a hostile case', () => {
  it.each(PAGES)('%s renders user text inert', async (page) => {
    const res = await request(app).get(page.replace('{slug}', slug));
    expect(res.status, `${page}: ${res.status}`).toBeLessThan(500);
    if (!res.type.includes('html')) return;
    expectInertHtml(res.text, page);
  });

  it('shows the hostile title, escaped, on the case page (so the check above saw it)', async () => {
    const res = await request(app).get(`/cases/${slug}`);
    expect(res.text).toContain('&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;');
  });

  it('renders the pasted-pair comparison inert', async () => {
    const hostile = hostileCase();
    const [quote, source] = [hostile.quotations[0]!.text, hostile.source.text];
    const res = await request(app).post('/compare').type('form').send({ quote, source });
    expect(res.status).toBe(200);
    expectInertHtml(res.text, 'POST /compare');
  });

  it('renders a refused pasted pair (kept in the form) inert', async () => {
    // a source shorter than the quotation is refused (an empty one searches the library)
    const res = await request(app).post('/compare').type('form').send({ quote: PAYLOADS.markup.join(' '), source: 'x' });
    expect(res.status).toBe(400);
    expectInertHtml(res.text, 'POST /compare refused');
    const found = await request(app).post('/compare').type('form').send({ quote: PAYLOADS.markup.join(' '), source: '' });
    expect(found.status).toBeLessThan(500);
    expectInertHtml(found.text, 'POST /compare searching the library');
  });
});

// ---- URLs ------------------------------------------------------------------------------------

describe('script URLs in citations', () => {
  it.each(HOSTILE_URLS)('the API refuses %j as a citation or quoted-by URL', async (url) => {
    const asCitation = hostileCase();
    asCitation.source.citation.url = url;
    const citationRes = await request(app).post('/api/cases').send(asCitation);
    expect(citationRes.status).toBe(400);
    expect(citationRes.body.error).toMatch(/http:\/\/ or https:\/\//);
    const asQuotedBy = hostileCase();
    asQuotedBy.quotations[0]!.quotedBy!.url = url;
    expect((await request(app).post('/api/cases').send(asQuotedBy)).status).toBe(400);
  });

  it.each(HOSTILE_URLS)('an export of a pasted pair refuses %j as its URL', async (url) => {
    const hostile = hostileCase();
    const [quote, source] = [hostile.quotations[0]!.text, hostile.source.text];
    const res = await request(app).post('/compare/export').type('form').send({ quote, source, url, author: 'A', format: 'html' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('http:// or https://');
  });

  it.each(['html', 'md', 'tei', 'jsonld', 'claimreview'])('an export of a hostile pasted pair as %s stays inert', async (format) => {
    const hostile = hostileCase();
    const res = await request(app).post('/compare/export').type('form').send({
      quote: hostile.quotations[0]!.text,
      source: hostile.source.text,
      url: hostile.source.citation.url,
      author: hostile.source.citation.author,
      work: hostile.source.citation.work,
      quotedBy: hostile.quotations[0]!.quotedBy!.author,
      format,
    });
    expect(res.status, res.text.slice(0, 200)).toBe(200);
    const text = res.text;
    if (format === 'html') expectInertHtml(text, `pasted ${format}`, { allowInlineStyle: true });
    if (format === 'md') expectNoMarkdownScriptLinks(text, `pasted ${format}`);
    if (format === 'tei') {
      expect(XMLValidator.validate(text)).toBe(true);
      expect(schemeOfXmlAttributes(text), `pasted ${format}`).not.toContainEqual(expect.stringMatching(SCRIPT_SCHEME));
    }
    if (format === 'jsonld' || format === 'claimreview') expectNoScriptUrlsInJson(JSON.parse(text), `pasted ${format}`);
    if (format === 'claimreview') expect(text).not.toMatch(/<\/script/i);
  });
});

// ---- exports -------------------------------------------------------------------------------------

describe('every export of a hostile case', () => {
  it.each(EXPORT_FORMATS.flatMap((format) => ['0', '1', 'all'].map((quotation) => [format, quotation] as const)))(
    '%s (quotation %s) keeps user text as data',
    async (format, quotation) => {
      const res = await request(app).get(`/cases/${slug}/export?format=${format}&quotation=${quotation}`);
      expect(res.status, res.text.slice(0, 200)).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[a-z0-9-]+\.[a-z.]+"$/);
      const text = res.text;
      switch (format) {
        case 'html':
          expectInertHtml(text, `export ${format}`, { allowInlineStyle: true });
          expect(res.headers['content-security-policy']).toContain("default-src 'none'");
          expect(text).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
          break;
        case 'tei': {
          expect(XMLValidator.validate(text), 'well-formed XML').toBe(true);
          const doc = new XMLParser({ ignoreAttributes: false }).parse(text) as object;
          expect(JSON.stringify(doc)).not.toMatch(/"script"|"@_on[a-z]+"/);
          for (const payload of PAYLOADS.markup) expect(text).not.toContain(payload);
          break;
        }
        case 'json':
        case 'jsonld':
        case 'claimreview': {
          const data = JSON.parse(text) as unknown;
          // the texts travel whole, as data
          if (format === 'json') expect(JSON.stringify(data)).toContain('alert(\\"title\\")');
          expectNoScriptUrlsInJson(data, `export ${format}`);
          // a ClaimReview is made to be pasted into <script type="application/ld+json">: no "</script>" may end it
          if (format === 'claimreview') expect(text).not.toMatch(/<\/script/i);
          break;
        }
        case 'restored':
          // plain text: markup in it is text, as long as no browser is allowed to sniff it into HTML
          expect(res.type).toBe('text/plain');
          expect(res.headers['x-content-type-options']).toBe('nosniff');
          break;
        case 'md':
          expectNoMarkdownScriptLinks(text, `export ${format}`);
          break;
        case 'csv':
          // a spreadsheet must not run what a user typed: every formula-looking cell is defused
          expect(text).toContain('HYPERLINK');
          for (const cell of csvCells(text)) expect(cell, 'formula injection').not.toMatch(/^[=+@\t\r]|^-[^\d\s]/);
          break;
      }
    },
  );
});

// ---- a quotation in pieces: the writer's words around the quoted pieces are user text too ---------

describe('a quotation in pieces with hostile words around its pieces', () => {
  const source = 'Members met until late. We did, after a long and heated debate that ran past midnight, approve the budget. It is a fair settlement for all of us. The vote was close. Members then went home, tired but content, and the chair thanked the staff for their long work.';
  // the payloads stand outside the inner quotation marks: the writer's own words, shown as such
  const quote = '=SUM(A1) <script>alert(1)</script> The <img src=x onerror=alert(1)> committee “did … approve the budget” & <b onmouseover=alert(1)>called</b> it “a fair settlement” </textarea><style>body{}</style>';
  // (the exercise has answer boxes of its own, so a closing textarea tag is no sign there)
  const payloads = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<b onmouseover=alert(1)>', '<style>body{}</style>'];
  let piecesSlug: string;

  beforeAll(async () => {
    const res = await request(app).post('/api/cases').send({ title: 'In pieces', source: { text: source, citation: { author: 'A' } }, quotations: [{ text: quote }] });
    expect(res.status, res.text).toBe(201);
    piecesSlug = res.body.slug;
    const compared = await request(app).post('/api/compare').send({ quote, source });
    expect(compared.status, compared.text).toBe(200);
    // it is read in pieces: the payloads are the writer's words, not quoted and not inserted
    expect(compared.body.paraphrase.length).toBeGreaterThan(0);
    expect(compared.body.stats.insertions).toBe(0);
  });

  it.each(['', '/exercise?step=2', '/exercise?step=4', '/answers', '/teacher'])('the page %s shows them escaped', async (page) => {
    const res = await request(app).get(`/cases/${piecesSlug}${page}`);
    expect(res.status).toBe(200);
    expectInertHtml(res.text, page);
    for (const payload of payloads) expect(res.text).not.toContain(payload);
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('the pasted-pair page shows them escaped', async () => {
    const res = await request(app).post('/compare').type('form').send({ quote, source });
    expect(res.status).toBe(200);
    expectInertHtml(res.text, 'POST /compare in pieces');
    expect(res.text).toContain('class="r-paraphrase"');
  });

  it.each(EXPORT_FORMATS)('the %s export keeps them as data', async (format) => {
    const res = await request(app).get(`/cases/${piecesSlug}/export?format=${format}`);
    expect(res.status).toBe(200);
    const text = res.text;
    if (format === 'html') {
      expectInertHtml(text, 'html in pieces', { allowInlineStyle: true });
      expect(text).toContain('<span class="tag paraphrase">');
    }
    if (format === 'md') expectNoMarkdownScriptLinks(text, 'md in pieces');
    if (format === 'tei') {
      expect(XMLValidator.validate(text)).toBe(true);
      for (const payload of payloads) expect(text).not.toContain(payload);
      expect(text).toContain('<seg type="paraphrase">');
    }
    if (format === 'csv') for (const cell of csvCells(text)) expect(cell, 'formula injection').not.toMatch(/^[=+@\t\r]|^-[^\d\s]/);
    if (format === 'claimreview') expect(text).not.toMatch(/<\/script/i);
    if (format === 'json' || format === 'jsonld' || format === 'claimreview') expectNoScriptUrlsInJson(JSON.parse(text), `${format} in pieces`);
  });
});
