/**
 * One test suite, two engines: the store, API, import and durability tests run with
 * `describe.each(storeEngines)` against SQLite (a file in a temporary folder) and
 * against PostgreSQL (a fresh database in the run's throw-away cluster,
 * tests/helpers/postgres-global-setup.ts). Without PostgreSQL on the machine the list
 * holds SQLite alone (the global setup has said so in one line; under CI it fails).
 *
 *   describe.each(storeEngines)('the store on $name', (engine) => {
 *     let db: EngineDatabase;
 *     beforeEach(async () => { db = await engine.create(); });
 *     afterEach(() => db.remove());
 *     it('…', async () => { const store = await db.open(); … });
 *   });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import Database from 'better-sqlite3';
import type { CaseStore } from '../../src/cases/types.js';
import { openCaseStore } from '../../src/store/case-store.js';
import { importBuiltInCases } from '../../src/store/import-built-in.js';
import { openPostgresStore } from '../../src/store/pg-open.js';
import { freshPostgresDatabase, postgresUrl, type TestDatabase } from './postgres.js';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { PgCaseStore } from '../../src/store/pg-case-store.js';
import { builtInCasesDir, tempDir } from './temp-store.js';

/** One database of one engine, empty until a store opens it. */
export interface EngineDatabase {
  /** opens a store on it (migrating it first); with `builtIns`, the built-in cases imported */
  open(options?: { builtIns?: boolean }): Promise<CaseStore>;
  /** what src/server.ts needs to serve from it */
  serverEnv: Record<string, string>;
  /** rows in one of the store's tables, read outside the store */
  count(table: 'cases' | 'quotations' | 'case_tags'): Promise<number>;
  /** closes every store opened on it and removes the database */
  remove(): Promise<void>;
}

export interface StoreEngine {
  name: 'SQLite' | 'PostgreSQL';
  create(label?: string): Promise<EngineDatabase>;
}

const sqlite: StoreEngine = {
  name: 'SQLite',
  async create(label = 'engine') {
    const dir = tempDir(label);
    const file = dir.file('elision.db');
    const opened: CaseStore[] = [];
    return {
      async open(options = {}) {
        const store = await openCaseStore(file);
        opened.push(store);
        if (options.builtIns) await importBuiltInCases(store, builtInCasesDir);
        return store;
      },
      serverEnv: { ELISION_DB: file },
      async count(table) {
        const db = new Database(file, { readonly: true });
        try {
          return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
        } finally {
          db.close();
        }
      },
      async remove() {
        for (const store of opened.splice(0)) await store.close();
        dir.remove();
      },
    };
  },
};

const postgres: StoreEngine = {
  name: 'PostgreSQL',
  async create() {
    const database = await freshPostgresDatabase();
    const opened: CaseStore[] = [];
    return {
      async open(options = {}) {
        const store = await openPostgresStore(database.url, { poolSize: 4 });
        opened.push(store);
        if (options.builtIns) await importBuiltInCases(store, builtInCasesDir);
        return store;
      },
      serverEnv: { ELISION_DATABASE_URL: database.url, ELISION_SECRET: randomBytes(32).toString('hex') },
      async count(table) {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
        } finally {
          await client.end();
        }
      },
      async remove() {
        for (const store of opened.splice(0)) await store.close();
        await database.drop();
      },
    };
  },
};

/** SQLite always; PostgreSQL when this run has a cluster. */
export const storeEngines: StoreEngine[] = postgresUrl ? [sqlite, postgres] : [sqlite];

/**
 * An empty store for every test of the describe block it is called in, cheaply: SQLite on
 * ':memory:', a new one each test; PostgreSQL, one database for the block, emptied
 * (TRUNCATE) before each test.
 *
 *   describe.each(storeEngines)('… on $name', (engine) => {
 *     const current = storeForEachTest(engine);
 *     it('…', async () => { await current.store.create(…); });
 *   });
 */
export function storeForEachTest(engine: StoreEngine): { readonly store: CaseStore } {
  let store: CaseStore | undefined;
  const current = {
    get store(): CaseStore {
      if (!store) throw new Error('no store outside a test');
      return store;
    },
  };
  if (engine.name === 'SQLite') {
    beforeEach(async () => {
      store = await openCaseStore(':memory:');
    });
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    return current;
  }
  let database: TestDatabase | undefined;
  let pgStore: PgCaseStore | undefined;
  beforeAll(async () => {
    database = await freshPostgresDatabase();
    pgStore = await openPostgresStore(database.url, { poolSize: 4 });
  });
  beforeEach(async () => {
    await pgStore!.pool.query('TRUNCATE cases, quotations, case_tags, dismissed_built_ins, rate_limit_hits RESTART IDENTITY');
    store = pgStore;
  });
  afterAll(async () => {
    await pgStore?.close();
    await database?.drop();
  });
  return current;
}
