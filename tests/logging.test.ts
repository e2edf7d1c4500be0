import { Writable } from 'node:stream';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { createLogger, pathOnly } from '../src/web/logging.js';
import { memoryStore, wrapStore } from './helpers/temp-store.js';

/** The real store, in memory: these tests are about the app around it. */
const sharedStore = await memoryStore();

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  let raw = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw += String(chunk);
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines, raw: () => raw };
}

const SECRET_QUOTE = 'Zyxwv secret quotation words';
const SECRET_SOURCE = 'Qwerty secret source words, much longer';

describe('request logs', () => {
  it('logs method, path, status and time as JSON, with a request id echoed to the client', async () => {
    const { logger, lines } = capture();
    const res = await request(createApp({ store: sharedStore, logger })).get('/healthz');
    const line = lines.find((l) => (l.req as { path?: string })?.path === '/healthz') as Record<string, any>;
    expect(line).toBeDefined();
    expect(line.level).toBe(30);
    expect(line.req.method).toBe('GET');
    expect(line.res.statusCode).toBe(200);
    expect(typeof line.responseTime).toBe('number');
    expect(line.msg).toBe('GET /healthz 200');
    expect(res.headers['x-request-id']).toBe(line.req.id);
  });

  it('never writes a body, a query string, a cookie, a token or the client address', async () => {
    const { logger, raw } = capture();
    const app = createApp({ store: sharedStore, logger, csrf: false, adminToken: 'the-admin-token' });
    await request(app).post('/api/compare').send({ quote: SECRET_QUOTE, source: SECRET_SOURCE });
    await request(app).post('/compare').type('form').send({ quote: SECRET_QUOTE, source: SECRET_SOURCE });
    await request(app).get(`/cases?q=${encodeURIComponent(SECRET_QUOTE)}`).set('Cookie', 'elision_admin=cookie-secret');
    await request(app).delete('/api/cases/x').set('Authorization', 'Bearer the-admin-token');
    const log = raw();
    expect(log).toContain('"path":"/cases"');
    for (const secret of ['Zyxwv', 'Qwerty', 'cookie-secret', 'the-admin-token', 'remoteAddress', '127.0.0.1', 'headers']) {
      expect(log).not.toContain(secret);
    }
  });

  it('logs a bad request as a warning and keeps a client-chosen request id only when it is tidy', async () => {
    const { logger, lines } = capture();
    const app = createApp({ store: sharedStore, logger });
    await request(app).get('/nowhere').set('X-Request-Id', 'abc-123');
    await request(app).get('/nowhere').set('X-Request-Id', 'bad id\twith <stuff>');
    const [tidy, untidy] = lines.filter((l) => (l.req as { path?: string })?.path === '/nowhere') as Array<Record<string, any>>;
    expect(tidy?.level).toBe(40);
    expect(tidy?.req.id).toBe('abc-123');
    expect(untidy?.req.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs our own failures as errors with their stack, while the client sees no stack', async () => {
    const { logger, lines } = capture();
    const broken = wrapStore(sharedStore, { list: async () => { throw new Error('the disk is on fire'); } });
    const res = await request(createApp({ store: broken, logger, production: true })).get('/api/cases');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('the disk is on fire');
    const line = lines.find((l) => (l.req as { path?: string })?.path === '/api/cases') as Record<string, any>;
    expect(line.level).toBe(50);
    expect(line.err.message).toBe('the disk is on fire');
    expect(line.err.stack).toContain('logging.test.ts');
  });

  it('cuts the query string from a path', () => {
    expect(pathOnly('/cases?q=secret')).toBe('/cases');
    expect(pathOnly('/cases')).toBe('/cases');
    expect(pathOnly(undefined)).toBe('');
  });
});
