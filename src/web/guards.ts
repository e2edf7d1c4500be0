/**
 * The guards a route carries: the admin token (src/web/auth.ts) and the request rate
 * limit (src/web/rate-limit.ts), as middleware each router puts in the definitions of
 * the routes it protects — `router.post('/api/cases', limitRate, requireAdmin, handler)`.
 *
 * Not matched against path strings: a guard runs exactly when its route does, so no
 * spelling of an address (letter case, a trailing slash, an escape) can reach a handler
 * without passing its guards. Each guard is marked with `GUARD`, so
 * tests/security-hardening.test.ts walks the app's router stack and fails when a route
 * that writes lacks one.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Store as RateLimitStore } from 'express-rate-limit';
import { requireAdmin } from './auth.js';
import { requestLimit } from './rate-limit.js';

/** The mark on a guard's middleware, read by the test of the router stack. */
export const GUARD = Symbol.for('elision.guard');
export type GuardKind = 'admin' | 'rate-limit';
/**
 * A middleware generic in the route's parameters: a guard reads none of them, and a
 * route's own parameter types (inferred from its path, `req.params.slug: string`) stay
 * as its handlers expect.
 */
export interface Guard {
  <P>(req: Request<P>, res: Response, next: NextFunction): void;
  readonly [GUARD]: GuardKind;
}

export interface Guards {
  /** lets through requests that prove the admin token (always, when none is set) */
  requireAdmin: Guard;
  /** counts the request against ELISION_RATE_LIMIT (one count per client across every route) */
  limitRate: Guard;
  /** counts only the requests `when` picks (a search with a query, a PDF export); the rest pass uncounted */
  limitRateWhen(when: (req: Request) => boolean): Guard;
}

export interface GuardOptions {
  adminToken?: string;
  /** 0 or absent: no limit */
  rateLimitPerMinute?: number;
  /** counts shared by several servers; default in this process's memory */
  rateLimitStore?: RateLimitStore;
}

function mark(kind: GuardKind, handler: RequestHandler): Guard {
  return Object.assign(handler, { [GUARD]: kind }) as unknown as Guard;
}

export function createGuards(options: GuardOptions): Guards {
  // one limiter for every limited route: a client's count is one, whatever it calls
  const limiter = requestLimit(options.rateLimitPerMinute ?? 0, options.rateLimitStore);
  return {
    requireAdmin: mark('admin', requireAdmin(options.adminToken)),
    limitRate: mark('rate-limit', limiter),
    limitRateWhen: (when) =>
      mark('rate-limit', (req, res, next) => {
        if (when(req)) void limiter(req, res, next);
        else next();
      }),
  };
}

/** What kind of guard a handler is, if it is one. */
export function guardKind(handler: unknown): GuardKind | undefined {
  return typeof handler === 'function' ? (handler as Partial<Guard>)[GUARD] : undefined;
}
