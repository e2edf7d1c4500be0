import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { ADMIN_COOKIE, adminSessionValue, isAdminToken, safeReturnPath } from '../src/web/auth.js';
import { cookieHeader, csrfToken } from './helpers/csrf.js';
import { memoryStore } from './helpers/temp-store.js';

/** The real store, in memory: these tests are about the app around it. */
const sharedStore = await memoryStore();

const TOKEN = 'correct horse battery staple';

function app(adminToken: string | undefined = TOKEN) {
  return createApp({ store: sharedStore, adminToken });
}

function openApp() {
  return createApp({ store: sharedStore });
}

async function loggedInAgent(target = app()) {
  const agent = request.agent(target);
  const csrf = await csrfToken(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrf, token: TOKEN, next: '/cases/new' });
  expect(res.status).toBe(303);
  return { agent, res };
}

describe('which requests need the token (the routes that carry requireAdmin)', () => {
  // no CSRF check here: the question is the token alone
  const target = createApp({ store: sharedStore, adminToken: TOKEN, csrf: false });
  it.each([
    ['POST', '/api/cases', true],
    ['PUT', '/api/cases/a-case', true],
    ['DELETE', '/api/cases/a-case', true],
    ['POST', '/api/cases/import', true],
    ['POST', '/cases', true],
    ['POST', '/cases/a-case/edit', true],
    ['POST', '/cases/a-case/quotations', true],
    ['POST', '/cases/a-case/delete', true],
    ['POST', '/cases/import', true],
    ['POST', '/library', true],
    ['GET', '/cases/new', true],
    ['GET', '/cases/import', true],
    ['GET', '/cases/a-case/edit', true],
    ['HEAD', '/cases/a-case/edit', true],
    ['GET', '/cases/a-case/delete', true],
    ['GET', '/cases', false],
    ['GET', '/cases/a-case', false],
    ['GET', '/cases/a-case/export', false],
    ['GET', '/cases/a-case/exercise', false],
    ['GET', '/api/cases', false],
    ['GET', '/api/cases/a-case', false],
    ['POST', '/compare', false],
    ['POST', '/api/compare', false],
  ])('%s %s → %s', async (method, path, expected) => {
    const res = await request(target)[method.toLowerCase() as 'get'](path).set('Accept', 'application/json');
    expect(res.status === 401, `${method} ${path}: ${res.status}`).toBe(expected);
  });
});

describe('editing protection with ELISION_ADMIN_TOKEN', () => {
  it('refuses API edits without the token with 401 JSON and WWW-Authenticate', async () => {
    for (const res of [
      await request(app()).post('/api/cases').send({ title: 'x' }),
      await request(app()).put('/api/cases/x').send({ title: 'x' }),
      await request(app()).delete('/api/cases/x'),
      await request(app()).post('/api/cases').set('Authorization', 'Bearer wrong').send({ title: 'x' }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(res.body.error).toContain('admin token');
    }
  });

  it('lets a bearer token through to the route', async () => {
    const res = await request(app()).delete('/api/cases/x').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).not.toBe(401);
  });

  it('sends pages that edit to the login form, and refuses posted forms', async () => {
    const page = await request(app()).get('/cases/a-case/edit');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fcases%2Fa-case%2Fedit');
    const agent = request.agent(app());
    const csrf = await csrfToken(agent, '/login');
    const form = await agent.post('/cases').type('form').send({ _csrf: csrf, title: 'x' });
    expect(form.status).toBe(401);
    expect(form.text).toContain('needs the admin token');
  });

  it('keeps reading, comparing and exports public', async () => {
    const target = app();
    for (const path of ['/cases', '/cases/a-case', '/cases/a-case/export?format=json', '/api/cases', '/healthz']) {
      const res = await request(target).get(path);
      expect(res.status, path).not.toBe(401);
      expect(res.status, path).not.toBe(303);
    }
    expect((await request(target).post('/api/compare').send({ quote: 'a', source: 'a b' })).status).not.toBe(401);
  });

  it('logs in with the right token: an http-only, same-site cookie holding no token, then a return to the page', async () => {
    const { agent, res } = await loggedInAgent();
    expect(res.headers.location).toBe('/cases/new');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${ADMIN_COOKIE}=`)) as string;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).not.toContain(encodeURIComponent(TOKEN));
    expect(cookie).toContain(adminSessionValue(TOKEN));
    expect((await agent.get('/cases/new')).status).not.toBe(303);
    expect((await agent.delete('/api/cases/x')).status).not.toBe(401);
    expect((await agent.get('/login')).text).toContain('You are logged in');
  });

  it('marks the cookie Secure behind https', async () => {
    const target = createApp({ store: sharedStore, adminToken: TOKEN, trustProxy: 1 });
    const page = await request(target).get('/login').set('X-Forwarded-Proto', 'https');
    expect(cookieHeader(page)).toContain('elision_csrf=');
    expect(String(page.headers['set-cookie'])).toMatch(/; Secure/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const res = await request(target)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', cookieHeader(page))
      .type('form')
      .send({ _csrf: csrf, token: TOKEN });
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${ADMIN_COOKIE}=`));
    expect(cookie).toMatch(/; Secure/);
  });

  it('refuses a wrong token with 401 and says so, escaping nothing it was sent', async () => {
    const agent = request.agent(app());
    const csrf = await csrfToken(agent, '/login');
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, token: 'wrong', next: '"><script>alert(1)</script>' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('That is not the admin token.');
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.headers['set-cookie'] ?? []).not.toContainEqual(expect.stringContaining(ADMIN_COOKIE));
  });

  it('slows down guessing: the eleventh failed login in a row gets 429', async () => {
    const agent = request.agent(app());
    const csrf = await csrfToken(agent, '/login');
    let last = 0;
    for (let i = 0; i < 11; i++) {
      last = (await agent.post('/login').type('form').send({ _csrf: csrf, token: `guess ${i}` })).status;
    }
    expect(last).toBe(429);
  });

  it('never locks the right token out: after a student\'s ten wrong guesses from the same address, the teacher still logs in', async () => {
    const target = app();
    const student = request.agent(target);
    const studentCsrf = await csrfToken(student, '/login');
    for (let i = 0; i < 12; i++) {
      await student.post('/login').type('form').send({ _csrf: studentCsrf, token: `guess ${i}` });
    }
    const guess = await student.post('/login').type('form').send({ _csrf: studentCsrf, token: 'one more guess' });
    expect(guess.status).toBe(429);
    expect(guess.text).toContain('Too many failed logins from this address.');
    // the teacher, behind the same address (supertest: 127.0.0.1), with the right token
    const teacher = request.agent(target);
    const teacherCsrf = await csrfToken(teacher, '/login');
    const res = await teacher.post('/login').type('form').send({ _csrf: teacherCsrf, token: TOKEN, next: '/cases/new' });
    expect(res.status).toBe(303);
    expect(res.headers['set-cookie']).toContainEqual(expect.stringContaining(ADMIN_COOKIE));
  });

  it('a cookie made for another token does not work', async () => {
    const res = await request(app()).delete('/api/cases/x').set('Cookie', `${ADMIN_COOKIE}=${adminSessionValue('old token')}`);
    expect(res.status).toBe(401);
  });

  it('logs out', async () => {
    const { agent } = await loggedInAgent();
    const csrf = await csrfToken(agent, '/login');
    await agent.post('/logout').type('form').send({ _csrf: csrf });
    expect((await agent.delete('/api/cases/x')).status).toBe(401);
  });
});

describe('without ELISION_ADMIN_TOKEN', () => {
  it('leaves editing open and says so on the login page', async () => {
    const target = openApp();
    expect((await request(target).delete('/api/cases/x')).status).not.toBe(401);
    expect((await request(target).get('/cases/new')).status).not.toBe(303);
    expect((await request(target).get('/login')).text).toContain('Editing is open on this server');
  });
});

describe('helpers', () => {
  it('compares tokens exactly', () => {
    expect(isAdminToken(TOKEN, TOKEN)).toBe(true);
    expect(isAdminToken(`${TOKEN} `, TOKEN)).toBe(false);
    expect(isAdminToken('', TOKEN)).toBe(false);
  });

  it('returns only to local paths after login', () => {
    expect(safeReturnPath('/cases/new')).toBe('/cases/new');
    expect(safeReturnPath('/cases?q=a')).toBe('/cases?q=a');
    for (const bad of ['https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)', '/a\nb', undefined, ['/x']]) {
      expect(safeReturnPath(bad)).toBe('/');
    }
  });
});
