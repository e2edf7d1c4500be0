/**
 * Per-client request limits (express-rate-limit 8).
 *
 * `requestLimit` counts ELISION_RATE_LIMIT requests per minute per client (IPv6 clients
 * grouped by /56, as the library does by default). Which requests: those whose routes
 * carry it (src/web/guards.ts's `limitRate`) — the API, the compare form and its exports,
 * the case forms, the library's search and add, case searches, PDF exports: what runs
 * the engine on pasted text, writes, or starts a browser. Pages, static files and the
 * health check are not counted: they are cheap, and a class of thirty behind one school
 * address must still be able to read.
 * `loginAttemptLimit` slows down guessing of the admin token.
 *
 * Counts are kept in this process's memory, or, when several servers share a PostgreSQL
 * database, in that database (src/web/rate-limit-store.ts), so a client gets the limit
 * once in all, and a throttled login address its one slot a second in all. A restart of
 * a lone server forgets its counts, which errs on the side of the user.
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
 * Counts requests against `perMinute` per client; 0 lets everything through. One
 * limiter serves every limited route (src/web/guards.ts attaches it as `limitRate`), so a
 * client has one count, whatever it calls.
 */
export function requestLimit(perMinute: number, store?: Store): RequestHandler {
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
  return (req, res, next) => void limiter(req, res, next);
}

/**
 * When a throttled address's attempts may be checked: each reservation takes the next
 * free slot, `slotMs` after the one before. Kept in this process's memory, or in the
 * shared database (src/web/rate-limit-store.ts), so several servers give one address
 * one slot a second in all, not one each.
 */
export interface LoginSlots {
  /** ms to wait for the reserved slot, or undefined when `queue` slots are already taken */
  reserveSlot(key: string, slotMs: number, queue: number): Promise<number | undefined>;
}

/** The slots of one process (a lone server, SQLite). */
export function memoryLoginSlots(): LoginSlots {
  /** per address: when its next free slot begins */
  const nextFree = new Map<string, number>();
  return {
    reserveSlot: async (key, slotMs, queue) => {
      const now = Date.now();
      for (const [k, at] of nextFree) if (at <= now) nextFree.delete(k);
      const at = Math.max(now, nextFree.get(key) ?? 0);
      // a slot more than queue - 1 slots away: `queue` attempts wait already
      if (at - now > (queue - 1) * slotMs) return undefined;
      nextFree.set(key, at + slotMs);
      return at - now;
    },
  };
}

/** The counts and slots of failed logins: in memory, or shared by every server on one database. */
export interface LoginThrottleStore {
  counts: Store;
  slots: LoginSlots;
}

/**
 * Ten failed logins per fifteen minutes per address; successful logins do not count.
 * Past that, the address is not locked out: its attempts are checked one at a time, at
 * most one a second (`LOGIN_SLOT_MS`), and a wrong token answers 429. So guessing from one
 * address crawls, but a teacher behind the same school address as a student who guessed
 * still gets in with the right token, a second or a few later. At most `LOGIN_QUEUE`
 * attempts of one address wait at once; more answer 429 without being checked.
 * With `shared` (PostgreSQL) the failures and the slots are counted in the database, so
 * two servers throttle an address exactly as one does.
 */
export function loginAttemptLimit(options: { slotMs?: number; queue?: number; shared?: LoginThrottleStore } = {}): RequestHandler {
  const slotMs = options.slotMs ?? LOGIN_SLOT_MS;
  const queue = options.queue ?? LOGIN_QUEUE;
  const slots = options.shared?.slots ?? memoryLoginSlots();
  const counter = rateLimit({
    windowMs: 15 * 60_000,
    limit: 10,
    skipSuccessfulRequests: true,
    ...(options.shared ? { store: options.shared.counts, passOnStoreError: true } : {}),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res, next) => {
      slots.reserveSlot(req.ip ?? 'unknown', slotMs, queue).then(
        (wait) => {
          if (wait === undefined) {
            tooMany(req, res, 'Too many failed logins from this address.');
            return;
          }
          res.locals.loginThrottled = true;
          setTimeout(next, wait).unref();
        },
        // the shared store is out of reach: the login is checked (and slowed by nothing), as the counts are
        () => next(),
      );
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
