/**
 * What the store says when its database cannot be reached: a StoreUnavailableError (a
 * BusyError: status 503 with a Retry-After), so an outage of PostgreSQL gives every
 * request a clear "try again shortly" instead of a 500, and the server carries on and
 * recovers by itself when the database returns (the pool opens fresh connections).
 *
 * Also the one-line descriptions of what goes wrong at start (wrong address, wrong
 * password, no such database), for src/server.ts and the CLI.
 */
import { BusyError } from '../errors.js';

/** Seconds a client is asked to wait during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

export class StoreUnavailableError extends BusyError {
  constructor(message = 'The database is not reachable just now; nothing was changed. Please try again in a few seconds.') {
    super(message, OUTAGE_RETRY_AFTER_SECONDS);
    this.name = 'StoreUnavailableError';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * True when an error from `pg` means the database could not be reached or went away
 * (rather than that a statement was wrong): network errors, the server shutting down or
 * starting up, too many connections, a connection cut mid-query.
 */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code)) return true;
  // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now; 53300: too many connections;
  // 55000 with this message: the database is closed to connections (ALTER DATABASE … ALLOW_CONNECTIONS false)
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
  if (code === '55000' && /not currently accepting connections/.test(String(e.message))) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Client was closed|Query read timeout/i.test(message);
}

/** The database's address with any password hidden, for messages and logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the ELISION_DATABASE_URL given';
  }
}

/** One line saying why the database could not be opened at start. */
export function describeOpenError(error: unknown, url: string): string {
  const where = describeDatabaseUrl(url);
  const e = error as { code?: string; message?: string };
  const code = e?.code ?? '';
  if (code === 'ECONNREFUSED') return `cannot reach PostgreSQL at ${where}: connection refused (is the server running, and on that host and port?).`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach PostgreSQL at ${where}: the host name does not resolve.`;
  if (code === 'ETIMEDOUT' || /timeout/i.test(e?.message ?? '')) return `cannot reach PostgreSQL at ${where}: no answer in time.`;
  if (code === '28P01' || code === '28000') return `PostgreSQL at ${where} refused the login: ${e.message}.`;
  if (code === '3D000') return `PostgreSQL at ${where}: ${e.message}; create it first (createdb).`;
  if (code === '42501') return `PostgreSQL at ${where}: ${e.message}; the user needs the right to create tables in the database.`;
  return `cannot open the database ${where}: ${e?.message ?? String(error)}`;
}
