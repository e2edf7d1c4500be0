import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { ComparePool } from '../src/web/compare-pool.js';
import { memoryStore } from './helpers/memory-store.js';

const pool = new ComparePool(10_000, 1);
afterAll(() => pool.close());

const SOURCE = 'the cat sat on the mat and the dog ate the bone; '.repeat(4000);
const good = { title: 'Fine', source: { text: 'It is said that Stalin offered to resign.', citation: {} }, quotations: [{ text: 'Stalin offered to resign' }] };
const pathological = { title: 'Slow', source: { text: SOURCE, citation: {} }, quotations: [{ text: 'the '.repeat(25_000) }] };

describe('case comparisons are tried before a case is stored', () => {
  const store = memoryStore();
  const app = createApp({ store, comparePool: pool });

  it('stores a case whose quotations compare in time', async () => {
    const res = await request(app).post('/api/cases').send(good);
    expect(res.status).toBe(201);
  }, 30_000);

  it('refuses, with 400 and what to shorten, a case that would stall every page showing it', async () => {
    const res = await request(app).post('/api/cases').send(pathological);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^A quotation in "Slow" cannot be compared with its source within 3 seconds, so the case was not saved/);
    expect(store.list().map((c) => c.title)).toEqual(['Fine']);
  }, 30_000);

  it('checks updates and imports the same way', async () => {
    const created = await request(app).post('/api/cases').send(good);
    expect((await request(app).put(`/api/cases/${created.body.slug}`).send(pathological)).status).toBe(400);
    expect((await request(app).post('/api/cases/import').send({ cases: [good, pathological] })).status).toBe(400);
  }, 60_000);

  it('leaves malformed bodies to the route, which names what is wrong', async () => {
    const res = await request(app).post('/api/cases').send({ title: 'No source' });
    expect(res.status).toBe(400);
    expect(res.body.error).not.toContain('cannot be compared');
  });

  it('checks the case forms too', async () => {
    const formApp = createApp({ store, comparePool: pool, csrf: false });
    const res = await request(formApp).post('/cases').type('form').send({ title: 'Slow form', source: SOURCE, quote: 'the '.repeat(25_000) });
    expect(res.status).toBe(400);
    expect(res.text).toContain('cannot be compared with its source within 3 seconds');
    const ok = await request(formApp).post('/cases').type('form').send({ title: 'Quick form', source: good.source.text, quote: 'Stalin offered' });
    expect(ok.status).toBe(303);
  }, 30_000);
});
