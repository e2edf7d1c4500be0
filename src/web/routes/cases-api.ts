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
 * 400 (413 when a text is too large). Every route counts against the rate limit; the ones
 * that write need the admin token (src/web/guards.ts).
 */
import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import { UserError } from '../../errors.js';
import { parseCaseImport, parseCaseInput, parseCaseWithSlug } from '../../cases/schema.js';
import { toCaseJson } from '../../cases/case-json.js';
import type { CaseStore } from '../../cases/types.js';
import { readFilter } from '../case-filter.js';
import { ROUTER_OPTIONS, type RouteDeps } from '../route-deps.js';
import { saveGuarded } from '../case-guard.js';
import { requestSignal } from '../request-signal.js';

/** The name a download of every case is saved under, dated so two exports do not collide. */
export function exportFileName(): string {
  return `elision-cases-${new Date().toISOString().slice(0, 10)}.json`;
}

/**
 * Writes every case, whole, in the shape POST /api/cases/import and the import form take
 * back (`{"format": "elision-cases", "version": 1, "exportedAt", "cases": [...]}`, indented
 * as JSON.stringify(…, null, 2) would), one case at a time as it is read from the store:
 * the answer is never built whole, so exporting many large cases holds one case in memory,
 * and a client that reads slowly (or goes away) holds the reading back (or stops it).
 */
export async function streamAllCases(store: CaseStore, res: Response): Promise<void> {
  const summaries = await store.list();
  const head = JSON.stringify({ format: 'elision-cases', version: 1, exportedAt: new Date().toISOString() }, null, 2);
  let first = true;
  await write(res, `${head.slice(0, -2)},\n  "cases": [`);
  for (const summary of summaries) {
    if (res.destroyed) return;
    const found = await store.get(summary.slug);
    if (!found) continue; // deleted meanwhile
    // JSON.stringify escapes line breaks inside strings, so every raw one is structure
    const json = JSON.stringify(toCaseJson(found), null, 2).replace(/\n/g, '\n    ');
    await write(res, `${first ? '' : ','}\n    ${json}`);
    first = false;
  }
  res.end(first ? ']\n}\n' : '\n  ]\n}\n');
}

/** Writes a chunk, waiting while the client's buffer is full (or until it goes away). */
async function write(res: Response, chunk: string): Promise<void> {
  if (res.write(chunk) || res.destroyed) return;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
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

export function casesApiRouter({ store, pool, guards, originals }: RouteDeps): Router {
  const router = Router(ROUTER_OPTIONS);
  const { limitRate, requireAdmin } = guards;

  router.get('/api/cases', limitRate, async (req, res) => {
    res.json(await store.list(readFilter(req.query)));
  });

  router.get('/api/cases/export', limitRate, async (_req, res) => {
    res.attachment(exportFileName());
    res.type('application/json');
    try {
      await streamAllCases(store, res);
    } catch (error) {
      if (!res.headersSent) throw error;
      // half a file must not look like a whole one: cut the connection, and log why
      (res as unknown as { err?: unknown }).err = error;
      res.destroy(error as Error);
    }
  });

  router.post('/api/cases/import', limitRate, requireAdmin, async (req, res) => {
    const items = parseCaseImport(requireJson(req, `a case ${CASE_EXAMPLE}, a list of cases, or {"cases": [...]}`));
    const created = await saveGuarded(pool, items.map((item) => item.input), req, (write) => store.createMany(items, write), originals);
    res.status(201).json({ imported: created.length, cases: created.map((c) => ({ slug: c.slug, title: c.title })) });
  });

  router.get('/api/cases/:slug', limitRate, async (req, res) => {
    const found = await store.get(req.params.slug);
    if (!found) throw notFound(req.params.slug);
    res.json(toCaseJson(found));
  });

  router.post('/api/cases', limitRate, requireAdmin, async (req, res) => {
    const { input, slug } = parseCaseWithSlug(requireJson(req, CASE_EXAMPLE));
    const created = await saveGuarded(pool, [input], req, (write) => store.create(input, slug, write), originals);
    res.status(201).location(`/cases/${created.slug}`).json(toCaseJson(created));
  });

  router.put('/api/cases/:slug', limitRate, requireAdmin, async (req, res) => {
    // Validate first, so a bad body answers 400 whether or not the case exists.
    const input = parseCaseInput(requireJson(req, CASE_EXAMPLE));
    // no comparing for a case that is not there
    if (!(await store.get(req.params.slug))) throw notFound(req.params.slug);
    const updated = await saveGuarded(pool, [input], req, (write) => store.update(req.params.slug, input, write), originals);
    if (!updated) throw notFound(req.params.slug);
    res.json(toCaseJson(updated));
  });

  router.delete('/api/cases/:slug', limitRate, requireAdmin, async (req, res) => {
    if (!(await store.delete(req.params.slug, { signal: requestSignal(req) }))) throw notFound(req.params.slug);
    res.status(204).end();
  });

  return router;
}
