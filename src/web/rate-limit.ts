/**
 * Per-client request limits (express-rate-limit 8, in memory).
 *
 * `apiAndCompareLimit` counts /api/*, POST /compare and its exports, and PDF exports —
 * the requests that run the engine on pasted text, write to the store or start a
 * browser — against ELISION_RATE_LIMIT per minute per client
 * (IPv6 clients are grouped by /56, as the library does by default). Pages, static files
 * and the health check are not counted: they are cheap, and a class of thirty behind
 * one school address must still be able to read.
 * `loginAttemptLimit` slows down guessing of the admin token.
 *
 * Counts are kept in this process's memory, or, when several servers share a PostgreSQL
 * database, in that database (src/web/rate-limit-store.ts), so a client gets the limit
 * once in all. A restart of a lone server forgets its counts, which errs on the side of the user.
 */
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { simplePage } from './security.js';

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 120;

/** Parses ELISION_RATE_LIMIT; undefined means the default, 0 turns the limit off. */
export function parseRateLimit(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_RATE_LIMIT_PER_MINUTE;
  const perMinute = Number(value);
  if (!Number.isInteger(perMinute) || perMinute < 0) {
    throw new Error(`ELISION_RATE_LIMIT must be a whole number of requests per minute (0 turns it off), not "${value}".`);
  }
  return perMinute;
}

/**
 * The API, the compare form and its exports (POST /compare/export), and PDF exports,
 * each of which starts a headless browser.
 */
function isLimited(req: Request): boolean {
  if (req.path.startsWith('/api/')) return true;
  if (req.method === 'POST' && (req.path === '/compare' || req.path.startsWith('/compare/'))) return true;
  // the library: searching it runs the engine, adding to it writes
  if (req.method === 'POST' && (req.path === '/find' || req.path === '/library')) return true;
  // the case forms (new, import, edit, add a quotation, delete) write and compare like the API
  if (req.method === 'POST' && (req.path === '/cases' || req.path.startsWith('/cases/'))) return true;
  // a search of the cases reads every case's folded text
  if (req.method === 'GET' && req.path === '/cases' && typeof req.query.q === 'string' && req.query.q !== '') return true;
  return req.path.endsWith('/export') && req.query.format === 'pdf';
}

/** Limits /api/* and POST /compare to `perMinute` requests per client; 0 lets everything through. */
export function apiAndCompareLimit(perMinute: number, store?: Store): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    // shared by several servers (src/web/rate-limit-store.ts) or, by default, in memory
    ...(store ? { store, passOnStoreError: true } : {}),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res) => {
      tooMany(req, res, `Too many requests: the limit is ${perMinute} a minute.`);
    },
  });
  return (req, res, next) => {
    if (!isLimited(req)) {
      next();
      return;
    }
    void limiter(req, res, next);
  };
}

/**
 * Ten failed logins per fifteen minutes per address; successful logins do not count.
 * Past that, the address is not locked out: its attempts are checked one at a time, at
 * most one a second (`LOGIN_SLOT_MS`), and a wrong token answers 429. So guessing from one
 * address crawls, but a teacher behind the same school address as a student who guessed
 * still gets in with the right token, a second or a few later. At most `LOGIN_QUEUE`
 * attempts of one address wait at once; more answer 429 without being checked.
 */
export function loginAttemptLimit(options: { slotMs?: number; queue?: number } = {}): RequestHandler {
  const slotMs = options.slotMs ?? LOGIN_SLOT_MS;
  const queue = options.queue ?? LOGIN_QUEUE;
  /** per address: when its next check may run, and how many attempts wait for one */
  const slots = new Map<string, { nextAt: number; waiting: number }>();
  const counter = rateLimit({
    windowMs: 15 * 60_000,
    limit: 10,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res, next) => {
      const key = req.ip ?? 'unknown';
      const slot = slots.get(key) ?? { nextAt: 0, waiting: 0 };
      if (slot.waiting >= queue) {
        tooMany(req, res, 'Too many failed logins from this address.');
        return;
      }
      const now = Date.now();
      const at = Math.max(now, slot.nextAt);
      slot.nextAt = at + slotMs;
      slot.waiting++;
      slots.set(key, slot);
      res.locals.loginThrottled = true;
      setTimeout(() => {
        slot.waiting--;
        if (slot.waiting === 0 && slot.nextAt <= Date.now()) slots.delete(key);
        next();
      }, at - now).unref();
    },
  });
  return counter;
}

/** How far apart the checks of one throttled address are. */
export const LOGIN_SLOT_MS = 1000;
/** How many attempts of one throttled address may wait for their turn. */
export const LOGIN_QUEUE = 5;

/** The answer to a wrong token from an address that is past its failed-login limit. */
export function refuseThrottledLogin(req: Request, res: Response): void {
  res.setHeader('Retry-After', String(Math.ceil(LOGIN_SLOT_MS / 1000)));
  tooMany(req, res, 'Too many failed logins from this address.');
}

function tooMany(req: Request, res: Response, what: string): void {
  const retryAfter = res.getHeader('Retry-After');
  const seconds = Number(retryAfter);
  const wait = !Number.isFinite(seconds) ? 'a minute' : seconds === 1 ? '1 second' : `${seconds} seconds`;
  const message = `${what} Please wait ${wait} and try again.`;
  res.status(429);
  if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json') {
    res.json({ error: message });
    return;
  }
  res.type('html').send(simplePage('Please slow down', message));
}
