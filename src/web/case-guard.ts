/**
 * Refuses, before it is stored, a case sent to the API whose quotation could not be
 * compared with its source in reasonable time. The engine bounds its own work (about a
 * second for the largest inputs), so this is a second line of defence. Case pages, exercises and exports compare
 * stored cases on the main thread (cached), so a pathological case saved once would
 * stall the server on every first view; here each quotation is tried in the compare
 * worker (src/web/compare-pool.ts) within `budgetMs`, and a case that does not finish
 * is answered 400 with what to shorten.
 *
 * Covers POST /api/cases, PUT /api/cases/:slug and POST /api/cases/import (JSON), and the
 * case forms POST /cases, /cases/:slug/edit and /cases/:slug/quotations (fields `source`,
 * `quote` and `quote-N`, as src/web/routes/case-admin.ts names them; a refused form gets
 * the error page with the sentence). Not the file import form, whose upload is read by
 * its route. Deliberately not here: validating the case's shape (src/cases/schema.ts
 * does, in the route).
 */
import type { RequestHandler } from 'express';
import { UserError } from '../errors.js';
import { checkComparePair } from '../limits.js';
import { describeBudget } from './compare-pool.js';
import type { RouteDeps } from './route-deps.js';

export const CASE_COMPARE_BUDGET_MS = 3_000;

interface Pair {
  quote: string;
  source: string;
  title: string;
}

/** The quotation/source pairs of whatever case-shaped JSON was sent; anything malformed is left to the route. */
function pairsOf(body: unknown): Pair[] {
  const cases = Array.isArray(body)
    ? body
    : body && typeof body === 'object' && Array.isArray((body as { cases?: unknown }).cases)
      ? ((body as { cases: unknown[] }).cases)
      : [body];
  const pairs: Pair[] = [];
  for (const item of cases) {
    if (!item || typeof item !== 'object') continue;
    const { source, quotations, title } = item as { source?: { text?: unknown }; quotations?: unknown; title?: unknown };
    if (typeof source?.text !== 'string' || !Array.isArray(quotations)) continue;
    for (const quotation of quotations) {
      const text = (quotation as { text?: unknown } | null)?.text;
      if (typeof text === 'string') pairs.push({ quote: text, source: source.text, title: typeof title === 'string' ? title : '' });
    }
  }
  return pairs;
}

/** The pairs of a case form: its own source, or the stored case's when only a quotation is added. */
function formPairsOf(body: Record<string, unknown>, storedSource: string | undefined): Pair[] {
  const source = typeof body.source === 'string' && body.source.trim() !== '' ? body.source : storedSource;
  if (source === undefined) return [];
  const title = typeof body.title === 'string' ? body.title : '';
  return Object.entries(body)
    .filter(([name, value]) => /^quote(-\d+)?$/.test(name) && typeof value === 'string' && value.trim() !== '')
    .map(([, value]) => ({ quote: value as string, source, title }));
}

export function guardCaseComparisons({ store, pool }: Pick<RouteDeps, 'store' | 'pool'>, budgetMs: number = CASE_COMPARE_BUDGET_MS): RequestHandler {
  return async (req, _res, next) => {
    let pairs: Pair[] = [];
    const apiWrite =
      (req.method === 'POST' && (req.path === '/api/cases' || req.path === '/api/cases/import')) ||
      (req.method === 'PUT' && /^\/api\/cases\/[^/]+$/.test(req.path));
    const formWrite = req.method === 'POST' && /^\/cases(\/[^/]+\/(edit|quotations))?$/.test(req.path);
    if (apiWrite && req.is('application/json')) pairs = pairsOf(req.body);
    else if (formWrite && req.body && typeof req.body === 'object') {
      const slug = /^\/cases\/([^/]+)\/quotations$/.exec(req.path)?.[1];
      let storedSlug: string | undefined;
      try {
        storedSlug = slug === undefined ? undefined : decodeURIComponent(slug);
      } catch {
        // a malformed escape (%E0%A4%A) names no case: the router answers it
      }
      const storedSource = storedSlug ? (await store.get(storedSlug))?.source.text : undefined;
      pairs = formPairsOf(req.body as Record<string, unknown>, storedSource);
    }
    if (pairs.length === 0) {
      next();
      return;
    }
    for (const pair of pairs) {
      // a pair the limits refuse is the route's to name (413 for a text too large), not worth a worker's time
      try {
        checkComparePair(pair.quote, pair.source);
      } catch {
        continue;
      }
      try {
        await pool.compare(pair.quote, pair.source, {}, budgetMs);
      } catch (error) {
        if (error instanceof UserError && error.status === 503) {
          const which = pair.title ? ` in "${pair.title.slice(0, 80)}"` : '';
          throw new UserError(
            `A quotation${which} cannot be compared with its source within ${describeBudget(budgetMs)}, so the case was not saved: shorten the source to the passage around the quotation, or the quotation to the words that matter.`,
          );
        }
        // anything else (a malformed text) is for the route's own validation to name
      }
    }
    next();
  };
}
