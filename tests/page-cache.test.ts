import request from 'supertest';
import { describe, expect, it } from 'vitest';
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
