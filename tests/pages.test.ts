/**
 * HTTP tests of the pages (src/web/routes/pages.ts and views/): the real app, a real
 * SQLite store in a temp folder with the built-in cases, forms posted with their CSRF
 * token as a browser would.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../src/cases/types.js';
import { memoryStore, wrapStore } from './helpers/temp-store.js';
import { createApp } from '../src/web/app.js';
import { csrfToken } from './helpers/csrf.js';

const FOUNDING = 'service-stalin-resignation';
const SOURCE = 'Before the vote, members talked. The committee said the plan was not good and that it should not proceed until it is revised. Several members spoke. Nobody objected. Then they went home.';
// "[indeed]" stands where the source has nothing (an editorial insertion); "not" is cut twice with no ellipsis
const QUOTE = 'The committee said the plan was good [indeed] and that it should proceed. ... Nobody objected.';

let store: CaseStore;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  store = await memoryStore({ builtIns: true });
  await store.create(
    {
      title: 'A hostile <script>alert("title")</script> case',
      source: { text: SOURCE, citation: { author: 'Ann <b>Author</b>', work: 'Minutes', year: '1999' } },
      quotations: [{ text: QUOTE, quotedBy: { author: 'A "quoter" <img src=x onerror=alert(1)>' } }],
      notes: 'Some **bold** notes. <script>alert("notes")</script> [a link](javascript:alert(1))',
      tags: ['<i>tag</i>'],
    },
    'hostile-case',
  );
  app = createApp({ store });
});

afterAll(async () => {
  await store.close();
});

/** A browser's visit: the agent keeps the CSRF cookie, the token comes from the home page. */
async function postCompare(fields: Record<string, string>, status = 200) {
  const agent = request.agent(app);
  const token = await csrfToken(agent);
  const res = await agent.post('/compare').type('form').send({ _csrf: token, ...fields });
  expect(res.status).toBe(status);
  expect(res.type).toBe('text/html');
  return res;
}

/** Pages must run under the CSP: no inline script, no inline style. */
function expectNothingInline(html: string): void {
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/<style[\s>]/i);
  // Attribute values (escaped user text among them) may say anything; attribute names may not.
  const markup = html.replace(/"[^"]*"/g, '""');
  expect(markup).not.toMatch(/<[^>]*\sstyle=/i);
  expect(markup).not.toMatch(/<[^>]*\son[a-z]+=/i);
  // and every id once, so links between counterparts and n/p go where they should
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
}

/** The source column's text, without the hidden form fields that carry the whole source. */
function sourceColumn(html: string): string {
  const start = html.indexOf('<div class="text source-text">');
  expect(start).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</div>', start));
}

describe('GET /', () => {
  it('says what Elision does, lists the cases with the founding case first, and offers the compare form', async () => {
    const res = await request(app).get('/').expect(200).expect('Content-Type', /html/);
    expect(res.text).toContain('<h1>Elision</h1>');
    expect(res.text).toMatch(/shows, word by word, what was left out/);
    const slugs = [...res.text.matchAll(/<h3><a href="\/cases\/([^"]+)"/g)].map((m) => m[1]);
    expect(slugs[0]).toBe(FOUNDING);
    expect(slugs).toContain('hostile-case');
    expect(res.text).toContain('quoting Robert Service');
    // each card shows the engine's verdict: an icon and a word, then its summary
    expect(res.text).toMatch(/<li class="verdict-line tone-\w+" data-rating="[a-z-]+">(<span class="by">[^<]*<\/span> )?<span class="rating rating-[a-z-]+"><span class="rating-icon" aria-hidden="true">[^<]+<\/span> <strong class="rating-word">[^<]+<\/strong><\/span> <span class="verdict-summary">/);
    expect(res.text).toContain('data-rating="silent-omission"');
    expect(res.text).toMatch(/<form class="compare-form" id="compare" method="post" action="\/compare"/);
    for (const name of ['quote', 'source', 'author', 'work', 'year', 'page', 'url', 'quotedBy', '_csrf']) {
      expect(res.text).toContain(`name="${name}"`);
    }
    expect(res.text).toContain('href="/static/elision.css"');
    expect(res.text).toContain('<script src="/static/elision.js" defer></script>');
    expectNothingInline(res.text);
  });

  it('escapes what users typed into case titles and names', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.text).not.toContain('<script>alert("title")');
    expect(res.text).toContain('&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;');
    expect(res.text).not.toContain('<img src=x');
  });
});

describe('POST /compare', () => {
  it('renders the comparison of a pasted pair with its omissions, insertion, verdict and controls', async () => {
    const res = await postCompare({ quote: QUOTE, source: SOURCE, author: 'Ann Author', work: 'Minutes', quotedBy: 'A newspaper' });
    const html = res.text;
    expect(html).toMatch(/<del class="r-omit-silent"[^>]*data-diff="\d"[^>]*>.*not <span class="vh">\]<\/span><\/del>/);
    expect(html.match(/class="r-omit-silent"/g)?.length).toBe(2);
    expect(html).toMatch(/<del class="r-omit-marked"[^>]*>.*until it is revised/);
    expect(html).toMatch(/<span class="r-ellipsis linked-ellipsis" id="q\d+" data-link="s\d+"/);
    expect(html).toMatch(/<ins class="r-ins-editorial"[^>]*>.*indeed/);
    expect(html).toMatch(/<section class="summary tone-changed"[^>]*data-rating="silent-omission"/);
    expect(html).toContain('<strong class="rating-word">Silent omission</strong>');
    expect(html).toContain('2 silent omissions');
    expect(html).toContain('Quoted by A newspaper.');
    expect(html).toContain('Ann Author, Minutes');
    expect(html).toMatch(/<aside class="legend"/);
    // the texts travel once, in one form; controls, save and export join it with their own buttons
    expect(html.match(/name="source" value=/g)?.length).toBe(1);
    expect(html).toMatch(/<form id="pair" method="post" action="\/compare" class="pair-form">/);
    expect(html).toMatch(/<input type="hidden" name="quote" value="The committee said the plan was good \[indeed\]/);
    expect(html).toMatch(/<button type="submit" form="pair" formaction="\/compare" formnovalidate>Apply<\/button>/);
    expect(html).toMatch(/<select id="control-context" name="context" form="pair">/);
    expect(html).toMatch(/<input id="save-title" name="title" form="pair" required/);
    expect(html).toMatch(/<button type="submit" form="pair" formaction="\/cases">Save and get a permalink<\/button>/);
    expect(html).toMatch(/<select id="export-format" name="format" form="pair">/);
    expect(html).toMatch(/<button type="submit" form="pair" formaction="\/compare\/export" formnovalidate>Download<\/button>/);
    for (const format of ['html', 'md', 'json', 'tei', 'jsonld', 'csv', 'claimreview', 'restored']) {
      expect(html).toContain(`<option value="${format}">`);
    }
    expect(html.match(/name="_csrf" value="[^"]+"/g)?.length).toBe(1);
    expect(html).toContain('id="shortcuts"');
    expectNothingInline(html);
  });

  it('renders a quotation in pieces: the writer’s words as such, the cut between pieces linked to them, the verdict saying so', async () => {
    const quote = 'The committee "did … approve the budget" and called it "a fair settlement"';
    const source = 'Members met until late. We did, after a long and heated debate that ran past midnight, approve the budget. It is a fair settlement for all of us.';
    const html = (await postCompare({ quote, source })).text;
    expect(html).toMatch(/<span class="r-paraphrase" title="The writer’s own words, not quoted"><span class="vh">\[the writer’s own words, not quoted: <\/span>The committee<span class="vh">\]<\/span><\/span>/);
    // the writer's words between the pieces stand for the cut there, and link to it
    expect(html).toMatch(/<span class="r-paraphrase" id="(q\d+)" data-link="(s\d+)"[^>]*><span class="vh">\[the writer’s own words, not quoted: <\/span>and called it/);
    expect(html).toMatch(/<del class="r-omit-marked" id="s\d+" data-link="q\d+"[^>]*title="Left out between quoted pieces; the writer’s own words stand there in the quotation">.*It is/);
    expect(html).not.toContain('<ins class="r-ins-bare"');
    expect(html).not.toContain('class="r-omit-silent"');
    expect(html).toContain('<li><span class="r-paraphrase key">writer’s words</span> the writer’s own words, not quoted</li>');
    expect(html).toContain('<p class="verdict">Cut only where an ellipsis shows it (1 cut); the quoted words are the source’s own and the words around them are the writer’s own.</p>');
    expect(html).toContain('1 marked omission, 1 cut between quoted pieces');
    expectNothingInline(html);
  });

  it('applies the controls: context size, the whole source, only the differences', async () => {
    const longSource = `An opening line nobody quotes. ${SOURCE} A closing line far away.`;
    const whole = await postCompare({ quote: QUOTE, source: longSource, context: '0', view: 'whole' });
    expect(whole.text).toMatch(/<option value="0" selected>0 sentences<\/option>/);
    expect(whole.text).toMatch(/value="whole"[^>]*checked/);
    expect(whole.text).toMatch(/<span class="r-outside">An opening line nobody quotes\. /);
    const region = await postCompare({ quote: QUOTE, source: longSource, context: '0' });
    expect(sourceColumn(region.text)).not.toContain('An opening line nobody quotes');
    expect(region.text).toContain('(the source begins earlier)');
    const only = await postCompare({ quote: QUOTE, source: longSource, only: 'differences' });
    expect(only.text).toMatch(/name="only" value="differences"[^>]*checked/);
    expect(only.text).not.toContain('class="r-context"');
  });

  it('re-renders the form with a clear message and what the user typed when the quotation is empty', async () => {
    const res = await postCompare({ quote: '   ', source: SOURCE, author: 'Kept Author' }, 400);
    expect(res.text).toContain('<strong>Cannot compare:</strong> The quotation is empty.');
    expect(res.text).toMatch(/<textarea id="source" name="source"[^>]*>Before the vote, members talked\./);
    expect(res.text).toContain('value="Kept Author"');
    expect(res.text).toMatch(/role="alert"/);
  });

  it('searches the library when the source is empty, keeping the quotation in its form', async () => {
    const res = await postCompare({ quote: QUOTE, source: '' }, 200);
    expect(res.text).toContain('Find the source');
    expect(res.text).toMatch(/Searched [\d,]+ sources?, [\d,]+ characters\./);
    expect(res.text).toContain('good [indeed] and that it should proceed');
  });

  it('answers 413 with the limit when the quotation is too large, keeping the source', async () => {
    const res = await postCompare({ quote: 'word '.repeat(25_000), source: SOURCE }, 413);
    expect(res.text).toMatch(/The quotation is \d+ KB; the limit is 100 KB\./);
    expect(res.text).toContain('Before the vote, members talked.');
  });

  it('shows a hostile quotation and source as text', async () => {
    const quote = '<script>alert("q")</script> said the "plan" was good';
    const source = 'The committee <script>alert("s")</script> said the "plan" was good, and <img src=x onerror=alert(2)> more.';
    const res = await postCompare({ quote, source, quotedBy: '"><script>alert(3)</script>' });
    expect(res.text).not.toMatch(/<script>alert/);
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;');
    expect(res.text).toContain('value="&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"');
    expectNothingInline(res.text);
  });

  it('sends a GET of the result page to the form', async () => {
    await request(app).get('/compare').expect(303).expect('Location', '/#compare');
  });

  it('refuses a form posted without its CSRF token', async () => {
    await request(app).post('/compare').type('form').send({ quote: QUOTE, source: SOURCE }).expect(403);
  });
});

describe('GET /cases/:slug', () => {
  it('shows the founding case as the debate view: a heat map and one lane per quotation', async () => {
    const res = await request(app).get(`/cases/${FOUNDING}`).expect(200);
    const html = res.text;
    expect(html).toContain('<h1>Stalin&#39;s resignations: what Robert Service wrote around the letter to Rykov</h1>');
    expect(html).toMatch(/<section class="debate"/);
    expect(html.match(/class="lane quotation-lane"/g)?.length).toBe(2);
    expect(html).toMatch(/class="heat heat-1"[^>]*title="Quoted by a reader \(comment 5\)"[^>]*>.*He was an extremely sensitive bully/);
    expect(html).toMatch(/class="heat heat-1"[^>]*title="Quoted by the blog&#39;s author"[^>]*>.*Alexei Rykov/);
    // the commenter's lane shows the letter as cut with an ellipsis
    expect(html).toMatch(/<del class="r-omit-marked" id="c1-s\d+"[^>]*>.*On 27 December 1926/);
    expect(html).toMatch(/<a href="\/cases\/service-stalin-resignation\?quotation=0">the blog&#39;s author<\/a>/);
    expectNothingInline(html);
  });

  it('shows the citation, Markdown notes, tags, the teacher panel and every link a case needs', async () => {
    const html = (await request(app).get(`/cases/${FOUNDING}`).expect(200)).text;
    // the Chicago citation, as every export gives it
    expect(html).toMatch(/<p class="citation"><span class="label">Source:<\/span> Robert Service, Stalin: A Biography \(London: Macmillan, 2004\)\./);
    expect(html).toContain('took took');
    expect(html).toContain('<strong>Where the texts come from.</strong>');
    expect(html).toMatch(/<a class="tag" href="\/cases\?tag=founding%20case">founding case<\/a>/);
    expect(html).toMatch(/<details class="teacher-panel">\s*<summary>For teachers: questions and notes<\/summary>/);
    expect(html).toContain('What does the blog want its readers to conclude');
    expect(html).toContain('<strong>What students should find.</strong>');
    expect(html).toContain('href="/cases/service-stalin-resignation/exercise"');
    expect(html).toContain('href="/cases/service-stalin-resignation/edit"');
    for (const format of ['html', 'md', 'json', 'tei', 'jsonld', 'csv', 'claimreview', 'restored']) {
      expect(html).toContain(`href="/cases/service-stalin-resignation/export?format=${format}&amp;quotation=0"`);
    }
  });

  it('?quotation=N shows that quotation side by side, its export links pointing at it', async () => {
    const html = (await request(app).get(`/cases/${FOUNDING}?quotation=1`).expect(200)).text;
    expect(html).not.toContain('<section class="debate"');
    expect(html).toMatch(/<section class="comparison" id="comparison"/);
    expect(html).toMatch(/<del class="r-omit-marked" id="s\d+"[^>]*data-diff="1"[^>]*>.*On 27 December 1926/);
    expect(html).toMatch(/<span class="r-ellipsis linked-ellipsis"[^>]*>\. \. \.<\/span>/);
    expect(html).toContain('<span aria-current="page">a reader (comment 5)</span>');
    expect(html).toContain('Quoted by a reader (comment 5) in comment 5');
    expect(html).toContain('export?format=tei&amp;quotation=1"');
    expect(html).toMatch(/<input type="hidden" name="quotation" value="1">/);
  });

  it('applies the view controls from the query string', async () => {
    const html = (await request(app).get(`/cases/${FOUNDING}?quotation=0&context=0&view=whole&only=differences`).expect(200)).text;
    expect(html).toMatch(/<option value="0" selected>/);
    expect(html).toMatch(/value="whole" checked/);
    expect(html).toMatch(/name="only" value="differences" checked/);
  });

  it('renders a case with one quotation as its comparison, with no quotation switcher', async () => {
    const html = (await request(app).get('/cases/hostile-case').expect(200)).text;
    expect(html).toMatch(/<section class="comparison"/);
    expect(html).not.toContain('class="quotation-nav"');
    expect(html.match(/class="r-omit-silent"[^>]*data-diff/g)?.length).toBe(2);
  });

  it('renders Markdown notes without raw HTML or script links, and escapes every field', async () => {
    const html = (await request(app).get('/cases/hostile-case').expect(200)).text;
    expect(html).toContain('<strong>bold</strong>');
    expect(html).not.toMatch(/<script>alert/);
    expect(html).toContain('&lt;script&gt;alert(&quot;notes&quot;)&lt;/script&gt;');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('Ann &lt;b&gt;Author&lt;/b&gt;');
    expect(html).toContain('&lt;i&gt;tag&lt;/i&gt;');
    expectNothingInline(html);
  });

  it('answers an unknown case or quotation with the 404 page', async () => {
    const missing = await request(app).get('/cases/no-such-case').expect(404).expect('Content-Type', /html/);
    expect(missing.text).toContain('There is no case called “no-such-case”.');
    expect(missing.text).toContain('<nav aria-label="Site">');
    const quotation = await request(app).get(`/cases/${FOUNDING}?quotation=2`).expect(404);
    expect(quotation.text).toContain('This case has 2 quotations, numbered from 0; there is no quotation 2.');
    await request(app).get(`/cases/${FOUNDING}?quotation=one`).expect(404);
  });
});

describe('error pages', () => {
  it('renders the 404 page for any unknown address, escaping the path', async () => {
    const res = await request(app).get('/no/such/<page>').expect(404).expect('Content-Type', /html/);
    expect(res.text).toContain('<h1>Not found</h1>');
    expect(res.text).not.toContain('<page>');
    const json = await request(app).get('/api/nothing').expect(404);
    expect(json.body.error).toMatch(/Nothing at GET/);
  });

  it('renders the 500 page with no stack trace in production, and the message alone in development', async () => {
    const failing = wrapStore(store, { get: async () => { throw new Error('disk on fire at /secret/path'); } });
    const production = await request(createApp({ store: failing, production: true })).get(`/cases/${FOUNDING}`).expect(500);
    expect(production.text).toContain('Something went wrong on our side');
    expect(production.text).not.toContain('disk on fire');
    expect(production.text).not.toMatch(/at .*\.ts:\d+/);
    const development = await request(createApp({ store: failing })).get(`/cases/${FOUNDING}`).expect(500);
    expect(development.text).toContain('disk on fire at /secret/path');
    expect(development.text).not.toMatch(/at .*\.ts:\d+/);
  });
});
