/**
 * What every router factory is given by src/web/app.ts: the one store, the one cache of
 * comparisons, the one worker pool and the guards of the app. Routers take them as arguments rather
 * than fetching them from `req.app.locals`, so each route says what it uses and a test
 * can build a router around a real store on ':memory:'.
 */
import type { CaseStore } from '../cases/types.js';
import type { ComparePool } from './compare-pool.js';
import type { ComparisonCache } from './comparison-cache.js';
import type { Guards } from './guards.js';
import type { RecentOriginals } from '../import/originals.js';

export interface RouteDeps {
  store: CaseStore;
  /** comparisons of stored cases, computed once and shared by pages, exercises and exports */
  cache: ComparisonCache;
  /** comparisons of pasted text, off the main thread within a time budget */
  pool: ComparePool;
  /** the admin token and the rate limit, attached to the routes they protect (src/web/guards.ts) */
  guards: Guards;
  /** the original files of recent imports, which a case saved with their text keeps (src/import/originals.ts) */
  originals?: RecentOriginals;
}

/**
 * How every router matches: case-sensitive, and a trailing slash is another path. The app
 * sets the same (src/web/app.ts); express.Router does not inherit it, so each router asks.
 */
export const ROUTER_OPTIONS = { caseSensitive: true, strict: true } as const;
