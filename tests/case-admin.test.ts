/** HTTP tests of the case management pages: list/search, create, edit, add a quotation, delete, download, import; on SQLite and on PostgreSQL. */
import request from 'supertest';
import type { Express } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { storeEngines, storeForEachTest } from './helpers/engines.js';
import type { CaseInput, CaseStore } from '../src/cases/types.js';
import { csrfToken } from './helpers/csrf.js';

describe.each(storeEngines)('the case pages on $name', (engine) => {
  const current = storeForEachTest(engine);
  let store: CaseStore;
  let app: Express;

  beforeEach(() => {
    store = current.store;
    app = createApp({ store, csrf: false });
  });

  const HOSTILE = '<script>alert(1)</script>"\'&';

  function sample(overrides: Partial<CaseInput> = {}): CaseInput {
    return {
      title: 'Pride before a fall',
      source: { text: 'Pride goeth before destruction, and an haughty spirit before a fall.', citation: { author: 'King James Version', work: 'Proverbs', page: '16:18' } },
      quotations: [{ text: 'Pride goeth before a fall', quotedBy: { author: 'Everyone' } }],
      notes: 'The proverb as people say it.',
      tags: ['proverb', 'Bible'],
      questions: ['What is missing?'],
      teacherNotes: 'The haughty spirit.',
      ...overrides,
    };
  }

  /** Every value of the new-case form, as a browser would send it. */
  function newCaseForm(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      title: 'Congreve, misquoted',
      slug: '',
      source: 'Musick has Charms to sooth a savage Breast,\r\nTo soften Rocks, or bend a knotted Oak.',
      author: 'William Congreve',
      work: 'The Mourning Bride',
      container: '',
      year: '1697',
      edition: '',
      publisher: '',
      place: '',
      page: 'I.i',
      url: 'https://www.gutenberg.org/',
      language: 'en',
      citationNote: '',
      quote: 'Music has charms to soothe the savage beast',
      quotedBy: 'Popular memory',
      quotedByWork: '',
      quotedByDate: '',
      quotedByUrl: '',
      quotedByPage: '',
      quoteNote: 'breast became beast',
      notes: 'A *famous* misquotation.',
      tags: 'misquotation, drama,  , Drama',
      questions: 'What changed?\r\n\r\nDoes it matter?',
      teacherNotes: 'Breast, not beast.',
      ...overrides,
    };
  }

  describe('GET /cases', () => {
    beforeEach(async () => {
      await store.create(sample());
      await store.create(sample({ title: 'Yorick', source: { text: 'Alas, poor Yorick! I knew him, Horatio.', citation: { author: 'William Shakespeare' } }, quotations: [{ text: 'I knew him well', quotedBy: { author: 'Popular memory' } }], tags: ['Shakespeare'] }));
    });

    it('lists every case with links to it, its edit, JSON and delete pages, and the new/import/export links', async () => {
      const res = await request(app).get('/cases');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<a href="/cases/pride-before-a-fall">Pride before a fall</a>');
      expect(res.text).toContain('href="/cases/yorick/edit"');
      expect(res.text).toContain('href="/cases/yorick/case.json"');
      expect(res.text).toContain('href="/cases/yorick/delete"');
      expect(res.text).toContain('href="/cases/new"');
      expect(res.text).toContain('href="/cases/import"');
      expect(res.text).toContain('href="/api/cases/export"');
      expect(res.text).toContain('2 cases');
    });

    it('searches by text, tag and author, keeping the search in the form', async () => {
      const bySearch = await request(app).get('/cases?q=horatio');
      expect(bySearch.text).toContain('Yorick');
      expect(bySearch.text).not.toContain('Pride before a fall');
      expect(bySearch.text).toContain('value="horatio"');
      const byTag = await request(app).get('/cases?tag=bible');
      expect(byTag.text).toContain('Pride before a fall');
      expect(byTag.text).not.toContain('>Yorick<');
      const byAuthor = await request(app).get('/cases?author=shakespeare');
      expect(byAuthor.text).toContain('>Yorick<');
      expect(byAuthor.text).not.toContain('Pride before a fall');
      const none = await request(app).get('/cases?q=zebra');
      expect(none.text).toContain('No case matches this search.');
    });

    it('escapes a hostile search and refuses a repeated filter with 400', async () => {
      const res = await request(app).get(`/cases?q=${encodeURIComponent(HOSTILE)}`);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      const twice = await request(app).get('/cases?tag=a&tag=b');
      expect(twice.status).toBe(400);
      expect(twice.text).toContain('The filter &#34;tag&#34; must be given once, as text.');
    });

    it('escapes hostile titles, authors and tags', async () => {
      await store.create(sample({ title: HOSTILE, source: { text: 'a b c', citation: { author: HOSTILE } }, tags: ['<b>x</b>'], quotations: [{ text: 'a', quotedBy: { author: '<img src=x onerror=alert(1)>' } }] }));
      const res = await request(app).get('/cases');
      expect(res.text).not.toMatch(/<script>alert|<img src=x|<b>x<\/b>/);
    });
  });

  describe('creating a case', () => {
    it('shows an empty form with every field and the CSRF field', async () => {
      const res = await request(app).get('/cases/new');
      expect(res.status).toBe(200);
      for (const name of ['title', 'slug', 'source', 'author', 'work', 'year', 'page', 'url', 'quote', 'quotedBy', 'notes', 'tags', 'questions', 'teacherNotes']) {
        expect(res.text).toContain(`name="${name}"`);
      }
      expect(res.text).toContain('name="_csrf"');
      expect(res.text).toMatch(/<form method="post" action="\/cases"/);
    });

    it('creates the case from the form and redirects (303) to its permalink', async () => {
      const res = await request(app).post('/cases').type('form').send(newCaseForm());
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/cases/congreve-misquoted');
      const saved = (await store.get('congreve-misquoted'))!;
      expect(saved).toMatchObject({
        title: 'Congreve, misquoted',
        source: {
          // the browser's CRLF line breaks are stored as LF
          text: 'Musick has Charms to sooth a savage Breast,\nTo soften Rocks, or bend a knotted Oak.',
          citation: { author: 'William Congreve', work: 'The Mourning Bride', year: '1697', page: 'I.i', url: 'https://www.gutenberg.org/', language: 'en' },
        },
        quotations: [{ text: 'Music has charms to soothe the savage beast', quotedBy: { author: 'Popular memory' }, note: 'breast became beast' }],
        notes: 'A *famous* misquotation.',
        tags: ['misquotation', 'drama'],
        questions: ['What changed?', 'Does it matter?'],
        teacherNotes: 'Breast, not beast.',
      });
    });

    it('takes the "Save as case" form of a pasted comparison (title, quote, source, author, work, year, page, url, quotedBy)', async () => {
      const res = await request(app).post('/cases').type('form').send({
        _csrf: 'ignored-here',
        title: 'Greeley',
        quote: 'save the Union',
        source: 'My paramount object in this struggle is to save the Union.',
        author: 'Abraham Lincoln',
        work: 'Letter to Horace Greeley',
        year: '1862',
        page: '',
        url: '',
        quotedBy: 'A newspaper',
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/cases/greeley');
      expect(await store.get('greeley')).toMatchObject({
        source: { citation: { author: 'Abraham Lincoln', work: 'Letter to Horace Greeley', year: '1862' } },
        quotations: [{ text: 'save the Union', quotedBy: { author: 'A newspaper' } }],
        tags: [],
      });
    });

    it('re-renders the form with a clear message, the field marked and everything typed kept', async () => {
      const form = newCaseForm({ title: '  ', quote: `${HOSTILE} kept` });
      const res = await request(app).post('/cases').type('form').send(form);
      expect(res.status).toBe(400);
      expect(res.text).toContain('role="alert"');
      expect(res.text).toContain('The title is empty.');
      expect(res.text).toMatch(/<input id="f-title" name="title" type="text" value="  " autocomplete="off" required aria-invalid="true" aria-describedby="form-error">/);
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&amp; kept');
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).toContain('value="William Congreve"');
      expect(res.text).toContain('misquotation, drama,  , Drama');
      expect(await store.list()).toEqual([]);
    });

    const refusals: Array<[string, Record<string, string>, number, string, string]> = [
      ['an empty quotation', { quote: '' }, 400, 'The quotation is empty.', 'quote'],
      ['an empty source', { source: '\r\n' }, 400, 'The source is empty.', 'source'],
      ['a javascript: URL', { url: 'javascript:alert(1)' }, 400, 'The URL must be a web address starting with http:// or https://.', 'url'],
      ['a bad quoter URL', { quotedByUrl: 'ftp://x' }, 400, 'The URL where it was quoted must be a web address', 'quotedByUrl'],
      ['a bad slug', { slug: 'Not OK' }, 400, 'is not usable', 'slug'],
      ['a long tag', { tags: 'x'.repeat(41) }, 400, 'A tag is 41 characters long; the limit is 40.', 'tags'],
      ['a quotation over 100 KB', { quote: 'x'.repeat(101 * 1024) }, 413, 'The quotation is 101 KB; the limit is 100 KB.', 'quote'],
    ];
    for (const [what, overrides, status, message, fieldName] of refusals) {
      it(`refuses ${what} (${status}), marking the field`, async () => {
        const res = await request(app).post('/cases').type('form').send(newCaseForm(overrides));
        expect(res.status).toBe(status);
        expect(res.text).toContain(message);
        expect(res.text).toMatch(new RegExp(`id="f-${fieldName}" name="${fieldName}"[^>]*aria-invalid="true"`));
        expect(await store.list()).toEqual([]);
      });
    }

    it('refuses a slug that is taken with 409 and keeps the form', async () => {
      await store.create(sample(), 'taken');
      const res = await request(app).post('/cases').type('form').send(newCaseForm({ slug: 'taken' }));
      expect(res.status).toBe(409);
      expect(res.text).toContain('A case with the slug &#34;taken&#34; already exists.');
      expect(res.text).toMatch(/id="f-slug" name="slug"[^>]*aria-invalid="true"/);
    });

    it('keeps a leading line break of a text (the HTML parser drops the first one after <textarea>)', async () => {
      const res = await request(app).post('/cases').type('form').send(newCaseForm({ title: '', quote: '\nline two' }));
      expect(res.text).toContain('name="quote" rows="6" required spellcheck="false">\n\nline two</textarea>');
    });
  });

  describe('editing a case', () => {
    beforeEach(async () => {
      await store.create(sample({ quotations: [{ text: 'Pride goeth before a fall', quotedBy: { author: 'Everyone', url: 'https://example.org/a' }, note: 'n1' }, { text: 'an haughty spirit', quotedBy: { author: 'Someone' } }] }), 'pride');
    });

    function editForm(overrides: Record<string, string> = {}): Record<string, string> {
      return {
        title: 'Pride, edited', source: sample().source.text, author: 'KJV', work: 'Proverbs', page: '16:18', tags: 'proverb', notes: 'n', questions: 'Q1', teacherNotes: 't',
        quotationCount: '2',
        'quote-0': 'Pride goeth before a fall', 'quotedBy-0': 'Everyone', 'quotedByUrl-0': 'https://example.org/a', 'quoteNote-0': 'n1',
        'quote-1': 'an haughty spirit', 'quotedBy-1': 'Someone',
        ...overrides,
      };
    }

    it('shows the whole case in the form, every quotation, and the add-a-quotation form', async () => {
      const res = await request(app).get('/cases/pride/edit');
      expect(res.status).toBe(200);
      expect(res.text).toContain('value="Pride before a fall"');
      expect(res.text).toContain('action="/cases/pride/edit"');
      expect(res.text).toContain('name="quote-0"');
      expect(res.text).toContain('name="quote-1"');
      expect(res.text).toContain('name="remove-1"');
      expect(res.text).toContain('value="https://example.org/a"');
      expect(res.text).toContain('value="proverb, Bible"');
      expect(res.text).toContain('action="/cases/pride/quotations"');
      expect(res.text.match(/name="_csrf"/g)).toHaveLength(2);
    });

    it('saves the edit and redirects to the case', async () => {
      const res = await request(app).post('/cases/pride/edit').type('form').send(editForm());
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/cases/pride');
      expect(await store.get('pride')).toMatchObject({
        slug: 'pride',
        title: 'Pride, edited',
        source: { citation: { author: 'KJV', work: 'Proverbs', page: '16:18' } },
        quotations: [{ text: 'Pride goeth before a fall', quotedBy: { author: 'Everyone', url: 'https://example.org/a' }, note: 'n1' }, { text: 'an haughty spirit', quotedBy: { author: 'Someone' } }],
        tags: ['proverb'],
      });
    });

    it('removes a ticked quotation', async () => {
      await request(app).post('/cases/pride/edit').type('form').send(editForm({ 'remove-0': '1' }));
      expect((await store.get('pride'))!.quotations.map((q) => q.text)).toEqual(['an haughty spirit']);
    });

    it('refuses to remove every quotation, keeping the form as typed', async () => {
      const res = await request(app).post('/cases/pride/edit').type('form').send(editForm({ 'remove-0': '1', 'remove-1': '1' }));
      expect(res.status).toBe(400);
      expect(res.text).toContain('A case needs at least one quotation.');
      expect(res.text).toContain('value="Pride, edited"');
      expect(res.text.match(/ checked>/g)).toHaveLength(2);
      expect((await store.get('pride'))!.quotations).toHaveLength(2);
    });

    it('names and marks the right quotation when one is bad, counting removed ones', async () => {
      const res = await request(app).post('/cases/pride/edit').type('form').send(editForm({ 'remove-0': '1', 'quote-1': ' ' }));
      expect(res.status).toBe(400);
      expect(res.text).toContain('Quotation 2: The quotation is empty.');
      expect(res.text).toMatch(/id="f-quote-1" name="quote-1"[^>]*aria-invalid="true"/);
    });

    it('answers 404 for a case that does not exist', async () => {
      expect((await request(app).get('/cases/missing/edit')).status).toBe(404);
      expect((await request(app).post('/cases/missing/edit').type('form').send(editForm())).status).toBe(404);
    });
  });

  describe('adding a quotation', () => {
    beforeEach(async () => {
      await store.create(sample(), 'pride');
    });

    it('adds another quotation of the same source and redirects to the case', async () => {
      const res = await request(app).post('/cases/pride/quotations').type('form').send({ quote: 'Pride goeth before destruction', quotedBy: 'A preacher', quotedByWork: 'Sermon', quotedByDate: '1850', quoteNote: 'the whole first half' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/cases/pride?quotation=1');
      const saved = (await store.get('pride'))!;
      expect(saved.quotations).toEqual([
        sample().quotations[0],
        { text: 'Pride goeth before destruction', quotedBy: { author: 'A preacher', work: 'Sermon', date: '1850' }, note: 'the whole first half' },
      ]);
      expect(saved.title).toBe('Pride before a fall');
      expect(saved.tags).toEqual(['proverb', 'Bible']);
    });

    it('refuses an empty quotation, keeping what was typed in the add form', async () => {
      const res = await request(app).post('/cases/pride/quotations').type('form').send({ quote: '', quotedBy: 'Kept <b>name</b>' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('<strong>Not added:</strong> The quotation is empty.');
      expect(res.text).toContain('value="Kept &lt;b&gt;name&lt;/b&gt;"');
      expect(res.text).toMatch(/id="f-quote" name="quote"[^>]*aria-invalid="true" aria-describedby="add-error"/);
      expect((await store.get('pride'))!.quotations).toHaveLength(1);
    });

    it('refuses a twenty-first quotation', async () => {
      await store.update('pride', sample({ quotations: Array.from({ length: 20 }, (_, i) => ({ text: `Pride ${i}` })) }));
      const res = await request(app).post('/cases/pride/quotations').type('form').send({ quote: 'Pride goeth' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('A case holds at most 20 quotations.');
      expect((await store.get('pride'))!.quotations).toHaveLength(20);
    });

    it('answers 404 for a missing case', async () => {
      expect((await request(app).post('/cases/missing/quotations').type('form').send({ quote: 'x' })).status).toBe(404);
    });
  });

  describe('deleting a case', () => {
    beforeEach(async () => {
      await store.create(sample({ title: HOSTILE }), 'pride');
    });

    it('asks first, with a POST form, and escapes the title', async () => {
      const res = await request(app).get('/cases/pride/delete');
      expect(res.status).toBe(200);
      expect(res.text).toContain('action="/cases/pride/delete"');
      expect(res.text).toContain('name="_csrf"');
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(await store.get('pride')).toBeDefined();
    });

    it('deletes on POST and redirects to the list, which says so', async () => {
      const res = await request(app).post('/cases/pride/delete').type('form').send({});
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/cases?deleted=pride');
      expect(await store.get('pride')).toBeUndefined();
      const list = await request(app).get(res.headers.location!);
      expect(list.text).toContain('The case “pride” was deleted.');
    });

    it('answers 404 for a missing case', async () => {
      expect((await request(app).get('/cases/missing/delete')).status).toBe(404);
      expect((await request(app).post('/cases/missing/delete').type('form').send({})).status).toBe(404);
    });
  });

  describe('downloading and importing', () => {
    it('downloads one case as a JSON attachment that imports back', async () => {
      await store.create(sample(), 'pride');
      const res = await request(app).get('/cases/pride/case.json');
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?pride\.json"?$/);
      const json = JSON.parse(res.text);
      expect(json).toMatchObject({ slug: 'pride', title: 'Pride before a fall', source: sample().source, quotations: [{ text: 'Pride goeth before a fall' }] });

      const imported = await request(app).post('/cases/import').type('form').send({ json: res.text });
      expect(imported.status).toBe(303);
      expect(imported.headers.location).toBe('/cases?imported=1');
      expect((await store.get('pride-2'))?.source).toEqual(sample().source);
      expect((await request(app).get('/cases?imported=1')).text).toContain('Imported 1 case.');
      expect((await request(app).get('/cases/missing/case.json')).status).toBe(404);
    });

    it('shows the import form: a textarea and a file upload, both with the CSRF field', async () => {
      const res = await request(app).get('/cases/import');
      expect(res.status).toBe(200);
      expect(res.text).toContain('name="json"');
      expect(res.text).toContain('enctype="multipart/form-data"');
      expect(res.text).toContain('type="file"');
      expect(res.text.match(/name="_csrf"/g)).toHaveLength(2);
    });

    it('imports an uploaded .json file (multipart)', async () => {
      const file = JSON.stringify({ cases: [sample({ title: 'From a file' }), sample({ title: 'Another' })] });
      const res = await request(app).post('/cases/import').attach('file', Buffer.from(file), { filename: 'cases.json', contentType: 'application/json' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/cases?imported=2');
      expect((await store.list()).map((c) => c.title)).toEqual(['Another', 'From a file']);
    });

    const refusals: Array<[string, string, string]> = [
      ['nothing', '', 'Paste the JSON of one or more cases, or choose a .json file.'],
      ['broken JSON', '{"title": "x", ', 'This is not valid JSON'],
      ['one bad case among good ones', JSON.stringify([sample({ title: 'Good' }), { ...sample(), quotations: [] }]), '[1].quotations: A case needs at least one quotation.'],
      ['a hostile citation URL', JSON.stringify(sample({ source: { text: 'a b', citation: { url: 'javascript:alert(1)' } } })), 'source.citation.url: The URL must be a web address'],
      ['a number', '42', 'The JSON must be a case, a list of cases, or {&#34;cases&#34;: [...]}.'],
    ];
    for (const [what, json, message] of refusals) {
      it(`refuses ${what} with 400, keeps the pasted text and imports nothing`, async () => {
        await store.create(sample(), 'before');
        const res = await request(app).post('/cases/import').type('form').send({ json });
        expect(res.status).toBe(400);
        expect(res.text).toContain('<strong>Nothing was imported:</strong>');
        expect(res.text).toContain(message);
        if (json !== '') expect(res.text).toContain(json.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'));
        expect((await store.list()).map((c) => c.slug)).toEqual(['before']);
      });
    }

    it('refuses an uploaded file that is not UTF-8', async () => {
      const res = await request(app).post('/cases/import').attach('file', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { filename: 'bad.json', contentType: 'application/json' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('The file &#34;bad.json&#34; is not UTF-8 text.');
    });
  });

  describe('with CSRF protection on, as the server runs', () => {
    let protectedApp: Express;
    beforeEach(async () => {
      protectedApp = createApp({ store });
    });

    it('accepts the new-case form with the token its page carries, and refuses it without (403)', async () => {
      const agent = request.agent(protectedApp);
      const token = await csrfToken(agent, '/cases/new');
      const refused = await agent.post('/cases').type('form').send(newCaseForm());
      expect(refused.status).toBe(403);
      expect(await store.list()).toEqual([]);
      const accepted = await agent.post('/cases').type('form').send({ ...newCaseForm(), _csrf: token });
      expect(accepted.status).toBe(303);
      expect(await store.list()).toHaveLength(1);
    });

    it('accepts a file upload whose token is in the form address, as the import page writes it', async () => {
      const agent = request.agent(protectedApp);
      const page = await agent.get('/cases/import');
      const action = /action="(\/cases\/import\?_csrf=[^"]+)" enctype="multipart\/form-data"/.exec(page.text)?.[1];
      expect(action).toBeDefined();
      const res = await agent.post(action!.replace(/&amp;/g, '&')).attach('file', Buffer.from(JSON.stringify(sample())), { filename: 'case.json', contentType: 'application/json' });
      expect(res.status).toBe(303);
      expect((await store.list()).map((c) => c.title)).toEqual(['Pride before a fall']);
    });

    it('lets the JSON API through without a token', async () => {
      const res = await request(protectedApp).post('/api/cases').set('Content-Type', 'application/json').send(JSON.stringify(sample()));
      expect(res.status).toBe(201);
    });
  });

  describe('with editing protected by an admin token', () => {
    it('offers no editing links to a browser that is not logged in, and a login link instead', async () => {
      await store.create(sample(), 'pride');
      const res = await request(createApp({ store, csrf: false, adminToken: 'secret-token' })).get('/cases');
      expect(res.status).toBe(200);
      expect(res.text).toContain('href="/cases/pride"');
      expect(res.text).toContain('href="/cases/pride/case.json"');
      expect(res.text).not.toMatch(/href="\/cases\/(new|import|pride\/edit|pride\/delete)"/);
      expect(res.text).toContain('href="/login?next=%2Fcases"');
    });

    it('offers them to a caller that carries the token', async () => {
      await store.create(sample(), 'pride');
      const res = await request(createApp({ store, csrf: false, adminToken: 'secret-token' })).get('/cases').set('Authorization', 'Bearer secret-token');
      expect(res.text).toContain('href="/cases/pride/edit"');
      expect(res.text).toContain('href="/cases/new"');
    });
  });
});
