/**
 * One verdict on every surface: for every quotation of every built-in case (data/cases),
 * the case's page (and the compare page, the same pair pasted), its card on the home
 * page and in the case list, the debate view's lane, the exercise's last step and
 * answer sheet, the CLI's text and JSON (in process,
 * through runCli), and every export — the PDF included, read back with pdf.js — show the
 * same rating and summary: the ones the engine computed (comparison.verdict), never a
 * surface's own. Every surface that prints the counts prints src/present's one counts
 * line. Over HTTP against the real app and a real SQLite store.
 *
 * Plus the done-when ratings of issue #11: the founding blog quotation is meaning at
 * risk with the "Of course" sentence in its summary; the 1927 reblog is verbatim.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import type { Case, CaseInput, CaseStore } from '../src/cases/types.js';
import { extractPdf } from '../src/import/pdf.js';
import { countsLine, escapeHtml, escapeMarkdown, presentVerdict, type VerdictView } from '../src/present/index.js';
import { loadBuiltInCases } from '../src/store/import-built-in.js';
import { createApp } from '../src/web/app.js';
import { cli } from './helpers/cli.js';
import { csrfToken } from './helpers/csrf.js';
import { memoryStore, tempDir, type TempDir } from './helpers/temp-store.js';

const CASES_DIR = path.resolve('data/cases');
/** A news report quoting in pieces (`The committee "did … approve the budget"`): only the words inside its marks are quoted. */
const PIECES_SLUG = 'news-quoted-in-pieces';
const PIECES_SOURCE = 'Members met until late. We did, after a long and heated debate that ran past midnight, approve the budget. It is a fair settlement for all of us. The vote was close.';
const PIECES_CASE: CaseInput = {
  title: 'A budget statement, quoted in pieces',
  source: { text: PIECES_SOURCE, citation: { author: 'The committee', work: 'Statement on the budget', year: '2026' } },
  quotations: [
    { text: 'The committee "did … approve the budget" and called it "a fair settlement"', quotedBy: { author: 'A news report' } },
    { text: 'The chair said members "met until late" and called the result "a fair settlement for all of us"', quotedBy: { author: 'Another report' } },
  ],
};
const SLUGS = [...loadBuiltInCases(CASES_DIR).cases.map((c) => c.slug), PIECES_SLUG];

let dir: TempDir;
let store: CaseStore;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  dir = tempDir('surfaces');
  store = await memoryStore({ builtIns: true });
  await store.create(PIECES_CASE, PIECES_SLUG);
  app = createApp({ store });
});

afterAll(async () => {
  await store.close();
  dir.remove();
});

interface Shown {
  rating: string | undefined;
  summary: string | undefined;
}

/** Text as ejs prints it with <%= %>. */
function ejsEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}

function unescapeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Every verdict line drawn by views/partials/verdict.ejs, in page order. */
function verdictLines(html: string): Array<Shown & { word: string }> {
  const pattern =
    /class="verdict-line tone-[a-z]+" data-rating="([a-z-]+)">(?:<span class="by">[^<]*<\/span> )?<span class="rating rating-\1"><span class="rating-icon" aria-hidden="true">[^<]*<\/span> <strong class="rating-word">([^<]*)<\/strong><\/span>(?: <span class="verdict-summary">([^<]*)<\/span>)?/g;
  return [...html.matchAll(pattern)].map((m) => ({ rating: m[1], word: unescapeEntities(m[2]!), summary: m[3] === undefined ? undefined : unescapeEntities(m[3]) }));
}

/** The piece of a page from `start` to the next `end` (or the page's end). */
function between(html: string, start: string | RegExp, end: string): string {
  const at = typeof start === 'string' ? html.indexOf(start) : html.search(start);
  expect(at, `${String(start)} is on the page`).toBeGreaterThanOrEqual(0);
  const stop = html.indexOf(end, at + 1);
  return html.slice(at, stop < 0 ? undefined : stop);
}

function caseCard(html: string, slug: string): string {
  const cards = html.split('<li class="case-card">').slice(1);
  const card = cards.find((c) => c.includes(`href="/cases/${encodeURIComponent(slug)}"`));
  expect(card, `a card for ${slug}`).toBeDefined();
  return card!;
}

/** RFC 4180, as the CSV export writes it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  return rows;
}

describe.each(SLUGS)('the case %s', (slug) => {
  let kase: Case;
  let expected: VerdictView[];
  /** src/present's counts line of each quotation */
  let counts: string[];
  let home: string;
  let list: string;

  beforeAll(async () => {
    kase = (await store.get(slug))!;
    const comparisons = kase.quotations.map((q) => compare(q.text, kase.source.text));
    expected = comparisons.map((c) => presentVerdict(c));
    counts = comparisons.map((c) => countsLine(c));
    home = (await request(app).get('/').expect(200)).text;
    list = (await request(app).get('/cases').expect(200)).text;
  });

  const shown = (v: Shown) => ({ rating: v.rating, summary: v.summary });
  const want = (i: number) => ({ rating: expected[i]!.rating, summary: expected[i]!.summary });

  it('its card on the home page and in the case list shows each quotation’s verdict', () => {
    for (const [where, html] of [['home', home], ['case list', list]] as const) {
      const lines = verdictLines(caseCard(html, slug));
      expect(lines.map(shown), where).toEqual(expected.map((_v, i) => want(i)));
      expect(lines.map((l) => l.word), where).toEqual(expected.map((v) => v.word));
    }
  });

  it('its page shows the verdict of each quotation, and the debate view one lane each', async () => {
    for (let i = 0; i < expected.length; i++) {
      const html = (await request(app).get(`/cases/${slug}?quotation=${i}`).expect(200)).text;
      const box = between(html, '<section class="summary', '</section>');
      expect(box).toContain(`data-rating="${expected[i]!.rating}"`);
      expect(box).toContain(`<strong class="rating-word">${ejsEscape(expected[i]!.word)}</strong>`);
      expect(box).toContain(`<p class="verdict">${ejsEscape(expected[i]!.summary)}</p>`);
    }
    if (expected.length > 1) {
      const html = (await request(app).get(`/cases/${slug}`).expect(200)).text;
      const nav = verdictLines(between(html, '<nav class="quotation-nav"', '</nav>'));
      expect(nav.map((l) => l.rating)).toEqual(expected.map((v) => v.rating));
      for (let i = 0; i < expected.length; i++) {
        const lane = between(html, `data-comparison="c${i}-"`, '</section>');
        expect(verdictLines(lane).map((l) => l.rating), `lane ${i}`).toEqual([expected[i]!.rating]);
        expect(lane).toContain(`<p class="lane-verdict">${ejsEscape(expected[i]!.summary)}</p>`);
      }
    }
  });

  it('the compare page shows it for the same pair pasted, with the same counts line', async () => {
    const agent = request.agent(app);
    const csrf = await csrfToken(agent);
    for (let i = 0; i < expected.length; i++) {
      const html = (await agent.post('/compare').type('form').send({ _csrf: csrf, quote: kase.quotations[i]!.text, source: kase.source.text }).expect(200)).text;
      const box = between(html, '<section class="summary', '</section>');
      expect(box).toContain(`data-rating="${expected[i]!.rating}"`);
      expect(box).toContain(`<strong class="rating-word">${ejsEscape(expected[i]!.word)}</strong>`);
      expect(box).toContain(`<p class="verdict">${ejsEscape(expected[i]!.summary)}</p>`);
      expect(box).toContain(`<p class="counts">${ejsEscape(counts[i]!)}</p>`);
    }
  });

  it('the exercise’s last step and the answer sheet show the verdict', async () => {
    const lastStep = expected.length > 1 ? 5 : 4;
    for (let i = 0; i < expected.length; i++) {
      const html = (await request(app).get(`/cases/${slug}/exercise?quotation=${i}&step=${lastStep}`).expect(200)).text;
      const section = between(html, '<section class="x-verdict"', '</section>');
      expect(verdictLines(section).map(shown)).toEqual([want(i)]);
      const first = (await request(app).get(`/cases/${slug}/exercise?quotation=${i}`).expect(200)).text;
      expect(first, 'no verdict before the last step').not.toContain('x-verdict');
    }
    const answers = (await request(app).get(`/cases/${slug}/answers`).expect(200)).text;
    const shownOnSheet = answers.split('<div class="x-verdict"').slice(1).map((part) => verdictLines(part)[0]!);
    expect(shownOnSheet.map(shown)).toEqual(expected.map((_v, i) => want(i)));
  });

  it('the CLI prints it, in text and in JSON (in process, through runCli)', async () => {
    const sourceFile = dir.file(`${slug}-source.txt`);
    writeFileSync(sourceFile, kase.source.text);
    for (const [i, quotation] of kase.quotations.entries()) {
      const quoteFile = dir.file(`${slug}-${i}.txt`);
      writeFileSync(quoteFile, quotation.text);
      const text = await cli(['compare', quoteFile, sourceFile, '--no-color']);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`\nVerdict: ${expected[i]!.label}. ${expected[i]!.summary}\n`);
      const json = JSON.parse((await cli(['compare', quoteFile, sourceFile, '--format', 'json'])).stdout);
      expect(shown(json.verdict)).toEqual(want(i));
    }
  });

  it('every export carries it', async () => {
    for (let i = 0; i < expected.length; i++) {
      const v = expected[i]!;
      const get = async (format: string) => (await request(app).get(`/cases/${slug}/export?format=${format}&quotation=${i}`).expect(200)).text;

      const html = await get('html');
      expect(html).toContain(`data-rating="${v.rating}"`);
      expect(html).toContain(`<span class="icon" aria-hidden="true">${escapeHtml(v.icon)}</span> ${escapeHtml(v.word)}</p>`);
      expect(html).toContain(`<p class="summary">${escapeHtml(v.summary)}</p>`);

      expect(await get('md')).toContain(`**Verdict: ${escapeMarkdown(v.label)}.** ${escapeMarkdown(v.summary)}\n`);

      expect(shown(JSON.parse(await get('json')).verdict)).toEqual(want(i));

      const rows = parseCsv(await get('csv'));
      const header = rows[0]!;
      const [ratingColumn, summaryColumn] = [header.indexOf('rating'), header.indexOf('summary')];
      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows.slice(1)) expect({ rating: row[ratingColumn], summary: row[summaryColumn]!.replace(/^'(?=[=+\-@\t\r])/, '') }).toEqual(want(i));

      const tei = await get('tei');
      const note = /<note type="verdict" subtype="([a-z-]+)"><label>([^<]*)<\/label> ([^<]*)<\/note>/.exec(tei);
      expect(note?.[2]).toBe(v.word);
      expect({ rating: note?.[1], summary: unescapeEntities(note?.[3] ?? '') }).toEqual(want(i));

      const annotations = JSON.parse(await get('jsonld')).first.items as Array<{ id: string; body: Array<{ value: string; purpose: string }> }>;
      const verdictNote = annotations.find((a) => a.id.endsWith(':verdict'))!;
      expect(verdictNote.body.map((b) => b.value)).toEqual([v.summary, v.word]);

      const review = JSON.parse(await get('claimreview')).reviewRating;
      expect(review).toEqual({ '@type': 'Rating', ratingValue: v.value, worstRating: 1, bestRating: 7, alternateName: v.word, ratingExplanation: v.summary });

      expect(await get('restored')).toContain(`\nVerdict: ${v.label}. ${v.summary}\n`);
    }
  });

  it('the whole-case exports (quotation=all) carry every quotation’s verdict, in order', async () => {
    const get = async (format: string) => (await request(app).get(`/cases/${slug}/export?format=${format}&quotation=all`).expect(200)).text;
    const json = JSON.parse(await get('json'));
    expect(json.comparisons.map((c: { verdict: Shown }) => shown(c.verdict))).toEqual(expected.map((_v, i) => want(i)));
    const review = JSON.parse(await get('claimreview'));
    const reviews = (review['@graph'] ?? [review]) as Array<{ reviewRating: { alternateName: string; ratingExplanation: string } }>;
    expect(reviews.map((r) => [r.reviewRating.alternateName, r.reviewRating.ratingExplanation])).toEqual(expected.map((v) => [v.word, v.summary]));
    const [html, md, tei, restored] = await Promise.all(['html', 'md', 'tei', 'restored'].map(get));
    const teiNotes = [...tei!.matchAll(/<note type="verdict" subtype="([a-z-]+)"><label>[^<]*<\/label> ([^<]*)<\/note>/g)];
    expect(teiNotes.map((m) => ({ rating: m[1], summary: unescapeEntities(m[2]!) }))).toEqual(expected.map((_v, i) => want(i)));
    for (const v of expected) {
      expect(html).toContain(`<p class="summary">${escapeHtml(v.summary)}</p>`);
      expect(md).toContain(`**Verdict: ${escapeMarkdown(v.label)}.** ${escapeMarkdown(v.summary)}\n`);
      expect(restored).toContain(`Verdict: ${v.label}. ${v.summary}\n`);
    }
  });

  it('the PDF export (the whole case, printed by Chromium) carries every quotation’s verdict', async () => {
    const res = await request(app)
      .get(`/cases/${slug}/export?format=pdf&quotation=all`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    // lines wrap anywhere (Chinese and Japanese without a space): compare without white space
    const squash = (text: string) => text.normalize('NFKC').replace(/[\s\u00ad]+/g, '');
    const text = squash((await extractPdf(new Uint8Array(res.body as Buffer), 'The PDF export')).text);
    for (const v of expected) {
      expect(text, v.summary).toContain(squash(`${v.icon}${v.word}`));
      expect(text, v.summary).toContain(squash(v.summary));
    }
  }, 90_000);

  it('prints one counts line wherever counts are shown: the page, the CLI, the exercise, the answer sheet, the exports', async () => {
    const sourceFile = dir.file(`${slug}-counts-source.txt`);
    writeFileSync(sourceFile, kase.source.text);
    for (let i = 0; i < expected.length; i++) {
      const line = counts[i]!;
      const page = (await request(app).get(`/cases/${slug}?quotation=${i}`).expect(200)).text;
      expect(page).toContain(`<p class="counts">${ejsEscape(line)}</p>`);
      const quoteFile = dir.file(`${slug}-counts-${i}.txt`);
      writeFileSync(quoteFile, kase.quotations[i]!.text);
      expect((await cli(['compare', quoteFile, sourceFile])).stdout).toContain(`\n${line}\n`);
      // the exercise's fourth step (before and after) holds everything revealed, with the counts
      const step4 = (await request(app).get(`/cases/${slug}/exercise?quotation=${i}&step=4`).expect(200)).text;
      if (expected[i]!.rating !== 'not-found') expect(step4).toContain(`<p class="x-counts">${ejsEscape(line)}</p>`);
      const get = async (format: string) => (await request(app).get(`/cases/${slug}/export?format=${format}&quotation=${i}`).expect(200)).text;
      expect(await get('html')).toContain(`<p class="counts">${escapeHtml(line)}</p>`);
      expect(await get('md')).toContain(`${escapeMarkdown(line)}\n`);
      expect(unescapeEntities(await get('tei'))).toContain(`<note type="counts">${line}</note>`);
    }
    const answers = (await request(app).get(`/cases/${slug}/answers`).expect(200)).text;
    expect([...answers.matchAll(/<p class="x-counts">([^<]*)<\/p>/g)].map((m) => unescapeEntities(m[1]!))).toEqual(counts);
  });
});

describe('a quotation in pieces on every surface', () => {
  const quote = PIECES_CASE.quotations[0]!.text;
  const comparison = compare(quote, PIECES_SOURCE);
  const words = ['The committee', 'and called it'];
  const get = async (format: string) => (await request(app).get(`/cases/${PIECES_SLUG}/export?format=${format}&quotation=0`).expect(200)).text;

  it('is read in pieces by the engine: the writer’s words around them, one cut shown between pieces', () => {
    expect(comparison.paraphrase!.map((p) => quote.slice(p.start, p.end))).toEqual(words);
    expect(comparison.verdict.rating).toBe('marked-omission');
    expect(comparison.stats).toMatchObject({ markedOmissions: 1, silentOmissions: 0, insertions: 0, paraphrasedOmissions: 1 });
    expect(compare(PIECES_CASE.quotations[1]!.text, PIECES_SOURCE).verdict.summary).toBe('Each of the 2 quoted pieces is word for word; the words around them are the writer’s own.');
  });

  it('the page shows the writer’s words as such, with a legend entry, never as an insertion', async () => {
    const html = (await request(app).get(`/cases/${PIECES_SLUG}?quotation=0`).expect(200)).text;
    const column = between(html, '<div class="text quote-text"', '</div>');
    for (const w of words) expect(column).toMatch(new RegExp(`<span class="r-paraphrase"[^>]*><span class="vh">\\[the writer’s own words, not quoted: </span>${w}<span class="vh">\\]</span></span>`));
    expect(column).not.toContain('r-ins-bare');
    expect(column).not.toContain('r-cut');
    expect(between(html, '<aside class="legend"', '</aside>')).toContain('the writer’s own words, not quoted');
    // the cut between the pieces is linked to the writer's words that stand in its place
    expect(html).toContain('title="Left out between quoted pieces; the writer’s own words stand there in the quotation"');
    // a quotation read whole has no such legend entry
    const whole = (await request(app).get('/cases/service-stalin-resignation').expect(200)).text;
    expect(whole).not.toContain('the writer’s own words, not quoted');
  });

  it('every export shows them, and the cut between pieces', async () => {
    const html = await get('html');
    for (const w of words) expect(html).toContain(`<span class="tag paraphrase">writer’s words</span>${w}</span>`);
    expect(html).toContain('[cut between quoted pieces]');
    const md = await get('md');
    for (const w of words) expect(md).toContain(`_${w}_ \\[the writer’s own words, not quoted\\]`);
    expect(md).toContain('\\[cut between quoted pieces:\\] ~~It is~~');
    const json = JSON.parse(await get('json'));
    expect(json.paraphrase).toEqual(comparison.paraphrase);
    expect(json.segments.filter((s: { paraphrased?: boolean }) => s.paraphrased)).toHaveLength(1);
    const tei = await get('tei');
    for (const w of words) expect(tei).toContain(`<seg type="paraphrase">${w}</seg>`);
    expect(tei).toContain('rend="paraphrase"');
    expect(tei).toContain('<seg type="omission" subtype="paraphrased">It is</seg>');
    const rows = parseCsv(await get('csv'));
    const kind = rows[0]!.indexOf('kind');
    const quoted = rows[0]!.indexOf('quoted text');
    expect(rows.filter((r) => r[kind] === 'paraphrase').map((r) => r[quoted])).toEqual(words);
    const annotations = JSON.parse(await get('jsonld')).first.items as Array<{ id: string; body: { value: string } }>;
    expect(annotations.filter((a) => a.id.includes(':paraphrase-')).map((a) => a.body.value)).toEqual(words.map(() => 'These are the writer’s own words, not quoted: they stand outside the quotation marks of the quoted pieces.'));
    const line = 'The writer’s own words, not quoted: “The committee”; “and called it”.';
    expect(await get('restored')).toContain(line);
    expect(JSON.parse(await get('claimreview')).reviewBody).toContain(line);
  });

  it('the CLI and the exercise show them', async () => {
    const quoteFile = dir.file('pieces.txt');
    const sourceFile = dir.file('pieces-source.txt');
    writeFileSync(quoteFile, quote);
    writeFileSync(sourceFile, PIECES_SOURCE);
    const text = (await cli(['compare', quoteFile, sourceFile, '--no-color'])).stdout;
    expect(text).toContain('⟨writer’s words: The committee⟩');
    expect(text).toContain('\nThe writer’s own words, not quoted: “The committee”; “and called it”.\n');
    expect(text).toContain('1 cut between quoted pieces');
    const step2 = (await request(app).get(`/cases/${PIECES_SLUG}/exercise?step=2`).expect(200)).text;
    const reading = between(step2, '<div class="x-reading"', '</div>');
    for (const w of words) expect(reading).toContain(`<span class="chip">writer’s words</span><span class="vh">: </span>${w}</span>`);
    expect(reading).toContain('[left out between quoted pieces: </span>It is');
    expect(step2).toContain('1 marked omission and 1 cut between quoted pieces filled in.');
    const answers = (await request(app).get(`/cases/${PIECES_SLUG}/answers`).expect(200)).text;
    expect(answers).toContain('<dt>The writer’s own words, not quoted (2)</dt>');
    expect(answers).toContain('<dt>Cuts between quoted pieces (1)</dt>');
  });
});

describe('the done-when ratings of the founding documents', () => {
  // the texts as the built-in folders give them (and as the store keeps them: see above)
  const builtIns = new Map(loadBuiltInCases(CASES_DIR).cases.map((c) => [c.slug, c.input]));
  const verdictOf = (slug: string, i: number) => {
    const kase = builtIns.get(slug)!;
    return compare(kase.quotations[i]!.text, kase.source.text).verdict;
  };

  it('the blog’s verbatim quotation of Service is meaning at risk, quoting the turn that follows', () => {
    const verdict = verdictOf('service-stalin-resignation', 0);
    expect(verdict.rating).toBe('meaning-at-risk');
    expect(verdict.summary).toContain('Of course he wanted to be persuaded');
  });

  it('the reader’s quotation is marked omission or meaning at risk', () => {
    expect(['marked-omission', 'meaning-at-risk']).toContain(verdictOf('service-stalin-resignation', 1).rating);
  });

  it('the 1927 speech reblogged word for word is verbatim', () => {
    expect(verdictOf('stalin-1927-speech-reblog', 0).rating).toBe('verbatim');
  });

  it('no green check on the founding case’s card: its verdict word is "Meaning at risk"', async () => {
    const card = caseCard((await request(app).get('/').expect(200)).text, 'service-stalin-resignation');
    expect(card).not.toContain('✓');
    expect(verdictLines(card)[0]?.word).toBe('Meaning at risk');
  });
});
