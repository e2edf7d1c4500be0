import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { UserError } from '../src/errors.js';
import { ComparePool } from '../src/web/compare-pool.js';
import request from 'supertest';
import { createApp } from '../src/web/app.js';
import { memoryStore } from './helpers/temp-store.js';
import { slowPair } from './helpers/slow-pair.js';

/** The real store, in memory: these tests are about the app around it. */
const sharedStore = await memoryStore();

const pool = new ComparePool(1500, 1);
afterAll(() => pool.close());

const SOURCE = 'It is said that Stalin offered to resign, but the congress would not hear of it. '.repeat(50);
// A budget far below what a large, legitimate comparison needs.
const tight = new ComparePool(150, 1);
afterAll(() => tight.close());

describe('ComparePool', () => {
  it('gives the same comparison as the engine on the main thread', async () => {
    const quote = 'Stalin offered to resign … would not hear of it';
    expect(await pool.compare(quote, SOURCE)).toEqual(compare(quote, SOURCE));
    expect(await pool.compare(quote, SOURCE, { contextWords: 5 })).toEqual(compare(quote, SOURCE, { contextWords: 5 }));
  }, 30_000);

  it('stops a comparison at its budget with a 503, while the main thread stays free', async () => {
    await tight.compare('warm up', SOURCE); // the worker is started and has loaded the engine
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const started = Date.now();
    const slow = slowPair('budget');
    const error = await tight.compare(slow.quote, slow.source).then(
      () => undefined,
      (e: unknown) => e,
    );
    clearInterval(ticker);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).status).toBe(503);
    expect((error as UserError).message).toMatch(/^This comparison would take longer than 150 ms and was stopped\./);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    // the event loop kept turning while the worker ran
    expect(ticks).toBeGreaterThan(0);
  }, 30_000);

  it('goes on serving after a worker was stopped, and runs queued jobs in order', async () => {
    const quotes = ['Stalin offered', 'the congress', 'would not hear of it'];
    const results = await Promise.all(quotes.map((quote) => pool.compare(quote, SOURCE)));
    results.forEach((result, i) => expect(result).toEqual(compare(quotes[i]!, SOURCE)));
  }, 30_000);

  it('refuses work once closed', async () => {
    const closing = new ComparePool(1000, 1);
    await closing.close();
    await expect(closing.compare('a', 'a b')).rejects.toThrow(/closed/);
  });

  it('through the app: a pasted pair over the budget gets a clear 503 while the health check answers at once', async () => {
    const app = createApp({ store: sharedStore, pool: tight, csrf: false });
    await request(app).post('/api/compare').send({ quote: 'warm', source: SOURCE });
    const slow = request(app).post('/api/compare').send(slowPair('api')).then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const health = await request(app).get('/healthz');
    expect(health.status).toBe(200);
    // answered while the worker is busy (a blocked main thread would wait for it)
    expect(Date.now() - started).toBeLessThan(2000);
    const res = await slow;
    expect(res.status, res.text).toBe(503);
    expect(res.body.error).toMatch(/would take longer than 150 ms/);
    const form = await request(app).post('/compare').type('form').send(slowPair('form'));
    expect(form.status).toBe(503);
    expect(form.text).toContain('would take longer than 150 ms');
  }, 30_000);
});
