/** POST /api/compare against the app built in memory, as CONTRACT.md fixes it. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { memoryStore } from './helpers/temp-store.js';

/** The real store, in memory: these tests are about the app around it. */
const sharedStore = await memoryStore();

const app = createApp({ store: sharedStore, csrf: false });
const source = 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.';

describe('POST /api/compare', () => {
  it('answers 200 with the comparison', async () => {
    const res = await request(app).post('/api/compare').send({ quote: 'It was the best of times … the age of foolishness', source });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, found: true, stats: { markedOmissions: 1 } });
    expect(res.body.segments.map((s: { kind: string }) => s.kind)).toEqual(['match', 'omission', 'match', 'context-after']);
  });

  it('answers 200 with found: false when the quotation is elsewhere', async () => {
    const res = await request(app).post('/api/compare').send({ quote: 'entirely different words', source });
    expect(res.status).toBe(200);
    expect(res.body.found).toBe(false);
  });

  it.each([
    ['an empty quotation', { quote: '   ', source }, 400, /quotation is empty/],
    ['an empty source', { quote: 'the age', source: '' }, 400, /source is empty/],
    ['a missing quote', { source }, 400, /no "quote"/],
    ['a number for a quote', { quote: 42, source }, 400, /must be text/],
    ['punctuation only', { quote: '... [...] !?', source }, 400, /no words/],
    ['a quotation longer than the source', { quote: `${source} and more`, source: 'It was' }, 400, /longer than the source/],
    ['a quotation over 100 KB', { quote: 'word '.repeat(21_000), source: 'word '.repeat(50_000) }, 413, /limit is 100 KB/],
    ['a source over 10 MB', { quote: 'word', source: 'w'.repeat(10 * 1024 * 1024 + 10) }, 413, /limit is 10 MB/],
  ])('refuses %s with a clear JSON error', async (_name, body, status, message) => {
    const res = await request(app).post('/api/compare').send(body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message as RegExp);
  });

  it('refuses a body that is not JSON, or too large, with a JSON error and no stack', async () => {
    const broken = await request(app).post('/api/compare').set('Content-Type', 'application/json').send('{"quote": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatch(/not valid JSON/);
    const form = await request(app).post('/api/compare').type('form').send({ quote: 'a', source: 'a b' });
    expect(form.status).toBe(400);
    expect(form.body.error).toMatch(/as JSON/);
    const huge = await request(app).post('/api/compare').set('Content-Type', 'application/json').send(JSON.stringify({ quote: 'a', source: 'x'.repeat(12 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/too large/);
    expect(JSON.stringify(huge.body)).not.toMatch(/at .*\.ts/);
  });

  it('answers a quotation in pieces with the writer’s words in paraphrase and the cut between pieces marked, never silent', async () => {
    const quote = '"The plan," the minister said on Tuesday, "is dead."';
    const source = 'The plan, as I have told the House, is dead. We start again.';
    const res = await request(app).post('/api/compare').send({ quote, source }).expect(200);
    expect(res.body.paraphrase.map((p: { start: number; end: number }) => quote.slice(p.start, p.end))).toEqual(['the minister said on Tuesday']);
    expect(res.body.segments.map((s: { kind: string }) => s.kind)).toEqual(['match', 'omission', 'match', 'context-after']);
    expect(res.body.segments[1]).toMatchObject({ marked: true, paraphrased: true, sourceText: 'as I have told the House, ' });
    expect(res.body.stats).toMatchObject({ markedOmissions: 0, silentOmissions: 0, insertions: 0, paraphrasedOmissions: 1 });
    expect(res.body.verdict).toEqual({ rating: 'verbatim', summary: 'Each of the 2 quoted pieces is word for word; the words around them are the writer’s own.', reasons: [] });
    // read whole, the same words are no paraphrase
    const whole = await request(app).post('/api/compare').send({ quote: 'He said "yes" to me', source: 'Then he said "yes" to me.' }).expect(200);
    expect(whole.body.paraphrase).toEqual([]);
  });

  it('answers GET /healthz', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
});
