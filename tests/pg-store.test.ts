/**
 * What only the PostgreSQL store has to prove (the rules both engines share are in the
 * two-engine store tests): migrations under a lock when several servers start at once,
 * a schema from a newer Elision refused, concurrent edits of one case serialised whole,
 * concurrent creates never sharing a slug, and clear answers when the database is
 * wrong or gone. Against the run's real throw-away cluster (tests/helpers/postgres.ts).
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseInput } from '../src/cases/types.js';
import { openPostgresStore } from '../src/store/pg-open.js';
import type { PgCaseStore } from '../src/store/pg-case-store.js';
import { PG_LATEST_VERSION, PG_MIGRATIONS } from '../src/store/pg-migrations.js';
import { findInLibrary } from '../src/library/find.js';
import { StoreUnavailableError } from '../src/store/store-errors.js';
import { listenForChanges } from '../src/store/pg-changes.js';
import { PostgresRateLimitStore } from '../src/web/rate-limit-store.js';
import { freePort } from './helpers/postgres-cluster.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';
import { adminQuery, freshPostgresDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';

function sample(title: string, quotations = 2): CaseInput {
  return {
    title,
    source: { text: `The source of ${title}, long enough to quote from twice over.`, citation: { author: `Author of ${title}` } },
    quotations: Array.from({ length: quotations }, (_, i) => ({ text: `quote ${i} of ${title}`, quotedBy: { author: `Q${i}` } })),
    tags: [`tag-${title}`],
  };
}

describe.runIf(postgresUrl)('the PostgreSQL store', () => {
  let db: TestDatabase;
  const opened: PgCaseStore[] = [];

  beforeEach(async () => {
    db = await freshPostgresDatabase();
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await db.drop();
  });

  async function open(): Promise<PgCaseStore> {
    // 40 edits of one row queue for its lock; on a loaded machine the pool's queue waits past the 5 s default
    const store = await openPostgresStore(db.url, { connectionTimeoutMs: 60_000 });
    opened.push(store);
    return store;
  }

  async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  it('migrates once when eight servers open an empty database at the same moment', async () => {
    await Promise.all(Array.from({ length: 8 }, () => open()));
    const versions = await sql<{ version: number }>('SELECT version FROM elision_schema_version ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: PG_LATEST_VERSION }, (_, i) => i + 1));
  });

  it('refuses, in one line naming the database, a schema written by a newer Elision', async () => {
    await (await open()).close();
    opened.length = 0;
    await sql("INSERT INTO elision_schema_version (version, description) VALUES ($1, 'from the future')", [PG_LATEST_VERSION + 1]);
    await expect(openPostgresStore(db.url)).rejects.toThrow(new RegExp(`schema version ${PG_LATEST_VERSION + 1}, newer than this Elision knows`));
  });

  it('says in one line when the address or the database is wrong', async () => {
    const port = await freePort();
    await expect(openPostgresStore(`postgres://postgres@127.0.0.1:${port}/x`)).rejects.toThrow(/^cannot reach PostgreSQL at .*connection refused/);
    const missing = new URL(db.url);
    missing.pathname = '/no_such_database';
    await expect(openPostgresStore(missing.toString())).rejects.toThrow(/database "no_such_database" does not exist; create it first/);
  });

  it('serialises concurrent edits of one case from two servers: every read sees one whole version', async () => {
    const [a, b] = [await open(), await open()];
    const { slug } = await a.create(sample('edited'));
    const version = (n: number): CaseInput => ({
      ...sample(`version ${n}`, 1 + (n % 5)),
      quotations: Array.from({ length: 1 + (n % 5) }, (_, i) => ({ text: `v${n} quote ${i}` })),
      tags: [`v${n}`],
    });
    let reading = true;
    const torn: string[] = [];
    const reader = (async () => {
      while (reading) {
        const got = await b.get(slug);
        const n = Number(/version (\d+)/.exec(got!.title)?.[1] ?? -1);
        if (n < 0) continue;
        const whole = got!.quotations.length === 1 + (n % 5) && got!.quotations.every((q) => q.text.startsWith(`v${n} `)) && got!.tags?.[0] === `v${n}`;
        if (!whole) torn.push(JSON.stringify(got));
      }
    })();
    await Promise.all(Array.from({ length: 40 }, (_, n) => (n % 2 === 0 ? a : b).update(slug, version(n))));
    reading = false;
    await reader;
    expect(torn).toEqual([]);
    const final = (await a.get(slug))!;
    const n = Number(/version (\d+)/.exec(final.title)![1]);
    expect(final.quotations.map((q) => q.text)).toEqual(version(n).quotations.map((q) => q.text));
    expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM quotations'))[0]!.n).toBe(1 + (n % 5));
  });

  it('gives concurrent creates of one title from two servers distinct slugs, and a taken slug 409 to the loser', async () => {
    const [a, b] = [await open(), await open()];
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).create(sample('same title'))));
    expect(new Set(created.map((c) => c.slug)).size).toBe(20);
    const results = await Promise.allSettled([a.create(sample('x'), 'wanted'), b.create(sample('y'), 'wanted')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { status: 409 } });
  });

  it('imports the built-in cases once when two servers sync them at the same moment', async () => {
    const [a, b] = [await open(), await open()];
    const items = [{ slug: 'built-one', input: sample('one'), hash: 'h1' }, { slug: 'built-two', input: sample('two'), hash: 'h2' }];
    const [ra, rb] = await Promise.all([a.syncBuiltIn(items), b.syncBuiltIn(items)]);
    expect([...ra, ...rb].map((r) => r.outcome).sort()).toEqual(['created', 'created', 'unchanged', 'unchanged']);
  });

  it('refuses a text holding U+0000 with a clear 400, storing nothing', async () => {
    const store = await open();
    await expect(store.create({ ...sample('nul'), source: { text: 'a\u0000b', citation: {} } })).rejects.toMatchObject({ status: 400, message: /NUL character/ });
    expect(await store.list()).toEqual([]);
  });

  it('answers StoreUnavailableError (503) while the database is gone, writes nothing half, and recovers by itself', async () => {
    const proxy = await startTcpProxy(Number(new URL(db.url).port));
    const through = new URL(db.url);
    through.port = String(proxy.port);
    const store = await openPostgresStore(through.toString());
    opened.push(store);
    try {
      await store.create(sample('before'));
      await proxy.cut();
      await expect(store.get('before')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.create(sample('during'))).rejects.toMatchObject({ status: 503, retryAfterSeconds: 5 });
      await expect(store.list()).rejects.toMatchObject({ status: 503 });
      await proxy.restore();
      expect((await store.get('before'))?.title).toBe('before');
      expect((await store.list()).map((c) => c.title)).toEqual(['before']);
    } finally {
      await proxy.close();
    }
  });

  it('leaves nothing of an import cut off mid-way by the database going away', async () => {
    const proxy = await startTcpProxy(Number(new URL(db.url).port));
    const through = new URL(db.url);
    through.port = String(proxy.port);
    const store = await openPostgresStore(through.toString());
    opened.push(store);
    try {
      const importing = store.createMany(Array.from({ length: 500 }, (_, i) => ({ input: sample(`imported ${i}`) })));
      // cut once the import's transaction has written something
      for (;;) {
        const busy = await sql('SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()');
        if (busy.length > 0) break;
      }
      await proxy.cut();
      await expect(importing).rejects.toMatchObject({ status: 503 });
    } finally {
      await proxy.close();
    }
    // the server rolls the cut transaction back as soon as it notices the connection gone
    for (let i = 0; i < 100; i++) {
      if ((await sql('SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()')).length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await sql('SELECT count(*)::int AS n FROM cases')).toEqual([{ n: 0 }]);
    expect(await sql('SELECT count(*)::int AS n FROM quotations')).toEqual([{ n: 0 }]);
  });

  it('tells every listener of a commit on any server, and says when it cannot hear (the page cache then stands aside)', async () => {
    const proxy = await startTcpProxy(Number(new URL(db.url).port));
    const through = new URL(db.url);
    through.port = String(proxy.port);
    const feed = await listenForChanges(through.toString());
    try {
      const writer = await open();
      let heard = 0;
      feed.subscribe(() => heard++);
      expect(feed.live()).toBe(true);
      await writer.create(sample('heard'));
      for (let i = 0; i < 100 && heard === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toBe(1);
      await proxy.cut();
      for (let i = 0; i < 100 && feed.live(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(feed.live()).toBe(false);
      const before = heard;
      await proxy.restore();
      for (let i = 0; i < 300 && !feed.live(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(feed.live()).toBe(true);
      // back on line it reports a change, since anything may have changed meanwhile
      expect(heard).toBeGreaterThan(before);
    } finally {
      await feed.close();
      await proxy.close();
    }
  });

  it('counts rate-limit hits for every server in one window, and starts a fresh window when it has passed', async () => {
    const store = await open();
    const a = new PostgresRateLimitStore(store.pool, 'api:');
    const b = new PostgresRateLimitStore((await open()).pool, 'api:');
    a.init({ windowMs: 300 } as never);
    b.init({ windowMs: 300 } as never);
    expect((await a.increment('client')).totalHits).toBe(1);
    expect((await b.increment('client')).totalHits).toBe(2);
    expect((await a.increment('other')).totalHits).toBe(1);
    await b.decrement('client');
    expect((await a.get('client'))?.totalHits).toBe(1);
    await new Promise((r) => setTimeout(r, 350));
    expect((await b.increment('client')).totalHits).toBe(1);
    await a.resetKey('client');
    expect(await b.get('client')).toBeUndefined();
  });

  it('hands a throttled login address one slot at a time across servers, and none past the queue', async () => {
    const a = new PostgresRateLimitStore((await open()).pool, 'login:');
    const b = new PostgresRateLimitStore((await open()).pool, 'login:');
    // six reservations at once from two servers: five slots a second apart, the sixth refused
    const waits = await Promise.all([a, b, a, b, a, b].map((store) => store.reserveSlot('203.0.113.9', 1000, 5)));
    const given = waits.filter((w): w is number => w !== undefined).sort((x, y) => x - y);
    expect(waits.filter((w) => w === undefined)).toHaveLength(1);
    expect(given).toHaveLength(5);
    given.forEach((wait, i) => {
      expect(wait).toBeGreaterThan(i * 1000 - 150);
      expect(wait).toBeLessThanOrEqual(i * 1000);
    });
    // another address has its own turns
    expect(await a.reserveSlot('203.0.113.10', 1000, 5)).toBe(0);
  });

  it('upgrades a version-1 database: every case keeps its text, now kept once in the library and found by find', async () => {
    // version 1 as it shipped, applied by hand
    await sql(`CREATE TABLE elision_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    await sql(PG_MIGRATIONS[0]!.up as string);
    await sql("INSERT INTO elision_schema_version (version, description) VALUES (1, 'v1')");
    const text = 'Сталин просил об отставке. Но его не отпустили, и он остался на посту ещё тридцать лет.';
    for (const [slug, title] of [['one', 'One'], ['two', 'Two']]) {
      await sql(
        `INSERT INTO cases (slug, title, source_text, citation, created_at, updated_at, search_text) VALUES ($1, $2, $3, '{"author":"Роберт Сервис","work":"Stalin"}', now(), now(), '')`,
        [slug, title, text],
      );
      await sql(`INSERT INTO quotations (case_id, position, text) SELECT id, 0, 'Сталин просил об отставке.' FROM cases WHERE slug = $1`, [slug]);
    }
    const store = await open();
    expect((await store.get('one'))?.source.text).toBe(text);
    expect((await store.get('two'))?.source).toEqual({ text, citation: { author: 'Роберт Сервис', work: 'Stalin' } });
    const sources = await store.library.list();
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({ title: 'Stalin', caseCount: 2, origin: 'case' });
    const found = await findInLibrary(store.library, 'Но его не отпустили, и он остался на посту');
    expect(found.found).toBe(true);
    expect(found.results[0]?.sourceId).toBe(sources[0]!.id);
    // the text goes with the last case that quotes it
    await store.delete('one');
    expect(await store.library.list()).toHaveLength(1);
    await store.delete('two');
    expect(await store.library.list()).toHaveLength(0);
    expect(await sql('SELECT 1 FROM library_passages')).toEqual([]);
  });
});
