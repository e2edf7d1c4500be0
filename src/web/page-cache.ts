/**
 * A short-lived cache of rendered pages, so the pages everyone reads (a case, the
 * library) are built once rather than on every visit: rendering the founding case
 * costs about five times the bare middleware, and a class opening it at once would
 * otherwise pay that thirty times over.
 *
 * What is cached: answers to GET with status 200 and an HTML body that did not read a
 * CSRF token (a page with a form carries a token bound to one browser's cookie, so it
 * is never shared). The key is the URL with its query and whether the visitor is
 * logged in to edit. Any request that may change data (POST, PUT, PATCH, DELETE)
 * empties the cache when it starts and when it ends, and a page rendered while one was
 * running is not kept; entries also expire after `maxAgeMs`, for changes made outside
 * this process (another process on the same SQLite file). Servers sharing a PostgreSQL
 * database hear each other's changes (`changes`) and empty their caches at once.
 *
 * Deliberately not here: HTTP caching headers for browsers and proxies, and anything
 * that is not HTML.
 */
import type { RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from '../store/pg-changes.js';

interface Entry {
  html: string;
  contentType: string;
}

export interface PageCacheOptions {
  maxEntries?: number;
  maxAgeMs?: number;
  /** pages larger than this (in characters) are not kept */
  maxBytes?: number;
  /** all the pages kept together (in characters); the least recently used go first */
  maxTotalBytes?: number;
  /**
   * Changes made by any server on a shared database (src/store/pg-changes.ts): each one
   * empties the cache; while the feed is not live nothing is served from the cache or kept.
   */
  changes?: ChangeFeed;
}

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);

export function pageCache({ maxEntries = 200, maxAgeMs = 10_000, maxBytes = 1024 * 1024, maxTotalBytes = 32 * 1024 * 1024, changes }: PageCacheOptions = {}): RequestHandler {
  // lru-cache 11: by count, by size and by age; a page past its age is never served
  const entries = new LRUCache<string, Entry>({
    max: maxEntries,
    maxSize: maxTotalBytes,
    maxEntrySize: maxBytes,
    sizeCalculation: (entry) => Math.max(1, entry.html.length),
    ttl: maxAgeMs,
  });
  let generation = 0;
  let changesRunning = 0;

  const invalidate = () => {
    generation++;
    entries.clear();
  };
  changes?.subscribe(invalidate);
  const trusted = () => changes === undefined || changes.live();

  return (req, res, next) => {
    if (!READ_ONLY.has(req.method)) {
      changesRunning++;
      invalidate();
      let done = false;
      const finished = () => {
        if (done) return;
        done = true;
        changesRunning--;
        invalidate();
      };
      res.once('finish', finished);
      res.once('close', finished);
      next();
      return;
    }
    if (req.method !== 'GET' || !trusted()) {
      next();
      return;
    }

    const key = `${res.locals.isAdmin ? 'admin' : 'public'} ${req.originalUrl}`;
    // (a get refreshes the page's place: the least recently used goes first)
    const hit = entries.get(key);
    if (hit) {
      res.status(200).type(hit.contentType).send(hit.html);
      return;
    }

    const generationAtStart = generation;
    const originalSend = res.send.bind(res) as Response['send'];
    res.send = function sendAndKeep(body?: unknown) {
      // res.render sends a string before any type is set: express then calls it HTML
      const contentType = String(res.getHeader('Content-Type') ?? 'text/html; charset=utf-8');
      const keep =
        typeof body === 'string' &&
        res.statusCode === 200 &&
        contentType.startsWith('text/html') &&
        !tokenWasRead(res) &&
        res.getHeader('Set-Cookie') === undefined &&
        generation === generationAtStart &&
        trusted() &&
        changesRunning === 0 &&
        body.length <= maxBytes;
      if (keep) entries.set(key, { html: body as string, contentType });
      return originalSend(body);
    } as Response['send'];
    next();
  };
}

/** True when the page read res.locals.csrfToken (src/web/security.ts makes it on first read). */
function tokenWasRead(res: Response): boolean {
  return res.locals.csrfTokenIssued === true;
}
