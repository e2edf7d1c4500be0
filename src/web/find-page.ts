/**
 * The find results page: where in the library does a quotation stand? Rendered for the
 * find form (POST /find, src/web/routes/library.ts) and for the compare form sent with an
 * empty source box (POST /compare, src/web/routes/pages.ts).
 */
import type { Response } from 'express';
import { BusyError, UserError } from '../errors.js';
import { findInLibrary, type FindResult, type PassageCompare } from '../library/find.js';
import { JobCancelledError } from './compare-pool.js';
import type { LibraryStore } from '../library/types.js';
import { presentVerdict } from '../present/index.js';
import { buildComparisonView } from './comparison-view.js';

/** `comparePassage`: the compare pool's, so the engine runs in a worker within its budget. */
export async function renderFind(res: Response, library: LibraryStore, quote: string, comparePassage: PassageCompare): Promise<void> {
  let result: FindResult;
  try {
    result = await findInLibrary(library, quote, comparePassage);
  } catch (error) {
    if (!(error instanceof UserError) || error instanceof JobCancelledError) throw error;
    if (error instanceof BusyError) res.set('Retry-After', String(error.retryAfterSeconds));
    res.status(error.status).render('library/find', { title: 'Find the source', current: 'library', quote, result: undefined, best: undefined, error: error.message });
    return;
  }
  // the best place side by side, when the quotation stands there
  let best;
  const top = result.results[0];
  if (top && top.found) {
    const sourceText = (await library.text(top.sourceId)) ?? '';
    best = { place: top, view: buildComparisonView(top.comparison, quote, sourceText, { mode: 'region', onlyDifferences: false }) };
  }
  res.render('library/find', {
    title: 'Find the source',
    current: 'library',
    mainClass: best ? 'wide' : undefined,
    quote,
    result,
    verdicts: result.results.map((place) => presentVerdict(place.comparison)),
    best,
    error: undefined,
  });
}
