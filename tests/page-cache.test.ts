import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { pageCache, type PageCacheOptions } from '../src/web/page-cache.js';
import type { CaseInput } from '../src/cases/types.js';
import { createApp } from '../src/web/app.js';
import { memoryStore, wrapStore } from './helpers/temp-store.js';

const CASE: CaseInput = {
  title: 'A cached case',
  source: { text: 'It is said that Stalin offered to resign, but the congress would not hear of it.', citation: { author: 'Service' } },
  quotations: [{ text: 'Stalin offered to resign … the congress would not hear of it' }],
};

async function countingApp(options: { adminToken?: string } = {}) {
  const store = await memoryStore();
  await store.create(CASE, 'a-cached-case');
  let reads = 0;
  const counted = wrapStore(store, { get: (slug: string) => (reads++, store.get(slug)) });
  const app = createApp({ store: counted, pageCache: true, ...options });
  return { app, reads: () => reads, store };
}

describe('page cache', () => {
  it('builds a page once and serves the same HTML again', async () => {
    const { app, reads } = await countingApp();
    const first = await request(app).get('/cases/a-cached-case');
    const before = reads();
    const second = await request(app).get('/cases/a-cached-case');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(reads()).toBe(before);
    expect(second.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('keeps pages apart by their query', async () => {
    const { app } = await countingApp();
    const plain = await request(app).get('/cases/a-cached-case');
    const other = await request(app).get('/cases/a-cached-case?context=0');
    expect((await request(app).get('/cases/a-cached-case')).text).toBe(plain.text);
    expect((await request(app).get('/cases/a-cached-case?context=0')).text).toBe(other.text);
  });

  it('forgets everything when data may change', async () => {
    const { app, reads } = await countingApp();
    await request(app).get('/cases/a-cached-case');
    await request(app).put('/api/cases/a-cached-case').send({ ...CASE, title: 'A renamed case' });
    const before = reads();
    const after = await request(app).get('/cases/a-cached-case');
    expect(reads()).toBeGreaterThan(before);
    expect(after.text).toContain('A renamed case');
  });

  it('never shares a page that carries a form token', async () => {
    const { app } = await countingApp();
    const a = await request(app).get('/');
    const b = await request(app).get('/');
    const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(token(a.text)).toBeTruthy();
    expect(token(b.text)).not.toBe(token(a.text));
    expect(b.headers['set-cookie']).toBeDefined();
  });

  it('keeps what a logged-in editor sees apart from what the public sees', async () => {
    const { app } = await countingApp({ adminToken: 'secret' });
    const publicPage = await request(app).get('/cases/a-cached-case');
    const editorPage = await request(app).get('/cases/a-cached-case').set('Authorization', 'Bearer secret');
    expect(editorPage.status).toBe(200);
    expect((await request(app).get('/cases/a-cached-case')).text).toBe(publicPage.text);
  });

  it('does not keep errors or JSON', async () => {
    const { app, reads } = await countingApp();
    await request(app).get('/cases/no-such-case');
    const before = reads();
    await request(app).get('/cases/no-such-case');
    expect(reads()).toBeGreaterThan(before);
    await request(app).get('/api/cases/a-cached-case');
    const beforeJson = reads();
    await request(app).get('/api/cases/a-cached-case');
    expect(reads()).toBeGreaterThan(beforeJson);
  });

  it('is off unless asked for', async () => {
    const store = await memoryStore();
    await store.create(CASE, 'a-cached-case');
    let reads = 0;
    const app = createApp({ store: wrapStore(store, { get: (slug: string) => (reads++, store.get(slug)) }) });
    await request(app).get('/cases/a-cached-case');
    await request(app).get('/cases/a-cached-case');
    expect(reads).toBeGreaterThanOrEqual(2);
  });
});

describe('page cache limits (lru-cache: count, size and age)', () => {
  /** A bare app of numbered pages behind the cache, counting how often each is built. */
  function pagesApp(options: PageCacheOptions) {
    const app = express();
    const built: string[] = [];
    app.use(pageCache(options));
    app.get('/page/:n', (req, res) => {
      built.push(req.params.n);
      res.send(`<p>page ${req.params.n}</p>${'x'.repeat(Number(req.query.pad ?? 0))}`);
    });
    return { app, built };
  }

  it('serves a page only until it is maxAgeMs old', async () => {
    const { app, built } = pagesApp({ maxAgeMs: 300 });
    await request(app).get('/page/1');
    await request(app).get('/page/1');
    expect(built).toEqual(['1']);
    await sleep(400);
    expect((await request(app).get('/page/1')).text).toContain('page 1');
    expect(built).toEqual(['1', '1']);
  });

  it('keeps at most maxEntries pages, dropping the least recently used', async () => {
    const { app, built } = pagesApp({ maxEntries: 2 });
    for (const n of ['1', '2', '1', '3', '1', '2']) await request(app).get(`/page/${n}`);
    // 1 was used again before 3 came, so 2 went; 1 stayed
    expect(built).toEqual(['1', '2', '3', '2']);
  });

  it('keeps no page larger than maxBytes, and at most maxTotalBytes of pages in all', async () => {
    const { app, built } = pagesApp({ maxBytes: 1000, maxTotalBytes: 2500 });
    await request(app).get('/page/big?pad=2000');
    await request(app).get('/page/big?pad=2000');
    expect(built).toEqual(['big', 'big']);
    built.length = 0;
    for (const n of ['1', '2', '3', '1']) await request(app).get(`/page/${n}?pad=900`);
    // three pages of about 920 characters do not fit in 2,500: the oldest went
    expect(built).toEqual(['1', '2', '3', '1']);
  });
});
