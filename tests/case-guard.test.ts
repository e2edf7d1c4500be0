/**
 * The guard every write of a case passes (src/web/case-guard.ts): each case is compared in
 * the pool within the stored-case budgets before it is stored, on every write route, and
 * a write whose request has been answered or abandoned stores nothing (the store checks
 * the request's signal inside its transaction). The real store on ':memory:' and real
 * workers; the slow pairs are far past the tiny budgets given here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { WriteAbortedError } from '../src/errors.js';
import { createApp } from '../src/web/app.js';
import { ComparePool } from '../src/web/compare-pool.js';
import { memoryStore } from './helpers/temp-store.js';
import { slowPair } from './helpers/slow-pair.js';

// budgets far below what the slow pairs need; a legitimate case is saved through a pool
// with the default budgets, since 150 ms is no promise for any pair on a loaded machine
const pool = new ComparePool({ workers: 1, caseBudgets: { eachMs: 150, totalMs: 150 } });
const roomy = new ComparePool({ workers: 1 });
afterAll(() => Promise.all([pool.close(), roomy.close()]));

const good = { title: 'Fine', source: { text: 'It is said that Stalin offered to resign.', citation: {} }, quotations: [{ text: 'Stalin offered to resign' }] };
// A case whose comparison needs more than the tight budget these tests give the guard.
const slowCase = (tag: string) => {
  const { quote, source } = slowPair(tag);
  return { title: 'Slow', source: { text: source, citation: {} }, quotations: [{ text: quote }] };
};

describe('case comparisons are tried before a case is stored', async () => {
  const store = await memoryStore();
  const app = createApp({ store, pool });

  it('stores a case whose quotations compare in time', async () => {
    const res = await request(createApp({ store, pool: roomy })).post('/api/cases').send(good);
    expect(res.status).toBe(201);
  }, 30_000);

  it('refuses, with 400 and what to shorten, a case that would hold a worker on every first view', async () => {
    const res = await request(app).post('/api/cases').send(slowCase('post'));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^A quotation in "Slow" cannot be compared with its source within 150 ms, so the case was not saved/);
    expect((await store.list()).map((c) => c.title)).toEqual(['Fine']);
  }, 30_000);

  it('has a budget for all the quotations of a case together, not only for each', async () => {
    const together = new ComparePool({ workers: 1, caseBudgets: { eachMs: 60_000, totalMs: 150 } });
    try {
      const { source } = slowPair('together');
      const phrases = ['the dog ate the bone', 'the bird sang in the tree', 'The cat sat on the mat'];
      const res = await request(createApp({ store, pool: together }))
        .post('/api/cases')
        .send({ title: 'Many', source: { text: source, citation: {} }, quotations: phrases.map((text) => ({ text })) });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/^The 3 quotations of "Many" cannot be compared with their source within 150 ms together, so the case was not saved/);
    } finally {
      await together.close();
    }
  }, 30_000);

  it('checks updates and imports the same way', async () => {
    const created = await store.create(good, 'to-update');
    expect((await request(app).put(`/api/cases/${created.slug}`).send(slowCase('put'))).status).toBe(400);
    expect((await request(app).post('/api/cases/import').send({ cases: [good, slowCase('import')] })).status).toBe(400);
    expect((await store.get(created.slug))?.source.text).toBe(good.source.text);
    expect((await store.list()).map((c) => c.title).sort()).toEqual(['Fine', 'Fine']);
  }, 60_000);

  it('leaves malformed bodies to the schema, which names what is wrong', async () => {
    const res = await request(app).post('/api/cases').send({ title: 'No source' });
    expect(res.status).toBe(400);
    expect(res.body.error).not.toContain('cannot be compared');
  });

  it('checks the case forms and the import form too', async () => {
    const formApp = createApp({ store, pool, csrf: false });
    const slow = slowPair('form');
    const res = await request(formApp).post('/cases').type('form').send({ title: 'Slow form', source: slow.source, quote: slow.quote });
    expect(res.status).toBe(400);
    expect(res.text).toContain('cannot be compared with its source within 150 ms');
    const imported = await request(formApp).post('/cases/import').type('form').send({ json: JSON.stringify(slowCase('import-form')) });
    expect(imported.status).toBe(400);
    expect(imported.text).toContain('cannot be compared with its source within 150 ms');
    const ok = await request(createApp({ store, pool: roomy, csrf: false })).post('/cases').type('form').send({ title: 'Quick form', source: good.source.text, quote: 'Stalin offered' });
    expect(ok.status).toBe(303);
  }, 30_000);
});

describe('a request answered 503 writes nothing afterwards', async () => {
  it('the store refuses a write whose signal has fired, inside its transaction, and changes nothing', async () => {
    const store = await memoryStore();
    const controller = new AbortController();
    controller.abort();
    await expect(store.create(good, 'never', { signal: controller.signal })).rejects.toBeInstanceOf(WriteAbortedError);
    await expect(store.createMany([{ input: good, slug: 'never-either' }], { signal: controller.signal })).rejects.toBeInstanceOf(WriteAbortedError);
    const kept = await store.create(good, 'kept');
    await expect(store.update('kept', { ...good, title: 'Changed' }, { signal: controller.signal })).rejects.toBeInstanceOf(WriteAbortedError);
    await expect(store.delete('kept', { signal: controller.signal })).rejects.toBeInstanceOf(WriteAbortedError);
    expect((await store.list()).map((c) => c.slug)).toEqual(['kept']);
    expect((await store.get('kept'))?.title).toBe(kept.title);
  });

  it('a case whose check outlives the request budget is never stored, and its comparison is stopped', async () => {
    const store = await memoryStore();
    const roomy = new ComparePool({ workers: 1, caseBudgets: { eachMs: 60_000, totalMs: 60_000 } });
    try {
      await roomy.warmUp();
      const app = createApp({ store, pool: roomy, requestTimeoutMs: 100 });
      const { source } = slowPair('late');
      const res = await request(app)
        .post('/api/cases')
        .send({ title: 'Late', slug: 'late', source: { text: source, citation: {} }, quotations: [{ text: 'the dog ate the bone' }, { text: 'the bird sang' }] });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      // the worker was stopped with its request: nothing runs on, so nothing can be stored later
      await sleep(50);
      expect(roomy.running + roomy.queued).toBe(0);
      expect(await store.get('late')).toBeUndefined();
    } finally {
      await roomy.close();
    }
  }, 60_000);
});
