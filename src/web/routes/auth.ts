/**
 * GET /login, POST /login, POST /logout: the browser side of the optional editing
 * protection (src/web/auth.ts). A correct token sets an http-only, same-site cookie
 * (secure when the request came over https) and returns to the page that asked for it.
 *
 * Deliberately not here: deciding which requests need the login (src/web/auth.ts).
 */
import { Router, type Request } from 'express';
import { ROUTER_OPTIONS } from '../route-deps.js';
import { ADMIN_COOKIE, ADMIN_SESSION_MS, adminSessionValue, isAdmin, isAdminToken, safeReturnPath } from '../auth.js';
import { loginAttemptLimit, refuseThrottledLogin, type LoginThrottleStore } from '../rate-limit.js';

/** `shared`: failed logins counted in the database several servers share (PostgreSQL), not per process. */
export function authRouter(adminToken: string | undefined, shared?: LoginThrottleStore): Router {
  const router = Router(ROUTER_OPTIONS);

  router.get('/login', (req, res) => {
    res.render('login', {
      protectedEditing: Boolean(adminToken),
      loggedIn: Boolean(adminToken) && isAdmin(req, adminToken),
      next: safeReturnPath(req.query.next),
    });
  });

  router.post('/login', loginAttemptLimit({ shared }), (req, res) => {
    const form = formFields(req);
    const next = safeReturnPath(form.next);
    if (!adminToken) {
      res.redirect(303, next);
      return;
    }
    if (typeof form.token !== 'string' || !isAdminToken(form.token, adminToken)) {
      // past the failed-login limit a wrong token is refused outright; the right one still gets in
      if (res.locals.loginThrottled) {
        refuseThrottledLogin(req, res);
        return;
      }
      res.status(401).render('login', {
        protectedEditing: true,
        loggedIn: false,
        next,
        error: 'That is not the admin token.',
      });
      return;
    }
    res.cookie(ADMIN_COOKIE, adminSessionValue(adminToken), {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: ADMIN_SESSION_MS,
    });
    res.redirect(303, next);
  });

  router.post('/logout', (req, res) => {
    res.clearCookie(ADMIN_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    res.redirect(303, '/');
  });

  return router;
}

function formFields(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}
