import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import {
  CSRF_COOKIE,
  contentSecurityDirectives,
  escapeHtml,
  readCookies,
  securityHeaders,
  setExportContentSecurityPolicy,
  simplePage,
} from '../src/web/security.js';
import { cookieHeader, csrfToken } from './helpers/csrf.js';
import { memoryStore } from './helpers/temp-store.js';

/** The real store, in memory: these tests are about the app around it. */
const sharedStore = await memoryStore();

// With an admin token the login page always carries a form, so it can hand out tokens.
function app(options: { csrf?: boolean; csrfSecret?: string } = {}) {
  return createApp({ store: sharedStore, adminToken: 'letmein', ...options });
}

describe('security headers', () => {
  it('serves a strict Content-Security-Policy with nothing inline', async () => {
    const res = await request(app()).get('/healthz');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toBeDefined();
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).toContain("style-src-attr 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('sends the other helmet headers and hides the framework', async () => {
    const res = await request(app()).get('/login');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('sends the headers on errors too', async () => {
    const res = await request(app()).get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('lets an HTML export replace the page policy with one that allows its own CSS and no script', async () => {
    const exportApp = express();
    exportApp.use(securityHeaders());
    exportApp.get('/export', (_req, res) => {
      setExportContentSecurityPolicy(res);
      res.type('html').send('<style>p{}</style><p>x</p>');
    });
    const res = await request(exportApp).get('/export');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).not.toContain('script-src');
  });

  it('keeps every source list in the page policy free of inline allowances', () => {
    for (const [name, list] of Object.entries(contentSecurityDirectives)) {
      for (const value of list ?? []) expect(value, name).not.toMatch(/unsafe|\*|https?:/);
    }
  });
});

describe('CSRF protection', () => {
  it('gives each browser an http-only, same-site cookie and a token in its forms', async () => {
    const res = await request(app()).get('/login');
    expect(res.status).toBe(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${CSRF_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(res.text).toMatch(/<input type="hidden" name="_csrf" value="[A-Za-z0-9_-]{20,}">/);
  });

  it('sets no cookie on answers that carry no form', async () => {
    const target = app();
    expect((await request(target).get('/healthz')).headers['set-cookie']).toBeUndefined();
    expect((await request(target).get('/api/cases')).headers['set-cookie']).toBeUndefined();
  });

  it('keeps a browser id it already gave, rather than issuing a new one each page', async () => {
    const agent = request.agent(app());
    const first = await csrfToken(agent, '/login');
    const again = await agent.get('/login');
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.text).toContain(first);
  });

  it('refuses a form posted without a token with 403 and a clear message', async () => {
    const res = await request(app()).post('/login').type('form').send({ token: 'x' });
    expect(res.status).toBe(403);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('security token is missing or has expired');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers in JSON when the client asks for JSON', async () => {
    const res = await request(app()).post('/login').type('form').set('Accept', 'application/json').send({ token: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.error).toContain('security token');
  });

  it('accepts a form with the token of its own browser', async () => {
    const agent = request.agent(app());
    const token = await csrfToken(agent, '/login');
    const res = await agent.post('/login').type('form').send({ _csrf: token, token: 'letmein', next: '/cases' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/cases');
  });

  it('accepts the token in the x-csrf-token header', async () => {
    const agent = request.agent(app());
    const token = await csrfToken(agent, '/login');
    const res = await agent.post('/logout').set('x-csrf-token', token).type('form').send({});
    expect(res.status).toBe(303);
  });

  it("refuses another browser's token, a forged token and a token without its cookie", async () => {
    const shared = app();
    const victim = request.agent(shared);
    const victimToken = await csrfToken(victim, '/login');
    const attacker = request.agent(shared);
    await csrfToken(attacker, '/login');
    expect((await attacker.post('/logout').type('form').send({ _csrf: victimToken })).status).toBe(403);
    expect((await victim.post('/logout').type('form').send({ _csrf: victimToken.slice(0, -2) + 'xx' })).status).toBe(403);
    expect((await request(shared).post('/logout').type('form').send({ _csrf: victimToken })).status).toBe(403);
  });

  it('takes the token of a file upload from the form action, since the upload is parsed later', async () => {
    const agent = request.agent(app());
    const token = await csrfToken(agent, '/login');
    const upload = (query: string) =>
      agent.post(`/logout${query}`).attach('file', Buffer.from('{}'), 'case.json');
    expect((await upload(`?_csrf=${encodeURIComponent(token)}`)).status).toBe(303);
    expect((await upload('')).status).toBe(403);
    expect((await upload('?_csrf=forged')).status).toBe(403);
  });

  it('does not take the token from the query string of an ordinary form', async () => {
    const agent = request.agent(app());
    const token = await csrfToken(agent, '/login');
    const res = await agent.post(`/logout?_csrf=${encodeURIComponent(token)}`).type('form').send({});
    expect(res.status).toBe(403);
  });

  it('refuses a token made by another server secret', async () => {
    const first = await request(app({ csrfSecret: 'one' })).get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(first.text)?.[1] as string;
    const res = await request(app({ csrfSecret: 'two' }))
      .post('/logout')
      .set('Cookie', cookieHeader(first))
      .type('form')
      .send({ _csrf: token });
    expect(res.status).toBe(403);
    const same = await request(app({ csrfSecret: 'one' }))
      .post('/logout')
      .set('Cookie', cookieHeader(first))
      .type('form')
      .send({ _csrf: token });
    expect(same.status).toBe(303);
  });

  it('does not ask JSON API requests for a token', async () => {
    const res = await request(app()).post('/api/compare').send({ quote: '', source: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).not.toContain('security token');
  });

  it('refuses a form-encoded post to the API, which a foreign page could send', async () => {
    const res = await request(app()).post('/api/cases').type('form').send({ title: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('application/json');
  });

  it('checks nothing when the app is built with csrf: false', async () => {
    const res = await request(app({ csrf: false })).post('/logout').type('form').send({});
    expect(res.status).toBe(303);
  });
});

describe('helpers', () => {
  it('reads cookies, skipping malformed ones', () => {
    const req = { headers: { cookie: 'a=1; b="two"; broken; c=%E0%A4%A; d=caf%C3%A9' } } as unknown as express.Request;
    expect(readCookies(req)).toEqual({ a: '1', b: 'two', d: 'café' });
  });

  it('escapes every character that could open markup or an attribute', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
    expect(simplePage('<b>', '<script>')).not.toMatch(/<script>|<b>/);
  });
});
