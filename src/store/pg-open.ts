/**
 * Opens the PostgreSQL store: a pool on ELISION_DATABASE_URL, a check that the database
 * speaks UTF-8, the migrations (under their lock), and the store on top. Throws an Error
 * whose message is one line fit for a person (wrong address, password, no such database,
 * a schema from a newer Elision) when the database cannot be used.
 */
import pg from 'pg';
import { PgCaseStore } from './pg-case-store.js';
import { migratePostgres, SchemaTooNewError } from './pg-migrations.js';
import { describeDatabaseUrl, describeOpenError } from './store-errors.js';

export interface PgStoreOptions {
  /** connections in this process's pool (default 10) */
  poolSize?: number;
  /** a name PostgreSQL shows for these connections in pg_stat_activity */
  applicationName?: string;
  /**
   * how long a request waits for a connection, new or from the full pool, before the store
   * answers "not reachable just now" (default 5 s)
   */
  connectionTimeoutMs?: number;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return typeof url === 'string' && /^postgres(ql)?:\/\//i.test(url);
}

/** A pool with the settings every part of Elision uses (store, change listener, rate limit, CLI). */
export function createPgPool(url: string, options: PgStoreOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'elision',
    // an outage answers 503 within a few seconds rather than hanging every request
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // no statement of Elision's runs this long; a stuck one fails rather than holding a request
    statement_timeout: 30_000,
  });
  // An idle connection that dies (the database restarted) must not crash the process:
  // the pool drops it and opens a fresh one for the next request.
  pool.on('error', () => undefined);
  return pool;
}

export async function openPostgresStore(url: string, options: PgStoreOptions = {}): Promise<PgCaseStore> {
  const pool = createPgPool(url, options);
  const where = describeDatabaseUrl(url);
  try {
    const { rows } = await pool.query<{ server_encoding: string }>('SHOW server_encoding');
    const encoding = rows[0]?.server_encoding;
    if (encoding !== 'UTF8') {
      throw new Error(`The database ${where} uses the ${encoding} encoding; Elision needs UTF8 (createdb -E UTF8 -T template0).`);
    }
    await migratePostgres(pool, where);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof SchemaTooNewError) throw error;
    if (error instanceof Error && /^The database /.test(error.message)) throw error;
    throw new Error(describeOpenError(error, url));
  }
  return new PgCaseStore(pool);
}
