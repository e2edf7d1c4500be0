/**
 * How routes obtain the comparisons of a stored case: always from the compare pool (the
 * cache first, then a worker within the case budgets), never on the main thread.
 *
 * - A page asks compareCase(): the comparisons, or, when the case is over its budget, a
 *   sentence in plain words to show above the case's texts (which the page still serves).
 * - An export asks compareCaseForExport(): the comparisons, or a clear 503 error.
 * - The home page asks libraryComparisons(): whatever its verdict lines can have within
 *   a short wait; what is not ready yet goes on in the background, charged to the
 *   library rather than to the visitor, and shows on a later visit.
 *
 * The pool's BusyError (503, Retry-After) and JobCancelledError pass through: the
 * error handler answers them.
 */
import type { Case, CaseInput } from '../cases/types.js';
import type { CompareOptions, Comparison } from '../core/types.js';
import { UserError } from '../errors.js';
import { describeBudget, OverBudgetError, type ComparePool, type JobContext } from './compare-pool.js';

/** Sentences of context each side on a case's page unless asked otherwise (and what the save check warms). */
export const DEFAULT_CONTEXT_SENTENCES = 2;

/** The options a case is compared with for its pages, exercises and exports: one cache entry for all of them. */
export function caseCompareOptions(contextSentences: number = DEFAULT_CONTEXT_SENTENCES): CompareOptions {
  return { contextSentences };
}

export type CaseComparisons = { ok: true; comparisons: Comparison[] } | { ok: false; reason: string };

type CaseTexts = Pick<CaseInput, 'source' | 'quotations'>;

/** Why a case is not compared, as a page says it. */
export function overBudgetReason(kase: CaseTexts, error: OverBudgetError): string {
  const budget = describeBudget(error.budget.budgetMs);
  const shorten = 'shortening the source to the passage quoted would let Elision compare it.';
  if (error.budget.scope === 'case' && kase.quotations.length > 1) {
    return `The ${kase.quotations.length} quotations of this case cannot be compared with their source within ${budget} together, so no comparison is shown; their texts are below as stored. Splitting the case or ${shorten}`;
  }
  return `This case's quotation${kase.quotations.length > 1 ? 's' : ''} cannot be compared with the source within ${budget}, so no comparison is shown; the texts are below as stored. ${shorten.charAt(0).toUpperCase()}${shorten.slice(1)}`;
}

/** The comparisons of every quotation of a case, or why they are not shown. */
export async function compareCase(pool: ComparePool, kase: CaseTexts, options: CompareOptions, context: JobContext): Promise<CaseComparisons> {
  try {
    const comparisons = await pool.compareAll(kase.source.text, kase.quotations.map((q) => q.text), options, context);
    return { ok: true, comparisons };
  } catch (error) {
    if (error instanceof OverBudgetError) return { ok: false, reason: overBudgetReason(kase, error) };
    throw error;
  }
}

/** The comparisons an export needs, or a 503 saying why there can be none. */
export async function compareCaseForExport(pool: ComparePool, kase: CaseTexts, options: CompareOptions, context: JobContext): Promise<Comparison[]> {
  const result = await compareCase(pool, kase, options, context);
  if (result.ok) return result.comparisons;
  throw new UserError(`This case cannot be exported with its comparison: ${result.reason.charAt(0).toLowerCase()}${result.reason.slice(1)}`, 503);
}

/** What the home page shows for one case: its comparisons, "too long", or "not yet". */
export type LibraryComparisons = Comparison[] | 'over-budget' | 'pending';

/** The client the library's comparisons are charged to: the server's own, not the visitor's share. */
export const LIBRARY_CLIENT = 'library';

/**
 * The comparisons of `cases` for a list of them (the home page, /cases), waiting at most
 * `waitMs` for those not cached. They are asked one case after another, as the pool would
 * run them anyway (one client's share), so a long list never fills the queue; what is not
 * done when the wait ends goes on in the background, bounded by the pool's budgets and
 * remembered in its cache, so a later visit has it. Cases already cached cost nothing.
 */
export async function libraryComparisons(pool: ComparePool, cases: readonly Case[], waitMs: number): Promise<Map<string, LibraryComparisons>> {
  const outcomes = new Map<string, LibraryComparisons>(cases.map((kase) => [kase.slug, 'pending']));
  const all = (async () => {
    for (const kase of cases) {
      try {
        const comparisons = await pool.compareAll(kase.source.text, kase.quotations.map((q) => q.text), caseCompareOptions(), { client: LIBRARY_CLIENT });
        outcomes.set(kase.slug, comparisons);
      } catch (error) {
        // over budget is shown as such; busy or stopping, as not yet compared
        outcomes.set(kase.slug, error instanceof OverBudgetError ? 'over-budget' : 'pending');
      }
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
  return new Map(outcomes);
}
