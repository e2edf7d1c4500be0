/**
 * Reads the configuration, opens the store, imports the built-in cases and listens;
 * on SIGTERM or SIGINT stops accepting, lets requests in flight finish, closes the
 * database and exits 0.
 *
 * HOST, PORT, ELISION_DB, ELISION_RATE_LIMIT and ELISION_ADMIN_TOKEN as
 * docs/contract.md fixes them; also ELISION_TRUST_PROXY (express "trust proxy",
 * e.g. 1 behind one reverse proxy), ELISION_REQUEST_TIMEOUT_MS (default 30000),
 * the compare pool's ELISION_COMPARE_BUDGET_MS, ELISION_QUOTATION_BUDGET_MS,
 * ELISION_CASE_BUDGET_MS, ELISION_COMPARE_WORKERS and ELISION_COMPARE_QUEUE
 * (src/web/compare-pool.ts), and LOG_LEVEL (default info). Prints the real listening URL (PORT=0 picks a free port).
 * ELISION_DATABASE_URL (postgres://…) puts the cases in PostgreSQL instead of the SQLite
 * file, so several servers can share them; ELISION_SECRET (required with it, the same on
 * every server) signs the CSRF tokens, so a form from one server is accepted by the next.
 *
 * Deliberately not here: anything a test of the app needs (src/web/app.ts builds it).
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './web/app.js';
import { createLogger } from './web/logging.js';
import { parseRateLimit } from './web/rate-limit.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './web/timeout.js';
import { ComparePool, comparePoolOptionsFromEnv, type ComparePoolOptions } from './web/compare-pool.js';
import { openStore, type OpenedStore } from './store/open-store.js';
import { isPostgresUrl } from './store/pg-open.js';
import { importBuiltInCases } from './store/import-built-in.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** How long requests in flight may take to finish after a stop signal. */
const SHUTDOWN_GRACE_MS = 10_000;

function fail(message: string): never {
  console.error(`elision: ${message}`);
  process.exit(2);
}

function readConfig() {
  const port = Number(process.env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, not "${process.env.PORT}".`);
  let rateLimitPerMinute: number;
  try {
    rateLimitPerMinute = parseRateLimit(process.env.ELISION_RATE_LIMIT);
  } catch (error) {
    fail((error as Error).message);
  }
  const timeout = process.env.ELISION_REQUEST_TIMEOUT_MS;
  const requestTimeoutMs = timeout ? Number(timeout) : DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs < 0) {
    fail(`ELISION_REQUEST_TIMEOUT_MS must be a number of milliseconds, not "${timeout}".`);
  }
  // PostgreSQL: several servers on one database, stateless, so they must share their secret
  const databaseUrl = process.env.ELISION_DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    fail('ELISION_DATABASE_URL must be a postgres:// address (e.g. postgres://elision:PASSWORD@db:5432/elision), or unset for the SQLite file.');
  }
  const secret = process.env.ELISION_SECRET || undefined;
  if (databaseUrl !== undefined && secret === undefined) {
    fail('ELISION_SECRET must be set with ELISION_DATABASE_URL: the same 32 or more characters on every server (e.g. openssl rand -hex 32).');
  }
  if (secret !== undefined && secret.length < 32) {
    fail(`ELISION_SECRET must be at least 32 characters (e.g. openssl rand -hex 32), not ${secret.length}.`);
  }
  let comparePool: ComparePoolOptions = {};
  try {
    comparePool = comparePoolOptionsFromEnv();
  } catch (error) {
    fail((error as Error).message);
  }
  const trust = process.env.ELISION_TRUST_PROXY;
  const trustProxy = trust === undefined || trust === '' ? undefined : /^\d+$/.test(trust) ? Number(trust) : trust === 'true' ? true : trust;
  return {
    host: process.env.HOST || '127.0.0.1',
    port,
    dbFile: process.env.ELISION_DB || path.join(root, 'data', 'elision.db'),
    databaseUrl,
    secret,
    rateLimitPerMinute,
    requestTimeoutMs,
    trustProxy,
    adminToken: process.env.ELISION_ADMIN_TOKEN || undefined,
    production: process.env.NODE_ENV === 'production',
    comparePool,
  };
}

const config = readConfig();
const logger = createLogger();

if (!config.databaseUrl) mkdirSync(path.dirname(path.resolve(config.dbFile)), { recursive: true });
let opened: OpenedStore;
try {
  opened = await openStore({ databaseUrl: config.databaseUrl, sqliteFile: config.dbFile });
} catch (error) {
  fail((error as Error).message.split('\n')[0]!);
}
const { store } = opened;
try {
  await importBuiltInCases(store, path.join(root, 'data', 'cases'));
} catch (error) {
  await store.close().catch(() => undefined);
  fail((error as Error).message.split('\n')[0]!);
}

// every comparison runs in this pool's worker threads, within its budgets
const pool = new ComparePool(config.comparePool);

const app = createApp({
  pool,
  store,
  logger,
  rateLimitPerMinute: config.rateLimitPerMinute,
  adminToken: config.adminToken,
  production: config.production,
  requestTimeoutMs: config.requestTimeoutMs,
  trustProxy: config.trustProxy,
  pageCache: true,
  csrfSecret: config.secret,
  changes: opened.changes,
  rateLimitStore: opened.rateLimitStore,
});

const server = app.listen(config.port, config.host);
// Slow clients cannot hold a connection forever: headers within 20 s, the whole
// request (a 10 MB source on a slow line included) within 2 minutes.
server.headersTimeout = 20_000;
server.requestTimeout = 120_000;
server.keepAliveTimeout = 5_000;

server.on('listening', () => {
  const { address, port } = server.address() as AddressInfo;
  const shownHost = address.includes(':') ? `[${address}]` : address;
  const url = `http://${shownHost}:${port}/`;
  logger.info({ url, database: opened.where, rateLimitPerMinute: config.rateLimitPerMinute, editingProtected: Boolean(config.adminToken) }, 'listening');
  console.log(`Elision listening on ${url} (database ${opened.where})`);
  logger.info({ workers: pool.workers, queue: pool.queueLimit, budgetMs: pool.budgetMs, caseBudgets: pool.caseBudgets }, 'compare pool');
  void pool.warmUp();
});

server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') fail(`${config.host}:${config.port} is already in use; set PORT to another port.`);
  if (error.code === 'EACCES') fail(`no permission to listen on ${config.host}:${config.port}; pick a PORT above 1024.`);
  throw error;
});

let stopping = false;

function shutdown(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: no new connections, finishing requests in flight');
  server.close(() => {
    void Promise.allSettled([pool.close(), store.close()]).then(() => {
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    });
  });
  // close() only drops connections idle at that moment; keep-alive connections become
  // idle as their last answer is sent, so drop those as they do.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  idleSweep.unref();
  const deadline = setTimeout(() => {
    logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'requests still running after the grace period; closing them');
    server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS);
  deadline.unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
