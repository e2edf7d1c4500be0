import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { DEFAULT_RATE_LIMIT_PER_MINUTE, parseRateLimit } from '../src/web/rate-limit.js';
import { memoryStore } from './helpers/temp-store.js';

/** The real store, in memory: these tests are about the app around it. */
const sharedStore = await memoryStore();

function app(rateLimitPerMinute: number) {
  return createApp({ store: sharedStore, rateLimitPerMinute, csrf: false });
}

describe('ELISION_RATE_LIMIT', () => {
  it('defaults to 120, takes whole numbers and 0, and refuses anything else', () => {
    expect(parseRateLimit(undefined)).toBe(DEFAULT_RATE_LIMIT_PER_MINUTE);
    expect(DEFAULT_RATE_LIMIT_PER_MINUTE).toBe(120);
    expect(parseRateLimit('')).toBe(120);
    expect(parseRateLimit('5')).toBe(5);
    expect(parseRateLimit('0')).toBe(0);
    for (const bad of ['-1', '1.5', 'many', '10/min']) {
      expect(() => parseRateLimit(bad)).toThrow(/ELISION_RATE_LIMIT must be a whole number/);
    }
  });
});

describe('rate limit on the API and the compare form', () => {
  it('answers 429 with Retry-After and a JSON message past the limit on /api/*', async () => {
    const limited = app(3);
    for (let i = 0; i < 3; i++) {
      const ok = await request(limited).get('/api/cases/no-such-thing');
      expect(ok.status).toBe(404);
    }
    const res = await request(limited).get('/api/cases/no-such-thing');
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body.error).toMatch(/^Too many requests: the limit is 3 a minute\. Please wait \d+ seconds? and try again\.$/);
  });

  it('counts POST /compare and answers the form with an HTML page', async () => {
    const limited = app(1);
    await request(limited).post('/compare').type('form').send({ quote: 'a', source: 'a b' });
    const res = await request(limited).post('/compare').type('form').set('Accept', 'text/html').send({ quote: 'a', source: 'a b' });
    expect(res.status).toBe(429);
    expect(res.type).toBe('text/html');
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.text).toContain('Too many requests: the limit is 1 a minute.');
    expect(res.text).toContain('<link rel="stylesheet" href="/static/elision.css">');
  });

  it('counts the case forms (new case, edit, add a quotation, delete) like the API', async () => {
    for (const path of ['/cases', '/cases/import', '/cases/x/edit', '/cases/x/quotations', '/cases/x/delete']) {
      const limited = app(1);
      await request(limited).post(path).type('form').send({ title: '' });
      const res = await request(limited).post(path).type('form').set('Accept', 'text/html').send({ title: '' });
      expect(res.status, path).toBe(429);
    }
  });

  it('counts exports of a pasted pair and PDF exports, which start a browser, but not other exports', async () => {
    const limited = app(1);
    await request(limited).post('/compare/export').type('form').send({ quote: 'a', source: 'a b', format: 'md' });
    expect((await request(limited).post('/compare/export').type('form').send({})).status).toBe(429);
    const pdf = app(1);
    await request(pdf).get('/cases/x/export?format=pdf');
    expect((await request(pdf).get('/cases/x/export?format=pdf')).status).toBe(429);
    expect((await request(pdf).get('/cases/x/export?format=json')).status).not.toBe(429);
  });

  it('never counts pages, static files or the health check', async () => {
    const limited = app(1);
    for (let i = 0; i < 5; i++) {
      expect((await request(limited).get('/healthz')).status).toBe(200);
      expect((await request(limited).get('/login')).status).toBe(200);
    }
    expect((await request(limited).get('/api/cases/x')).status).toBe(404);
    expect((await request(limited).get('/api/cases/x')).status).toBe(429);
  });

  it('counts each client apart', async () => {
    const limited = createApp({ store: sharedStore, rateLimitPerMinute: 1, trustProxy: 1 });
    expect((await request(limited).get('/api/cases/x').set('X-Forwarded-For', '203.0.113.1')).status).toBe(404);
    expect((await request(limited).get('/api/cases/x').set('X-Forwarded-For', '203.0.113.1')).status).toBe(429);
    expect((await request(limited).get('/api/cases/x').set('X-Forwarded-For', '203.0.113.2')).status).toBe(404);
  });

  it('lets everything through when the limit is 0', async () => {
    const open = app(0);
    for (let i = 0; i < 30; i++) expect((await request(open).get('/api/cases/x')).status).toBe(404);
  });
});
