/**
 * Two Elision processes (src/server.ts) on one PostgreSQL database, as behind a load
 * balancer: a save on A is read on B at once (the page cache included); a CSRF token and
 * a login cookie from A are accepted by B; the rate limit is counted once for both; A
 * killed with SIGKILL in the middle of a 500-case import leaves B serving and the
 * database holding the import whole or not at all. Then the database going away: 503
 * with Retry-After, and recovery without a restart; and the one-line refusals at start.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { freshPostgresDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';
import { freePort } from './helpers/postgres-cluster.js';

const ADMIN_TOKEN = 'cluster-admin-token-0123456789';
const RATE_LIMIT = 25;
const bearer = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

function smallCase(title: string, n = 0) {
  return {
    title,
    source: { text: `First sentence of ${title} ${n}. The second sentence says more. The third ends it.`, citation: { author: `Author ${n}` } },
    quotations: [{ text: `First sentence of ${title} ${n}. … The third ends it.`, quotedBy: { author: 'Quoter' } }],
    tags: ['cluster'],
  };
}

describe.runIf(postgresUrl)('two servers on one PostgreSQL', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  const servers: ServerProcess[] = [];
  let env: Record<string, string>;

  async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    env = {
      ELISION_DATABASE_URL: db.url,
      ELISION_SECRET: randomBytes(32).toString('hex'),
      ELISION_ADMIN_TOKEN: ADMIN_TOKEN,
      ELISION_RATE_LIMIT: String(RATE_LIMIT),
      // the rate-limit test names its own client address; the others each get their own too
      ELISION_TRUST_PROXY: '1',
    };
    // started together: the migrations and the built-in import run under their locks
    [a, b] = await Promise.all([startServer(env, 60_000), startServer(env, 60_000)]);
    servers.push(a, b);
  }, 120_000);

  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    await db?.drop();
  });

  let clientNumber = 0;
  /** A client address of its own, so no test spends another's rate limit. */
  const asClient = () => ({ 'X-Forwarded-For': `198.51.100.${++clientNumber}` });

  it('imported the built-in cases once, though both servers started at the same moment', async () => {
    const rows = await sql<{ slug: string; n: number }>('SELECT slug, count(*)::int AS n FROM cases GROUP BY slug HAVING count(*) > 1');
    expect(rows).toEqual([]);
    const list = (await (await fetch(`${b.url}/api/cases`)).json()) as Array<{ slug: string }>;
    expect(list.map((c) => c.slug)).toContain('service-stalin-resignation');
  });

  it('shows on B, at once, a case saved on A, and B\'s cached page within a second of an edit on A', async () => {
    const who = asClient();
    const created = await fetch(`${a.url}/api/cases`, { method: 'POST', headers: { ...bearer, ...who }, body: JSON.stringify(smallCase('Saved on A')) });
    expect(created.status).toBe(201);
    const { slug } = (await created.json()) as { slug: string };
    const onB = await fetch(`${b.url}/api/cases/${slug}`);
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as { title: string }).title).toBe('Saved on A');

    // B renders the page and keeps it in its page cache
    const pageB = () => fetch(`${b.url}/cases/${slug}`).then((res) => res.text());
    expect(await pageB()).toContain('Saved on A');
    expect(await pageB()).toContain('Saved on A');
    const edited = await fetch(`${a.url}/api/cases/${slug}`, { method: 'PUT', headers: { ...bearer, ...who }, body: JSON.stringify(smallCase('Edited on A')) });
    expect(edited.status).toBe(200);
    const savedAt = Date.now();
    let page = await pageB();
    while (!page.includes('Edited on A') && Date.now() - savedAt < 1_000) page = await pageB();
    expect(page).toContain('Edited on A');
    expect(page).not.toContain('Saved on A');
  });

  it('accepts on B a CSRF token and a login cookie issued by A', async () => {
    const home = await fetch(`${a.url}/`);
    const cookie = (home.headers.getSetCookie()[0] ?? '').split(';')[0]!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await home.text())?.[1];
    expect(cookie).toMatch(/^elision_csrf=/);
    expect(token).toBeTruthy();
    const form = (csrf: string) =>
      fetch(`${b.url}/compare`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, ...asClient() },
        body: new URLSearchParams({ _csrf: csrf, quote: 'the second sentence', source: 'The first. The second sentence says more.' }).toString(),
      });
    expect((await form(token!)).status).toBe(200);
    expect((await form(`${token!.slice(0, -2)}xx`)).status).toBe(403);

    // log in on A, edit through B's form with A's cookie
    const loginPage = await fetch(`${a.url}/login`);
    const loginCookie = (loginPage.headers.getSetCookie()[0] ?? '').split(';')[0]!;
    const loginToken = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? '';
    const login = await fetch(`${a.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: loginCookie, ...asClient() },
      body: new URLSearchParams({ _csrf: loginToken, token: ADMIN_TOKEN, next: '/cases/new' }).toString(),
    });
    expect(login.status).toBe(303);
    const adminCookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c!.startsWith('elision_admin='));
    expect(adminCookie).toBeTruthy();
    const newCaseOnB = await fetch(`${b.url}/cases/new`, { redirect: 'manual', headers: { Cookie: `${loginCookie}; ${adminCookie}` } });
    expect(newCaseOnB.status).toBe(200);
    const withoutLogin = await fetch(`${b.url}/cases/new`, { redirect: 'manual' });
    expect(withoutLogin.status).toBe(303);
  });

  it('counts the rate limit once for both servers', async () => {
    const who = asClient();
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 10; i++) {
      const server = i % 2 === 0 ? a : b;
      const res = await fetch(`${server.url}/api/compare`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...who }, body: JSON.stringify({ quote: 'the second', source: 'The first. The second.' }) });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(RATE_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });

  it('throttles failed logins once for both servers: the count and the one-a-second turns are shared', { timeout: 60_000 }, async () => {
    const who = asClient();
    const page = await fetch(`${a.url}/login`);
    const cookie = (page.headers.getSetCookie()[0] ?? '').split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const login = async (server: ServerProcess, token: string) => {
      const started = performance.now();
      const res = await fetch(`${server.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, ...who },
        body: new URLSearchParams({ _csrf: csrf, token, next: '/' }).toString(),
      });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    };
    // ten failures, five on each server: each server alone has seen only five
    for (let i = 0; i < 10; i++) expect((await login(i % 2 === 0 ? a : b, `guess ${i}`)).status).toBe(401);
    // the eleventh, on either server, is past the address's limit
    expect((await login(b, 'guess 10')).status).toBe(429);
    // four more at once, two on each server: checked one a second in all, not one a second per server
    const answers = await Promise.all([login(a, 'x1'), login(b, 'x2'), login(a, 'x3'), login(b, 'x4')]);
    expect(answers.map((x) => x.status)).toEqual([429, 429, 429, 429]);
    const times = answers.map((x) => x.ms).sort((p, q) => p - q);
    // their turns are 1, 2, 3 and 4 seconds away (per server they would be 1, 1, 2, 2)
    expect(times[3]!).toBeGreaterThan(3500);
    expect(times[2]!).toBeGreaterThan(2500);
    // and the right token still gets in, on either server, after its turn
    const teacher = await login(a, ADMIN_TOKEN);
    expect(teacher.status).toBe(303);
  });

  it('keeps B serving when A is killed (SIGKILL) in the middle of a 500-case import, which is then whole or absent', { timeout: 120_000 }, async () => {
    const title = `Import ${randomBytes(4).toString('hex')}`;
    const cases = Array.from({ length: 500 }, (_, n) => smallCase(title, n));
    const importing = fetch(`${a.url}/api/cases/import`, { method: 'POST', headers: { ...bearer, ...asClient() }, body: JSON.stringify(cases) }).catch(() => undefined);
    const writing = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND backend_xid IS NOT NULL`;
    const deadline = Date.now() + 60_000;
    while ((await sql(writing, [`elision-${a.child.pid}`])).length === 0) {
      if (Date.now() > deadline) throw new Error('the import never started writing');
    }
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    await importing;

    const health = await fetch(`${b.url}/healthz`);
    expect(health.status).toBe(200);
    const list = await fetch(`${b.url}/api/cases`);
    expect(list.status).toBe(200);
    // PostgreSQL rolls A's transaction back once it sees the connection gone
    for (let i = 0; i < 200 && (await sql(writing, [`elision-${a.child.pid}`])).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    const [{ n }] = (await sql<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE title = $1', [title])) as [{ n: number }];
    expect([0, 500]).toContain(n);
    const orphans = await sql('SELECT 1 FROM quotations q LEFT JOIN cases c ON c.id = q.case_id WHERE c.id IS NULL');
    expect(orphans).toEqual([]);
    const created = await fetch(`${b.url}/api/cases`, { method: 'POST', headers: { ...bearer, ...asClient() }, body: JSON.stringify(smallCase('After the kill')) });
    expect(created.status).toBe(201);
  });

  it('answers 503 with Retry-After while the database is gone, and recovers by itself', { timeout: 120_000 }, async () => {
    const proxy = await startTcpProxy(Number(new URL(db.url).port));
    const through = new URL(db.url);
    through.port = String(proxy.port);
    const c = await startServer({ ...env, ELISION_DATABASE_URL: through.toString() }, 60_000);
    servers.push(c);
    try {
      expect((await fetch(`${c.url}/api/cases/service-stalin-resignation`)).status).toBe(200);
      await proxy.cut();
      const read = await fetch(`${c.url}/api/cases/service-stalin-resignation`);
      expect(read.status).toBe(503);
      expect(read.headers.get('retry-after')).toBe('5');
      expect(((await read.json()) as { error: string }).error).toMatch(/database is not reachable/);
      const write = await fetch(`${c.url}/api/cases`, { method: 'POST', headers: { ...bearer, ...asClient() }, body: JSON.stringify(smallCase('During the outage')) });
      expect(write.status).toBe(503);
      expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
      await proxy.restore();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await fetch(`${c.url}/api/cases/service-stalin-resignation`)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
      expect(await sql('SELECT 1 FROM cases WHERE title = $1', ['During the outage'])).toEqual([]);
    } finally {
      c.child.kill('SIGTERM');
      await c.exited;
      await proxy.close();
    }
  });

  // four starts of a child process, each refused: slow on a loaded two-core machine
  it('refuses to start, in one line, without ELISION_SECRET or with a database it cannot use', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const future = await freshPostgresDatabase();
    const client = new pg.Client({ connectionString: future.url });
    await client.connect();
    await client.query('CREATE TABLE elision_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    await client.query("INSERT INTO elision_schema_version (version, description) VALUES (999, 'from a newer Elision')");
    await client.end();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ELISION_DATABASE_URL: future.url }, /^elision: The database postgres:\/\/.* has schema version 999, newer than this Elision knows/],
      [{ ELISION_SECRET: '' }, /^elision: ELISION_SECRET must be set/],
      [{ ELISION_SECRET: 'short' }, /^elision: ELISION_SECRET must be at least 32 characters/],
      [{ ELISION_DATABASE_URL: `postgres://postgres:pw@127.0.0.1:${port}/x` }, /^elision: cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/x: connection refused/],
      [{ ELISION_DATABASE_URL: db.url.replace(/\/[^/]+$/, '/no_such_db') }, /^elision: PostgreSQL at .*no_such_db: database "no_such_db" does not exist/],
    ];
    for (const [overrides, expected] of cases) {
      const started = startServer({ ...env, ...overrides }, 60_000);
      const error = await started.then(
        (server) => {
          servers.push(server);
          return new Error('started');
        },
        (e: Error) => e,
      );
      const printed = error.message.split('\n').slice(1).join('\n').trim();
      expect(printed).toMatch(expected);
      expect(printed.split('\n')).toHaveLength(1);
    }
    await future.drop();
  });
});
