/**
 * Chooses the store from the configuration: PostgreSQL when ELISION_DATABASE_URL is a
 * postgres:// address (several servers may share it), else the SQLite file (the default;
 * `npm start` needs nothing else). With PostgreSQL come the two things several servers
 * need to share besides the cases: a feed of changes for the page cache
 * (src/store/pg-changes.ts) and rate-limit counts (src/web/rate-limit-store.ts).
 */
import type { CaseStore } from '../cases/types.js';
import { PostgresRateLimitStore } from '../web/rate-limit-store.js';
import { openCaseStore } from './case-store.js';
import { listenForChanges, type ChangeFeed } from './pg-changes.js';
import { openPostgresStore } from './pg-open.js';
import { describeDatabaseUrl } from './store-errors.js';

export interface OpenedStore {
  store: CaseStore;
  engine: 'sqlite' | 'postgres';
  /** the file, or the address without its password, for logs */
  where: string;
  /** changes made by any server (PostgreSQL only) */
  changes?: ChangeFeed;
  /** rate-limit counts and login slots shared by every server (PostgreSQL only); `prefix` keeps limiters apart */
  rateLimitStore?: (prefix: string) => PostgresRateLimitStore;
}

/** Throws an Error with a one-line message when the store cannot be opened. */
export async function openStore(config: { databaseUrl?: string; sqliteFile: string }): Promise<OpenedStore> {
  if (config.databaseUrl) {
    const url = config.databaseUrl;
    const store = await openPostgresStore(url, { applicationName: `elision-${process.pid}` });
    const changes = await listenForChanges(url);
    store.onClose(() => changes.close());
    return {
      store,
      engine: 'postgres',
      where: describeDatabaseUrl(url),
      changes,
      rateLimitStore: (prefix) => new PostgresRateLimitStore(store.pool, prefix),
    };
  }
  return { store: await openCaseStore(config.sqliteFile), engine: 'sqlite', where: config.sqliteFile };
}
