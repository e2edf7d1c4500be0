/**
 * Optional editing protection. When ELISION_ADMIN_TOKEN is set, creating, editing and
 * deleting cases needs it: browsers log in once (src/web/routes/auth.ts) and carry an
 * http-only, same-site cookie; API callers send `Authorization: Bearer TOKEN`.
 * Reading, comparing and exporting stay public. Without a token everything is open,
 * as on a teacher's own laptop.
 *
 * The cookie holds an HMAC of the token, not the token: it proves the login without
 * putting the secret itself in every request, needs no session table, survives a
 * restart and stops working when the token is changed.
 *
 * Deliberately not here: users, roles or passwords — one shared token is the whole model.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { readCookies, safeEqual, simplePage } from './security.js';

export const ADMIN_COOKIE = 'elision_admin';
/** How long a login lasts in the browser. */
export const ADMIN_SESSION_MS = 30 * 24 * 60 * 60 * 1000;

export function adminSessionValue(adminToken: string): string {
  return createHmac('sha256', adminToken).update('elision-admin-session-v1').digest('base64url');
}

/** True when `given` is the admin token (compared in constant time, whatever its length). */
export function isAdminToken(given: string, adminToken: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest('hex');
  return safeEqual(digest(given), digest(adminToken));
}

/** True when the request proves the admin token by cookie or bearer header; always true without a token. */
export function isAdmin(req: Request, adminToken: string | undefined): boolean {
  if (!adminToken) return true;
  const authorization = req.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(.+?)\s*$/i.exec(authorization);
    if (match && isAdminToken(match[1] as string, adminToken)) return true;
  }
  const cookie = readCookies(req)[ADMIN_COOKIE];
  return cookie !== undefined && safeEqual(cookie, adminSessionValue(adminToken));
}

/**
 * Marks every request with whether it proves the admin token (`res.locals.isAdmin`), for
 * the pages (an edit link or not) and the page cache (one copy per kind of visitor).
 * It refuses nothing: the routes that need the token carry `requireAdmin` (src/web/guards.ts).
 */
export function recogniseAdmin(adminToken: string | undefined): RequestHandler {
  if (!adminToken) return (_req, _res, next) => next();
  return (req, res, next) => {
    res.locals.isAdmin = isAdmin(req, adminToken);
    next();
  };
}

/**
 * The guard of the routes that create, edit or delete (src/web/guards.ts attaches it to
 * each): lets the admin through; asks anyone else for the token: 401 JSON for the API,
 * a redirect to the login form for pages, 401 with a link to it for forms posted without
 * a login. Without a token set, everyone may edit.
 */
export function requireAdmin(adminToken: string | undefined): RequestHandler {
  if (!adminToken) return (_req, _res, next) => next();
  return (req, res, next) => {
    if (isAdmin(req, adminToken)) {
      next();
      return;
    }
    refuse(req, res);
  };
}

function refuse(req: Request, res: Response): void {
  if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json') {
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="elision"')
      .json({ error: 'Editing cases needs the admin token: send Authorization: Bearer TOKEN.' });
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  res
    .status(401)
    .type('html')
    .send(simplePage('Log in to edit', 'Editing cases on this server needs the admin token. Log in at /login, then send the form again.'));
}

/** A local path to return to after logging in; anything else (another site, a scheme) becomes "/". */
export function safeReturnPath(next: unknown): string {
  if (typeof next !== 'string' || next === '') return '/';
  // "//host" and "/\host" are read by browsers as another site.
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f]/.test(next)) return '/';
  return next;
}
