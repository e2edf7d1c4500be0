/**
 * Builds the express app without listening, so tests drive it directly and
 * src/server.ts only adds configuration and a port. Routes are registered here in
 * one explicit table; each group lives in its own module under src/web/routes/.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { CaseStore } from '../cases/types.js';
import { BusyError, UserError } from '../errors.js';
import { apiCompareRouter } from './routes/api-compare.js';
import { casesApiRouter } from './routes/cases-api.js';
import { caseAdminRouter } from './routes/case-admin.js';
import { recogniseAdmin } from './auth.js';
import { createGuards } from './guards.js';
import { createLogger, requestLogger, type Logger } from './logging.js';
import type { LoginSlots } from './rate-limit.js';
import { csrfProtection, securityHeaders } from './security.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestTimeout } from './timeout.js';
import { JobCancelledError, sharedComparePool, type ComparePool } from './compare-pool.js';
import { requestSignals } from './request-signal.js';
import type { RouteDeps } from './route-deps.js';
import { refuseLoneSurrogates, verifyFormUtf8, verifyUtf8 } from './exact-text.js';
import { pageCache } from './page-cache.js';
import type { ChangeFeed } from '../store/pg-changes.js';
import type { Store as RateLimitStore } from 'express-rate-limit';
import { authRouter } from './routes/auth.js';
import { pagesRouter } from './routes/pages.js';
import { exerciseRouter } from './routes/exercise.js';
import { exportsRouter } from './routes/exports.js';
import { fontsRouter } from './routes/fonts.js';
import { libraryRouter } from './routes/library.js';
import { sourcesRouter } from './routes/sources.js';
import { createSourceImporter, type SourceImporter } from '../import/importer.js';
import { sourceOriginalRouter } from './routes/source-original.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const viewsDir = path.join(root, 'views');
export const publicDir = path.join(root, 'public');

export interface AppOptions {
  store: CaseStore;
  /** API and compare-form requests per minute per client; 0 or absent turns the limit off (src/server.ts passes ELISION_RATE_LIMIT, default 120) */
  rateLimitPerMinute?: number;
  /** when set, creating, editing and deleting cases needs it */
  adminToken?: string;
  /** hides error details from pages */
  production?: boolean;
  /** false skips CSRF tokens (tests that post forms directly); default on */
  csrf?: boolean;
  /** HMAC key for CSRF tokens (ELISION_SECRET, the same on every server); random per process when absent */
  csrfSecret?: string;
  /** request logs go here; default: pino at LOG_LEVEL, silent under the test runner */
  logger?: Logger;
  /** a request unanswered after this many ms gets a 503; 0 turns it off (default 30 s) */
  requestTimeoutMs?: number;
  /** express's "trust proxy" (e.g. 1 behind one reverse proxy), so client addresses and https are seen */
  trustProxy?: boolean | number | string;
  /**
   * runs every comparison in worker threads within its budgets, and keeps them in its
   * cache (src/web/compare-pool.ts); default: the process's shared pool, configured by
   * the environment
   */
  pool?: ComparePool;
  /** keep rendered pages without forms for a few seconds (src/web/page-cache.ts); src/server.ts turns it on */
  pageCache?: boolean;
  /** imports files and addresses (default: the shared import worker, fetch rules from ELISION_FETCH_*) */
  sourceImporter?: SourceImporter;
  /** changes made by other servers on a shared database: the page cache empties itself on each (src/store/pg-changes.ts) */
  changes?: ChangeFeed;
  /** rate-limit counts and login slots shared by several servers (src/web/rate-limit-store.ts); default: in this process's memory */
  rateLimitStore?: (prefix: string) => RateLimitStore & LoginSlots;
}

/** Largest request body: a 10 MB source plus its quotation and form fields. */
export const BODY_LIMIT = '11mb';

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // "/API/cases" and "/api/cases/" are not "/api/cases": no route answers a path it was not
  // written for, so no guard keyed on a route's own path can be walked around by case or slash
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  // One store, one cache and one pool for the whole app, handed to every router.
  const pool = options.pool ?? sharedComparePool();
  // its workers load the engine now (about a second), not on a visitor's first comparison
  void pool.warmUp();
  // the admin token and the rate limit, which each router attaches to the routes they protect
  const guards = createGuards({
    adminToken: options.adminToken,
    rateLimitPerMinute: options.rateLimitPerMinute,
    rateLimitStore: options.rateLimitStore?.('api:'),
  });
  // importing sources from files and addresses; its originals are kept by the cases saved with their text
  const sourceImporter = options.sourceImporter ?? createSourceImporter();
  const deps: RouteDeps = { store: options.store, pool, cache: pool.cache, guards, originals: sourceImporter.originals };
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  // hardening: logs and headers come before any work is done
  app.use(requestLogger(options.logger ?? createLogger()));
  // each request's AbortSignal: its comparisons and writes stop when it is closed or timed out
  app.use(requestSignals());
  app.use(securityHeaders());

  app.use(fontsRouter());
  app.use('/static', express.static(publicDir, { maxAge: '1h' }));
  // text kept exactly or refused: bytes that are not UTF-8 and lone surrogates answer 400
  app.use(express.json({ limit: BODY_LIMIT, verify: verifyUtf8 }));
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, verify: verifyFormUtf8 }));
  app.use(refuseLoneSurrogates());
  // hardening: the time budget counts from a complete request (slow uploads are bounded by
  // the server's requestTimeout); CSRF needs the parsed form
  app.use(requestTimeout(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS));
  app.use(csrfProtection({ enabled: options.csrf !== false, secret: options.csrfSecret }));
  // who is logged in to edit (for the pages and the page cache); the routes that need it carry guards.requireAdmin
  app.use(recogniseAdmin(options.adminToken));
  if (options.pageCache) app.use(pageCache({ changes: options.changes }));
  const loginStore = options.rateLimitStore?.('login:');
  app.use(authRouter(options.adminToken, loginStore ? { counts: loginStore, slots: loginStore } : undefined));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(apiCompareRouter(deps));
  // routes: importing sources from files and addresses
  app.use(sourcesRouter(sourceImporter, guards));
  // routes: cases API and case management (before the pages, so /cases/new wins over /cases/:slug)
  app.use(casesApiRouter(deps));
  // a case's imported source: its original file, and the extraction redone from it
  app.use(sourceOriginalRouter(deps, sourceImporter));
  app.use(caseAdminRouter(deps, sourceImporter));
  // routes: exports
  app.use(exportsRouter(deps));
  // routes: exercise and teacher sheets
  app.use(exerciseRouter(deps));
  // routes: the library of sources and find
  app.use(libraryRouter(deps, sourceImporter));
  // routes: pages (home, compare form, case pages)
  app.use(pagesRouter(deps));

  app.use(notFound);
  app.use(errorHandler(options.production ?? false));
  return app;
}

const notFound: RequestHandler = (req, res) => {
  if (wantsJson(req)) {
    res.status(404).json({ error: `Nothing at ${req.method} ${req.path}.` });
    return;
  }
  res.status(404).render('404', { title: 'Not found', message: `There is nothing at ${req.path}.` }, sendRendered(res, 'Not found.'));
};

/** Sends a rendered page, or the plain message when the page itself cannot render. */
function sendRendered(res: express.Response, fallback: string) {
  return (renderError: Error | null, html?: string): void => {
    if (renderError || html === undefined) {
      res.type('text/plain').send(fallback);
      return;
    }
    res.send(html);
  };
}

function wantsJson(req: express.Request): boolean {
  return req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}

/** Turns any error into a clear answer in the format the client asked for. */
function errorHandler(production: boolean): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, message } = describeError(err);
    // pino-http logs the request with this error and its stack (never user text: see logging.ts)
    // the client has gone or was answered 503 already: nobody reads this, nothing went wrong
    if (err instanceof JobCancelledError) return;
    if (status >= 500) (res as express.Response & { err?: unknown }).err = err;
    if (status >= 500 && !production) console.error(err);
    if (res.headersSent) return;
    // a BusyError (a lock held elsewhere, the database unreachable): the client may simply retry
    const retryAfter = (err as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
    if (status === 503 && typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
    if (wantsJson(req)) {
      res.status(status).json({ error: message });
      return;
    }
    // A stack trace never reaches a page; in development the page adds err.message alone.
    const detail = !production && status >= 500 && err instanceof Error ? err.message : undefined;
    const view = status === 404 ? '404' : '500';
    res.status(status).render(view, { status, message, detail, title: status === 404 ? 'Not found' : undefined }, sendRendered(res, message));
  };
}

export function describeError(err: unknown): { status: number; message: string } {
  if (err instanceof UserError) return { status: err.status, message: err.message };
  const e = err as { status?: number; statusCode?: number; type?: string; limit?: number };
  const status = e?.status ?? e?.statusCode ?? 500;
  if (e?.type === 'entity.too.large') {
    return { status: 413, message: `The request is too large; the limit is ${BODY_LIMIT.replace('mb', ' MB')}.` };
  }
  if (e?.type === 'entity.parse.failed') return { status: 400, message: 'The request body is not valid JSON.' };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return { status: 400, message: 'The request body must be UTF-8.' };
  }
  if (status >= 400 && status < 500) return { status, message: 'The request could not be read.' };
  return { status: 500, message: 'Something went wrong on our side; the error has been logged.' };
}
