/**
 * The cases JSON API (addresses fixed by docs/contract.md):
 *
 *   GET    /api/cases?q=&tag=&author=   → 200 [{slug, title, ...}]
 *   GET    /api/cases/export            → 200 a JSON file of every case (attachment)
 *   POST   /api/cases/import            → 201 one case, a list, or {"cases": [...]}: all or nothing
 *   GET    /api/cases/:slug             → 200 the case JSON | 404
 *   POST   /api/cases                   → 201 {slug, ...} (Location: /cases/:slug) | 409 slug taken
 *   PUT    /api/cases/:slug             → 200 the case JSON | 404
 *   DELETE /api/cases/:slug             → 204 | 404
 *
 * Bodies are validated by src/cases/schema.ts; every refusal is `{"error": "..."}` with
 * 400 (413 when a text is too large). Who may write is src/web/auth.ts's business.
 */
import { Router, type Request } from 'express';
import { UserError } from '../../errors.js';
import { parseCaseImport, parseCaseInput, parseCaseWithSlug, type CaseWithSlug } from '../../cases/schema.js';
import { toCaseJson } from '../../cases/case-json.js';
import type { Case, CaseFilter, CaseStore } from '../../cases/types.js';

export { toCaseJson };

/** Longest filter value accepted in a query string, in characters. */
const MAX_FILTER_LENGTH = 500;

/** The store the app was built with (src/web/app.ts puts it in app.locals). */
export function storeOf(req: Request): CaseStore {
  return req.app.locals.store as CaseStore;
}


/** Every case, whole, in the shape POST /api/cases/import and the import form take back. */
export function exportAllCases(store: CaseStore) {
  const cases = store
    .list()
    .map((summary) => store.get(summary.slug))
    .filter((c): c is Case => c !== undefined)
    .map(toCaseJson);
  return { format: 'elision-cases', version: 1, exportedAt: new Date().toISOString(), cases };
}

/** The name a download of every case is saved under, dated so two exports do not collide. */
export function exportFileName(): string {
  return `elision-cases-${new Date().toISOString().slice(0, 10)}.json`;
}

/**
 * Creates validated cases all at once: in one transaction when the store can, so a
 * failure (e.g. the disk is full) leaves nothing half-imported.
 */
export function importCases(store: CaseStore, items: CaseWithSlug[]): Case[] {
  if (store.createMany) return store.createMany(items);
  // Small stores without transactions: everything has been validated already, so only
  // a store failure could stop this half-way.
  return items.map(({ input, slug }) => store.create(input, slug && !store.get(slug) ? slug : undefined));
}

/** The filters of GET /api/cases and GET /cases: each one text, at most MAX_FILTER_LENGTH. */
export function readFilter(query: Request['query']): CaseFilter {
  const filter: CaseFilter = {};
  for (const name of ['q', 'tag', 'author'] as const) {
    const value: unknown = query[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new UserError(`The filter "${name}" must be given once, as text.`);
    if (value.length > MAX_FILTER_LENGTH) {
      throw new UserError(`The filter "${name}" is ${value.length} characters long; the limit is ${MAX_FILTER_LENGTH}.`);
    }
    filter[name] = value;
  }
  return filter;
}

function requireJson(req: Request, example: string): unknown {
  if (!req.is('application/json')) {
    throw new UserError(`Send the case as JSON: Content-Type: application/json with ${example}.`);
  }
  return req.body;
}

const CASE_EXAMPLE = '{"title": "...", "source": {"text": "...", "citation": {...}}, "quotations": [{"text": "..."}]}';

function notFound(slug: string): UserError {
  return new UserError(`There is no case "${slug}".`, 404);
}

export function casesApiRouter(): Router {
  const router = Router();

  router.get('/api/cases', (req, res) => {
    res.json(storeOf(req).list(readFilter(req.query)));
  });

  router.get('/api/cases/export', (req, res) => {
    res.attachment(exportFileName());
    res.type('application/json').send(`${JSON.stringify(exportAllCases(storeOf(req)), null, 2)}\n`);
  });

  router.post('/api/cases/import', (req, res) => {
    const items = parseCaseImport(requireJson(req, `a case ${CASE_EXAMPLE}, a list of cases, or {"cases": [...]}`));
    const created = importCases(storeOf(req), items);
    res.status(201).json({ imported: created.length, cases: created.map((c) => ({ slug: c.slug, title: c.title })) });
  });

  router.get('/api/cases/:slug', (req, res) => {
    const found = storeOf(req).get(req.params.slug);
    if (!found) throw notFound(req.params.slug);
    res.json(toCaseJson(found));
  });

  router.post('/api/cases', (req, res) => {
    const { input, slug } = parseCaseWithSlug(requireJson(req, CASE_EXAMPLE));
    const created = storeOf(req).create(input, slug);
    res.status(201).location(`/cases/${created.slug}`).json(toCaseJson(created));
  });

  router.put('/api/cases/:slug', (req, res) => {
    const store = storeOf(req);
    // Validate first, so a bad body answers 400 whether or not the case exists.
    const input = parseCaseInput(requireJson(req, CASE_EXAMPLE));
    const updated = store.update(req.params.slug, input);
    if (!updated) throw notFound(req.params.slug);
    res.json(toCaseJson(updated));
  });

  router.delete('/api/cases/:slug', (req, res) => {
    if (!storeOf(req).delete(req.params.slug)) throw notFound(req.params.slug);
    res.status(204).end();
  });

  return router;
}
