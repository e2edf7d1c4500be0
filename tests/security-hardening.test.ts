/**
 * Issue #12 ("Hardening II"), the findings of the routes and the store, each tried as the
 * hostile stranger tried it and now seeing the safe answer. (Findings 3, 4 and 5, the
 * worker pool's, are tried in the compare-pool and case-guard tests.)
 */
import request from 'supertest';
import type { Express } from 'express';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { guardKind, type GuardKind } from '../src/web/guards.js';
import { memoryStore } from './helpers/temp-store.js';

const TOKEN = 'the-teachers-token';
const store = await memoryStore({ builtIns: true });

interface RouteInfo {
  method: string;
  path: string;
  /** the route's own middleware and handlers, in order */
  handlers: unknown[];
}

/** Every route the app answers, read from express's own router stack (routers included). */
function routesOf(app: Express): RouteInfo[] {
  const found: RouteInfo[] = [];
  const walk = (stack: unknown[]) => {
    for (const layer of stack as Array<{ route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> }; handle?: { stack?: unknown[] } }>) {
      if (layer.route) {
        const handlers = layer.route.stack.map((l) => l.handle);
        for (const method of Object.keys(layer.route.methods)) found.push({ method: method.toUpperCase(), path: layer.route.path, handlers });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack);
  return found;
}

/** A concrete path for a route pattern: every parameter filled with an existing case. */
const concrete = (pattern: string) => pattern.replace(/:slug/g, 'judge-not').replace(/:id/g, '1');

const upper = (path: string) => path.toUpperCase();
const mixed = (path: string) => path.replace(/[a-z]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c));
const slashed = (path: string) => `${path}/`;

describe('finding 1: the admin token cannot be walked around by letter case or a trailing slash', () => {
  const app = createApp({ store, adminToken: TOKEN, csrf: false });
  const writes = routesOf(app).filter(
    (r) => ['POST', 'PUT', 'DELETE', 'PATCH'].includes(r.method) && /^\/(api\/)?cases/.test(r.path) && !r.path.includes('/exercise'),
  );

  it('finds the case-changing routes in the router stack', () => {
    const names = writes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(expect.arrayContaining(['POST /api/cases', 'PUT /api/cases/:slug', 'DELETE /api/cases/:slug', 'POST /cases', 'POST /cases/:slug/delete']));
  });

  it('answers every write route, in upper case, mixed case and with a trailing slash, with no change', async () => {
    const before = (await store.list()).length;
    for (const route of writes) {
      const path = concrete(route.path);
      for (const variant of [path, upper(path), mixed(path), slashed(path)]) {
        const res = await request(app)[route.method.toLowerCase() as 'post'](variant)
          .set('Content-Type', 'application/json')
          .send({ title: 'Hijack', source: { text: 'a b c', citation: {} }, quotations: [{ text: 'a b' }] });
        expect(res.status, `${route.method} ${variant}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${route.method} ${variant}`).not.toBe(500);
      }
    }
    expect((await store.list()).length).toBe(before);
    expect(await store.get('judge-not')).toBeDefined();
  });

  it('keeps the editing pages behind the login in any spelling', async () => {
    for (const path of ['/Cases/new', '/cases/judge-not/EDIT', '/cases/judge-not/edit/']) {
      const res = await request(app).get(path);
      expect([303, 401, 404], path).toContain(res.status);
      expect(res.text).not.toContain('name="title"');
    }
  });
});

describe('findings 1 and 2: the guards are attached to the routes they protect', () => {
  const routes = routesOf(createApp({ store, adminToken: TOKEN, rateLimitPerMinute: 5 }));
  const name = (r: RouteInfo) => `${r.method} ${r.path}`;
  /** the guards a route carries before anything else of its own runs (an upload, the handler) */
  const guardsOf = (r: RouteInfo): GuardKind[] => {
    const leading = r.handlers.slice(0, r.handlers.findIndex((h) => guardKind(h) === undefined));
    return leading.map((h) => guardKind(h)!);
  };
  const WRITE = ['POST', 'PUT', 'PATCH', 'DELETE'];
  /** writes that store nothing, open to anyone (still counted by the rate limit) */
  const PUBLIC_WRITES = new Set([
    'POST /api/compare', 'POST /compare', 'POST /compare/export', 'POST /compare/import-source', 'POST /compare/quoting-page',
    'POST /compare/use-passage', 'POST /api/sources', 'POST /api/quoting-page', 'POST /find', 'POST /api/find',
  ]);
  /** logging in has its own throttle of failed attempts (tests/auth.test.ts); logging out changes nothing stored */
  const OWN_LIMITS = new Set(['POST /login', 'POST /logout']);
  /** the pages whose forms edit */
  const EDITING_PAGES = ['GET /cases/new', 'GET /cases/import', 'GET /cases/:slug/edit', 'GET /cases/:slug/delete'];

  it('finds the routes in the router stack', () => {
    const names = routes.map(name);
    expect(names).toEqual(expect.arrayContaining([...PUBLIC_WRITES, ...OWN_LIMITS, ...EDITING_PAGES, 'POST /api/cases', 'POST /library']));
  });

  it('puts the rate limit, then the admin token, on every write route that is not public (a new route without them fails here)', () => {
    const writes = routes.filter((r) => WRITE.includes(r.method) && !OWN_LIMITS.has(name(r)));
    expect(writes.length).toBeGreaterThan(15);
    for (const route of writes) {
      const expected: GuardKind[] = PUBLIC_WRITES.has(name(route)) ? ['rate-limit'] : ['rate-limit', 'admin'];
      expect(guardsOf(route), name(route)).toEqual(expected);
    }
  });

  it('limits every /api route, and guards every editing page with the token', () => {
    for (const route of routes.filter((r) => r.path.startsWith('/api/'))) expect(guardsOf(route), name(route)).toContain('rate-limit');
    for (const page of EDITING_PAGES) {
      const route = routes.find((r) => name(r) === page)!;
      expect(guardsOf(route), page).toEqual(['admin']);
    }
    // and nothing else that only reads asks for the token
    const readers = routes.filter((r) => !WRITE.includes(r.method) && !EDITING_PAGES.includes(name(r)));
    for (const route of readers) expect(guardsOf(route), name(route)).not.toContain('admin');
  });

  it('finds no guard left matching paths at the app level', () => {
    const appLevel = (createApp({ store }) as unknown as { router: { stack: Array<{ route?: unknown; handle: unknown }> } }).router.stack;
    expect(appLevel.filter((layer) => !layer.route && guardKind(layer.handle) !== undefined)).toEqual([]);
  });
});

describe('finding 2: the rate limit cannot be walked around either, and counts the search', () => {
  it('limits /API/compare, POST /Compare and the trailing-slash forms, or finds nothing there', async () => {
    const app = createApp({ store, rateLimitPerMinute: 3, csrf: false });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await request(app).post(i % 2 ? '/API/compare' : '/api/compare').send({ quote: 'a b', source: 'a b c' })).status);
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 200 || s === 429 || s === 404)).toHaveLength(7);
  });

  it('counts GET /cases?q= like the API', async () => {
    const app = createApp({ store, rateLimitPerMinute: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(app).get('/cases?q=stalin')).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect((await request(app).get('/cases')).status).toBe(200);
  });
});

describe('finding 7: text kept exactly or refused', () => {
  const app = createApp({ store, csrf: false });
  const body = (title: string) => `{"title": "${title}", "source": {"text": "one two three", "citation": {}}, "quotations": [{"text": "one two"}]}`;

  it('refuses a lone surrogate in JSON with 400 and stores nothing', async () => {
    const res = await request(app).post('/api/cases').set('Content-Type', 'application/json').send(body('broken \\ud800 title'));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/lone surrogate/);
    expect((await store.list()).some((c) => c.title.startsWith('broken'))).toBe(false);
  });

  it('refuses bytes that are not UTF-8 in a JSON body', async () => {
    const bytes = Buffer.concat([Buffer.from('{"title": "caf'), Buffer.from([0xe9]), Buffer.from(body('x').slice(12))]);
    // serialize: sent as these bytes, not as superagent's JSON of a Buffer
    const res = await request(app).post('/api/cases').set('Content-Type', 'application/json').serialize(() => bytes as unknown as string).send({});
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/not valid UTF-8/);
  });

  it('refuses a form whose escapes are not UTF-8, or encode a surrogate', async () => {
    for (const title of ['caf%E9', '%ED%A0%80']) {
      const res = await request(app).post('/cases').type('form').send(`title=${title}&source=one+two+three&quote=one+two`);
      expect(res.status, title).toBe(400);
      expect(res.text).toContain('not valid UTF-8');
    }
  });

  it('keeps well-formed text exactly, astral characters included', async () => {
    const res = await request(app).post('/api/cases').send({ title: 'Emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', source: { text: 'one two three', citation: {} }, quotations: [{ text: 'one two' }] });
    expect(res.status).toBe(201);
    expect((await store.get(res.body.slug))?.title).toBe('Emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢');
  });
});

describe('finding 8: a malformed percent-escape in a path', () => {
  it('answers 400, never 500', async () => {
    const app = createApp({ store, csrf: false });
    for (const [method, path] of [['post', '/cases/%E0%A4%A/quotations'], ['get', '/cases/%E0%A4%A'], ['get', '/api/cases/%E0%A4%A']] as const) {
      const res = await request(app)[method](path).type('form').send('quote=a');
      expect(res.status, path).toBe(400);
    }
  });
});

describe('finding 10: the export of every case', () => {
  it('streams a whole, valid file that imports back', async () => {
    const app = createApp({ store, csrf: false });
    const res = await request(app).get('/api/cases/export');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBeUndefined(); // written as it is read, not built whole
    const exported = JSON.parse(res.text);
    expect(exported.format).toBe('elision-cases');
    expect(exported.cases.map((c: { slug: string }) => c.slug)).toEqual((await store.list()).map((c) => c.slug));
  });
});
