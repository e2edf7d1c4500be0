/**
 * The PostgreSQL side of the two-engine tests: the run's throw-away cluster (started by
 * tests/helpers/postgres-global-setup.ts) and a fresh database in it per test, dropped after.
 *
 *   const db = await freshPostgresDatabase();   // db.url: postgres://…/elision_test_…
 *   …
 *   await db.drop();
 */
import pg from 'pg';
import { inject } from 'vitest';

/** The cluster's superuser address, or null when this run has no PostgreSQL (the setup said so). */
export const postgresUrl: string | null = inject('postgresUrl');

let counter = 0;

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function freshPostgresDatabase(): Promise<TestDatabase> {
  if (!postgresUrl) throw new Error('no PostgreSQL in this run');
  const name = `elision_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** One statement as the cluster's superuser, on its own connection. */
export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: postgresUrl! });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}
