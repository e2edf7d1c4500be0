/**
 * For tests that post forms to an app with CSRF protection on: fetch a page with a
 * supertest agent (which keeps the CSRF cookie it is given), read the token from the
 * page's hidden `_csrf` field, and return it for the form body.
 *
 *   const agent = request.agent(app);
 *   const csrf = await csrfToken(agent);            // or csrfToken(agent, '/cases/new')
 *   await agent.post('/cases').type('form').send({ _csrf: csrf, title: '…' });
 *
 * Any page that includes views/partials/csrf.ejs works: the home page (the default)
 * has the compare form; /login has one when ELISION_ADMIN_TOKEN (adminToken) is set.
 */
import type request from 'supertest';

type TestAgent = ReturnType<typeof request.agent>;

const HIDDEN_FIELD = /<input[^>]*name="_csrf"[^>]*value="([^"]+)"/;

export async function csrfToken(agent: TestAgent, pagePath = '/'): Promise<string> {
  const page = await agent.get(pagePath);
  const match = HIDDEN_FIELD.exec(page.text);
  if (!match) {
    throw new Error(`no _csrf field on ${pagePath} (status ${page.status}); pick a page that has a form`);
  }
  return match[1] as string;
}

/** The cookie header a plain (non-agent) request needs to go with the token. */
export function cookieHeader(response: { headers: Record<string, unknown> }): string {
  const setCookie = response.headers['set-cookie'];
  const cookies = Array.isArray(setCookie) ? (setCookie as string[]) : typeof setCookie === 'string' ? [setCookie] : [];
  return cookies.map((cookie) => cookie.split(';')[0]).join('; ');
}
