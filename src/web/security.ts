/**
 * Security headers and CSRF protection for the web shell.
 *
 * Headers: helmet with a Content-Security-Policy that allows scripts, styles, images and
 * fonts from this origin only — no 'unsafe-inline', no inline style attributes, no
 * plugins, no framing — so an injected <script> or onerror= would not run even if an
 * escaping bug let it through.
 *
 * CSRF: a signed double-submit token. Each browser gets a random id in a same-site,
 * http-only cookie; the token its forms carry (`_csrf`) is an HMAC of that id under a
 * secret of this process. A form posted from another site cannot read the cookie nor
 * compute the HMAC, so it cannot forge the token. Requests that a cross-site form cannot
 * send at all are not asked for a token: `application/json` bodies (a foreign page needs
 * a CORS preflight for them, which this app never grants), methods other than POST
 * (PUT and DELETE also need a preflight), and requests carrying an Authorization header.
 *
 * Deliberately not here: who may edit (src/web/auth.ts), how fast (src/web/rate-limit.ts).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import helmet from 'helmet';

export const CSRF_COOKIE = 'elision_csrf';
export const CSRF_FIELD = '_csrf';
/** For scripts that post with fetch(): the same token in a header instead of the body. */
export const CSRF_HEADER = 'x-csrf-token';

/** The directives every page is served with: nothing inline, nothing from elsewhere. */
export const contentSecurityDirectives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  styleSrcAttr: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // helmet adds upgrade-insecure-requests by default; on a school server reached over
  // plain http by its address, that would send the browser to an https port nobody
  // listens on and the page would load without its stylesheet.
  upgradeInsecureRequests: null,
};

/** helmet with the strict policy above. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityDirectives },
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
  });
}

/**
 * The policy for a self-contained HTML export opened in the browser: its own inline
 * CSS may apply, but no script of any kind can run and nothing is fetched.
 * Export routes may call this to replace the page policy on their answer.
 */
export function setExportContentSecurityPolicy(res: Response): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
}

/** The request's cookies (the `cookie` package: quoted values, escapes); one whose escapes do not decode is skipped. */
export function readCookies(req: Request): Record<string, string> {
  const header = req.headers.cookie;
  if (!header) return {};
  const cookies: Record<string, string> = {};
  for (const [name, value] of Object.entries(parseCookies(header, { decode: decodeOrDrop }))) if (value !== undefined) cookies[name] = value;
  return cookies;
}

function decodeOrDrop(value: string): string | undefined {
  const unquoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    return undefined; // a cookie we did not set, badly encoded: ignore it rather than fail the request
  }
}

/** Compares two strings in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const bufferA = Buffer.from(a);
  const bufferB = Buffer.from(b);
  return bufferA.length === bufferB.length && timingSafeEqual(bufferA, bufferB);
}

export interface CsrfOptions {
  /** HMAC key; a random one per process when absent (a restart then asks open forms to be reloaded) */
  secret?: string;
  /** false: issue no token and check none (for tests that post forms directly) */
  enabled?: boolean;
}

const BROWSER_ID = /^[A-Za-z0-9_-]{32}$/;

/**
 * Sets `res.locals.csrfToken` for every page and refuses, with 403 and a clear message,
 * a state-changing form post whose `_csrf` field (or x-csrf-token header) is missing
 * or does not belong to this browser. Must run after the body parsers.
 */
export function csrfProtection(options: CsrfOptions = {}): RequestHandler {
  if (options.enabled === false) {
    return (_req, _res, next) => next();
  }
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const tokenFor = (browserId: string): string =>
    createHmac('sha256', secret).update(browserId).digest('base64url');

  return (req, res, next) => {
    const cookieId = readCookies(req)[CSRF_COOKIE];
    const hadValidId = cookieId !== undefined && BROWSER_ID.test(cookieId);

    // The page token is made when a template prints it (rendering a form), not before:
    // express copies res.locals into every render, so a getter would run for every page.
    // An object whose toString makes the token runs only where `<%= locals.csrfToken %>`
    // is printed. Answers without a form then set no cookie and can be cached
    // (src/web/page-cache.ts reads csrfTokenIssued).
    let pageToken: string | undefined;
    const issue = (): string => {
      if (pageToken === undefined) {
        let browserId = hadValidId ? (cookieId as string) : undefined;
        if (browserId === undefined) {
          // 122 random bits from node's pooled UUID generator: a fresh visitor costs no extra system call
          browserId = randomUUID().replace(/-/g, '');
          if (!res.headersSent) {
            res.cookie(CSRF_COOKIE, browserId, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
          }
        }
        pageToken = tokenFor(browserId);
        res.locals.csrfTokenIssued = true;
      }
      return pageToken;
    };
    res.locals.csrfToken = { toString: issue, valueOf: issue, toJSON: issue };

    if (!needsToken(req)) {
      next();
      return;
    }
    if (req.path.startsWith('/api/')) {
      // The API takes JSON only, which is also what keeps it safe from cross-site forms.
      res.status(400).json({ error: API_NEEDS_JSON });
      return;
    }
    const sent = sentToken(req);
    if (hadValidId && sent !== undefined && safeEqual(sent, tokenFor(cookieId as string))) {
      next();
      return;
    }
    refuse(req, res);
  };
}

/**
 * API addresses that take a file upload (multipart) and change nothing: they read the
 * file and answer its text, so a cross-site form gains nothing from them.
 */
const READ_ONLY_UPLOADS = new Set(['/api/sources', '/api/quoting-page']);

function needsToken(req: Request): boolean {
  // Only POST can come from a cross-site form; PUT, PATCH and DELETE need a preflight.
  if (req.method !== 'POST') return false;
  if (READ_ONLY_UPLOADS.has(req.path) && req.is('multipart/form-data')) return false;
  if (req.is('application/json')) return false;
  if (req.headers.authorization) return false;
  return true;
}

function sentToken(req: Request): string | undefined {
  // A file upload (multipart/form-data) is parsed by its own route, after this check,
  // so its form carries the token in its action instead:
  //   <form method="post" enctype="multipart/form-data" action="/cases/import?_csrf=<%= locals.csrfToken %>">
  if (req.is('multipart/form-data')) {
    const inQuery = req.query[CSRF_FIELD];
    if (typeof inQuery === 'string') return inQuery;
  }
  const body: unknown = req.body;
  if (body && typeof body === 'object' && typeof (body as Record<string, unknown>)[CSRF_FIELD] === 'string') {
    return (body as Record<string, string>)[CSRF_FIELD];
  }
  const header = req.headers[CSRF_HEADER];
  return typeof header === 'string' ? header : undefined;
}

const API_NEEDS_JSON =
  'The API takes JSON: send the body with Content-Type: application/json.';

const REFUSAL =
  'This form could not be accepted: its security token is missing or has expired. Go back, reload the page and send it again.';

function refuse(req: Request, res: Response): void {
  res.status(403);
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ error: REFUSAL });
    return;
  }
  res.type('html').send(simplePage('Form expired', REFUSAL));
}

/**
 * A minimal page in the site's stylesheet for answers given before any view could
 * render (a refused form, a rate limit, a timeout). `message` must be plain text.
 */
export function simplePage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Elision</title>
<link rel="stylesheet" href="/static/elision.css"></head>
<body><main class="page simple-message"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p><a href="/">Back to Elision</a></p></main></body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
