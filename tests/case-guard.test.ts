import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { ComparePool } from '../src/web/compare-pool.js';
import { memoryStore } from './helpers/temp-store.js';
import { slowPair } from './helpers/slow-pair.js';

/** The real store, in memory: these tests are about the app around it. */
const sharedStore = await memoryStore();

const pool = new ComparePool(10_000, 1);
// A worker's first comparison loads and warms the engine: not what the tight budgets below measure.
const warmUp = () => pool.compare('Stalin offered to resign', 'It is said that Stalin offered to resign.');
beforeAll(warmUp, 30_000);
afterAll(() => pool.close());

const SOURCE = 'the cat sat on the mat and the dog ate the bone; '.repeat(4000);
const good = { title: 'Fine', source: { text: 'It is said that Stalin offered to resign.', citation: {} }, quotations: [{ text: 'Stalin offered to resign' }] };
// A case whose comparison needs more than the tight budget these tests give the guard.
const slowCase = (tag: string) => {
  const { quote, source } = slowPair(tag);
  return { title: 'Slow', source: { text: source, citation: {} }, quotations: [{ text: quote }] };
};

describe('case comparisons are tried before a case is stored', () => {
  const store = sharedStore;
  const app = createApp({ store, pool: pool, caseCompareBudgetMs: 150 });

  it('stores a case whose quotations compare in time', async () => {
    const res = await request(app).post('/api/cases').send(good);
    expect(res.status).toBe(201);
  }, 30_000);

  it('refuses, with 400 and what to shorten, a case that would stall every page showing it', async () => {
    const res = await request(app).post('/api/cases').send(slowCase('post'));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^A quotation in "Slow" cannot be compared with its source within 150 ms, so the case was not saved/);
    expect((await store.list()).map((c) => c.title)).toEqual(['Fine']);
  }, 30_000);

  it('checks updates and imports the same way', async () => {
    const created = await request(app).post('/api/cases').send(good);
    expect((await request(app).put(`/api/cases/${created.body.slug}`).send(slowCase('put'))).status).toBe(400);
    expect((await request(app).post('/api/cases/import').send({ cases: [good, slowCase('import')] })).status).toBe(400);
  }, 60_000);

  it('leaves malformed bodies to the route, which names what is wrong', async () => {
    const res = await request(app).post('/api/cases').send({ title: 'No source' });
    expect(res.status).toBe(400);
    expect(res.body.error).not.toContain('cannot be compared');
  });

  it('checks the case forms too', async () => {
    const formApp = createApp({ store, pool: pool, csrf: false, caseCompareBudgetMs: 150 });
    const slow = slowPair('form');
    const res = await request(formApp).post('/cases').type('form').send({ title: 'Slow form', source: slow.source, quote: slow.quote });
    expect(res.status).toBe(400);
    expect(res.text).toContain('cannot be compared with its source within 150 ms');
    await warmUp(); // the slow pair cost the pool its worker: a fresh one starts cold
    const ok = await request(formApp).post('/cases').type('form').send({ title: 'Quick form', source: good.source.text, quote: 'Stalin offered' });
    expect(ok.status).toBe(303);
  }, 30_000);
});
