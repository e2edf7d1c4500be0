/**
 * HTTP tests of teaching mode: the exercise's steps (the first page holds no source text
 * at all, each later step only what it reveals), the teacher's sheet, the worksheet and
 * the answer sheet, bad input, escaping, and the strict-CSP rules (no inline script or
 * style). The app runs in memory over a real SQLite store in a temp folder, with the
 * built-in cases imported and a few cases made for these tests.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import type { CaseStore } from '../src/cases/types.js';
import { memoryStore } from './helpers/temp-store.js';
import { createApp } from '../src/web/app.js';
import { buildReading, cueRevealStep, stepsFor } from '../src/web/routes/exercise.js';
import { compare } from '../src/core/compare.js';

let store: CaseStore;
let app: Express;

// A source whose every part is recognisable: context, a marked cut, a silent cut.
const SECRET_SOURCE =
  'Zephyr opening words stand here. The committee said the bridge was unsafe, quixotically old and really must close at once. Yonder closing words follow it.';
const SECRET_QUOTE = 'the bridge was … quixotically old and close at once';

beforeAll(async () => {
  store = await memoryStore({ builtIns: true });
  await store.create(
    {
      title: 'The bridge',
      source: { text: SECRET_SOURCE, citation: { author: 'A. Engineer', work: 'Report on the bridge', year: '1999', note: 'Zanzibar note' } },
      quotations: [{ text: SECRET_QUOTE, quotedBy: { author: 'A newspaper', date: '2000' } }],
      notes: 'Notes mention Xylophone.',
      questions: ['Question about Walrus?'],
      teacherNotes: 'Teacher says Quokka.',
      tags: ['test'],
    },
    'bridge',
  );
  await store.create(
    {
      title: 'Hostile <b>title</b>',
      source: { text: 'He wrote <script>alert(1)</script> and "quoted" things & more. Then he left.', citation: { author: '<i>Evil</i>' } },
      quotations: [{ text: 'He wrote <script>alert(1)</script> and', quotedBy: { author: '<img src=x onerror=alert(2)>' } }],
    },
    'hostile',
  );
  app = createApp({ store });
});

afterAll(async () => {
  await store.close();
});

/** The page's text as a reader would search it: tags dropped, entities decoded, white space folded. */
function visibleAndAttributes(html: string): string {
  return html
    .replace(/&#39;/g, "'")
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Every run of `n` consecutive source words that none of the quotations contains. */
function sourceOnlyShingles(source: string, quotations: string[], n = 4): string[] {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{M}\p{N}’']+/gu) ?? [];
  const quoted = new Set<string>();
  for (const q of quotations) {
    const w = words(q);
    for (let i = 0; i + n <= w.length; i++) quoted.add(w.slice(i, i + n).join(' '));
  }
  const s = words(source);
  const shingles = new Set<string>();
  for (let i = 0; i + n <= s.length; i++) {
    const shingle = s.slice(i, i + n).join(' ');
    if (!quoted.has(shingle)) shingles.add(shingle);
  }
  return [...shingles];
}

function pageWords(html: string): string {
  const text = visibleAndAttributes(html).toLowerCase();
  return (text.match(/[\p{L}\p{M}\p{N}’']+/gu) ?? []).join(' ');
}

describe('the first page of the exercise', () => {
  it('holds no source text at all, for every quotation of every built-in case', async () => {
    const summaries = (await store.list()).filter((s) => s.builtIn);
    expect(summaries.length).toBeGreaterThan(0);
    for (const summary of summaries) {
      const kase = (await store.get(summary.slug))!;
      const quotationTexts = kase.quotations.map((q) => q.text);
      const shingles = sourceOnlyShingles(kase.source.text, quotationTexts);
      for (let i = 0; i < kase.quotations.length; i++) {
        const res = await request(app).get(`/cases/${summary.slug}/exercise${i > 0 ? `?quotation=${i}` : ''}`);
        expect(res.status).toBe(200);
        const words = ` ${pageWords(res.text)} `;
        const leaked = shingles.filter((shingle) => words.includes(` ${shingle} `));
        expect(leaked, `${summary.slug} quotation ${i}`).toEqual([]);
      }
    }
  });

  it('shows the quotation, who printed it, whom it is attributed to, and the prompts with answer boxes', async () => {
    const res = await request(app).get('/cases/bridge/exercise');
    expect(res.status).toBe(200);
    expect(res.text).toContain(SECRET_QUOTE);
    expect(res.text).toContain('A newspaper, 2000');
    expect(res.text).toContain('A. Engineer, Report on the bridge (1999)');
    expect(res.text).toContain('What is the quoter&#39;s claim?');
    expect(res.text).toContain('What might stand in the gaps?');
    expect(res.text).toContain('What would you need to check');
    expect(res.text.match(/<textarea /g)?.length).toBe(3);
  });

  it('holds none of the source, its context, its citation note, the notes or the teacher notes', async () => {
    const res = await request(app).get('/cases/bridge/exercise');
    for (const secret of ['Zephyr', 'committee', 'unsafe', 'really must', 'Yonder', 'Zanzibar', 'Xylophone', 'Walrus', 'Quokka']) {
      expect(res.text).not.toContain(secret);
    }
  });

  it('never sends the answers: the boxes have no name and stand in no form', async () => {
    const res = await request(app).get('/cases/bridge/exercise');
    expect(res.text).not.toMatch(/<textarea[^>]*\bname=/);
    expect(res.text).not.toMatch(/<form/);
    expect(res.text).toContain('data-storage-prefix="elision:exercise:bridge:0:"');
  });
});

describe('the later steps', () => {
  it('step 2 fills in the marked omission only', async () => {
    const res = await request(app).get('/cases/bridge/exercise?step=2');
    expect(res.status).toBe(200);
    expect(res.text).toContain('unsafe,');
    expect(res.text).toContain('x-cut-marked');
    for (const secret of ['really must', 'Zephyr', 'committee', 'Yonder']) expect(res.text).not.toContain(secret);
  });

  it('step 3 adds the silent omission, still without the context', async () => {
    const res = await request(app).get('/cases/bridge/exercise?step=3');
    expect(res.text).toContain('really must');
    expect(res.text).toContain('x-cut-silent');
    for (const secret of ['Zephyr', 'committee', 'Yonder']) expect(res.text).not.toContain(secret);
  });

  it('step 4 adds the context before and after, and the cues about it', async () => {
    const res = await request(app).get('/cases/bridge/exercise?step=4');
    expect(res.text).toContain('Zephyr opening words');
    expect(res.text).toContain('Yonder closing words');
    expect(res.text).toContain('x-cue-speaker-change');
    expect(res.text).toContain('Worth a look');
    expect(res.text).not.toContain('Quokka');
    // the last step of a one-quotation case has no next step
    expect(res.text).not.toContain('data-next=');
  });

  it('links the steps in order, without JavaScript', async () => {
    const first = await request(app).get('/cases/bridge/exercise');
    expect(first.text).toContain('href="/cases/bridge/exercise?step=2"');
    expect(first.text).toContain('data-next="/cases/bridge/exercise?step=2"');
    const third = await request(app).get('/cases/bridge/exercise?step=3');
    expect(third.text).toContain('data-previous="/cases/bridge/exercise?step=2"');
    expect(third.text).toContain('data-next="/cases/bridge/exercise?step=4"');
  });

  it('ends with the debate view when the case has several quotations', async () => {
    const res = await request(app).get('/cases/service-stalin-resignation/exercise?step=5');
    expect(res.status).toBe(200);
    expect(res.text).toContain('class="debate"');
    expect(res.text).toContain('He was an extremely sensitive bully.');
    const single = await request(app).get('/cases/bridge/exercise?step=5');
    expect(single.status).toBe(400);
  });

  it('keeps projector mode across the step links', async () => {
    const res = await request(app).get('/cases/bridge/exercise?step=2&projector=1');
    expect(res.text).toContain('<main id="main" tabindex="-1" class="exercise projector">');
    expect(res.text).toContain('data-next="/cases/bridge/exercise?step=3&amp;projector=1"');
    expect(res.text).toContain('href="/cases/bridge/exercise?step=2"'); // the toggle back
  });

  it('picks a quotation of several with ?quotation=N', async () => {
    const res = await request(app).get('/cases/service-stalin-resignation/exercise?quotation=1');
    expect(res.text).toContain('Yet the strain of constant polemics took took its toll on him.');
    expect(res.text).toContain('data-storage-prefix="elision:exercise:service-stalin-resignation:1:"');
  });
});

describe('bad input', () => {
  it.each([
    ['step=0', /step/],
    ['step=abc', /step/],
    ['step=2.5', /step/],
    ['quotation=9', /quotation/],
    ['quotation=-1', /quotation/],
  ])('answers 400 with a clear message for ?%s', async (query, pattern) => {
    const res = await request(app).get(`/cases/bridge/exercise?${query}`).set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(pattern);
    expect(res.body.error).toMatch(/whole number/);
  });

  it.each(['exercise', 'teacher', 'worksheet', 'answers'])('answers 404 for an unknown case (%s)', async (page) => {
    const res = await request(app).get(`/cases/no-such-case/${page}`);
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});

describe('the sheets', () => {
  it("the teacher's sheet has the notes, questions, teacher's notes and every comparison", async () => {
    const res = await request(app).get('/cases/service-stalin-resignation/teacher');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Questions for discussion');
    expect(res.text).toContain("<h2 id=\"teacher-notes-heading\">Teacher's notes</h2>");
    expect(res.text).toContain('What students should find.');
    expect(res.text).toContain('q0-comparison');
    expect(res.text).toContain('q1-comparison');
    expect(res.text).toContain('data-print');
  });

  it('the worksheet has the quotation, the prompts and room to write, and no source', async () => {
    const res = await request(app).get('/cases/bridge/worksheet');
    expect(res.status).toBe(200);
    expect(res.text).toContain(SECRET_QUOTE);
    expect(res.text).toContain('What might stand in the gaps?');
    expect(res.text).toContain('x-lines');
    for (const secret of ['Zephyr', 'committee', 'unsafe', 'really must', 'Quokka', 'Walrus']) expect(res.text).not.toContain(secret);
  });

  it('the answer sheet lists every finding and the cues, without the teacher notes', async () => {
    const res = await request(app).get('/cases/bridge/answers');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Marked omissions (1)');
    expect(res.text).toContain('Silent omissions (1)');
    expect(res.text).toContain('really must');
    expect(res.text).toContain('Zephyr opening words');
    expect(res.text).toContain('Worth a look');
    expect(res.text).not.toContain('Quokka');
  });
});

describe('safety of every teaching page', () => {
  const pages = [
    '/cases/hostile/exercise',
    '/cases/hostile/exercise?step=4',
    '/cases/hostile/teacher',
    '/cases/hostile/worksheet',
    '/cases/hostile/answers',
    '/cases/service-stalin-resignation/exercise?step=5',
  ];

  it.each(pages.filter((p) => p.includes('hostile')))('%s escapes what users typed', async (page) => {
    const res = await request(app).get(page);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).not.toContain('<b>title</b>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it.each(pages)('%s has no inline script or style', async (page) => {
    const res = await request(app).get(page);
    expect(res.text).not.toMatch(/\sstyle=/);
    expect(res.text).not.toMatch(/<style/);
    expect(res.text).not.toMatch(/<[^>]*\son[a-z]+=/);
    for (const script of res.text.match(/<script[^>]*>/g) ?? []) expect(script).toMatch(/src="\/static\//);
    expect(res.headers['content-security-policy']).toBeDefined();
  });
});

describe('what each step reveals (the view model)', () => {
  const comparison = compare(SECRET_QUOTE, SECRET_SOURCE);
  const text = (step: number) => buildReading(comparison, SECRET_QUOTE, SECRET_SOURCE, step).map((p) => p.text).join('');

  it('reveals marked cuts at 2, silent cuts at 3, context at 4', async () => {
    expect(text(2)).toContain('unsafe');
    expect(text(2)).not.toContain('really');
    expect(text(3)).toContain('really must');
    expect(text(3)).not.toContain('Zephyr');
    expect(text(4)).toContain('Zephyr opening words stand here.');
    expect(text(4)).toContain('Yonder closing words follow it.');
  });

  it('shows each cue from the step that reveals what it is about', async () => {
    for (const cue of comparison.cues) {
      const step = cueRevealStep(cue, comparison.segments);
      const segment = cue.segment !== undefined ? comparison.segments[cue.segment] : undefined;
      if (segment?.kind === 'omission') expect(step).toBe(segment.marked ? 2 : 3);
      else expect(step).toBe(4);
    }
  });

  it('has four steps, and a fifth for a case with several quotations', async () => {
    expect(stepsFor(1).map((s) => s.id)).toEqual(['quotation', 'marked', 'silent', 'context']);
    expect(stepsFor(2).map((s) => s.id)).toEqual(['quotation', 'marked', 'silent', 'context', 'debate']);
  });
});
