/**
 * The check every write of a case passes before it is stored (the cases API's POST, PUT
 * and import, the case forms, the import form): each case is compared in the compare
 * pool, within the stored-case budgets (each quotation, and all of them together), and a
 * case that does not finish is refused with 400 and what to shorten. So a case that
 * would put a worker to its whole budget on every first view is not stored from here.
 *
 * The comparisons made here are the ones the case's page shows first (same options),
 * so they are cached for it. The request's signal goes with the jobs: a client that
 * leaves, or a request answered 503 by its time budget, stops them, and the route's write
 * checks the same signal inside its transaction (src/web/request-signal.ts).
 *
 * Deliberately not here: validating the case's shape (src/cases/schema.ts, which runs
 * first, in the route) and who may write (src/web/auth.ts).
 */
import type { Request } from 'express';
import type { CaseInput, WriteOptions } from '../cases/types.js';
import { UserError } from '../errors.js';
import { caseCompareOptions } from './case-comparisons.js';
import { describeBudget, OverBudgetError, type ComparePool, type JobContext } from './compare-pool.js';
import { jobContext } from './request-signal.js';
import type { RecentOriginals } from '../import/originals.js';

/**
 * What every route that stores cases calls: the guard on `cases` (validated already),
 * then `write` with the request's signal for the store to check inside its transaction.
 * A case whose source was imported here lately (its provenance names the SHA-256 of
 * bytes in `originals`) is given its original file to keep.
 */
export async function saveGuarded<T>(
  pool: ComparePool,
  cases: readonly CaseInput[],
  req: Request,
  write: (options: WriteOptions) => Promise<T>,
  originals?: RecentOriginals,
): Promise<T> {
  const context = jobContext(req);
  await guardCaseComparisons(pool, cases, context);
  if (originals) {
    for (const kase of cases) {
      const original = kase.source.originalFile ?? originals.find(kase.source.provenance?.sha256);
      if (original) kase.source.originalFile = original;
    }
  }
  return write({ signal: context.signal });
}

/** Throws a UserError (400) naming the first case that cannot be compared within its budgets; the pool's 503s pass through. */
export async function guardCaseComparisons(pool: ComparePool, cases: readonly CaseInput[], context: JobContext): Promise<void> {
  for (const kase of cases) {
    try {
      await pool.compareAll(kase.source.text, kase.quotations.map((q) => q.text), caseCompareOptions(), context);
    } catch (error) {
      if (error instanceof OverBudgetError) throw new UserError(refusal(kase, error));
      throw error;
    }
  }
}

function refusal(kase: CaseInput, error: OverBudgetError): string {
  const title = kase.title ? ` "${kase.title.slice(0, 80)}"` : '';
  const budget = describeBudget(error.budget.budgetMs);
  if (error.budget.scope === 'case' && kase.quotations.length > 1) {
    return `The ${kase.quotations.length} quotations of${title || ' this case'} cannot be compared with their source within ${budget} together, so the case was not saved: split the case, or shorten the source to the passage they quote.`;
  }
  return `A quotation${title ? ` in${title}` : ''} cannot be compared with its source within ${budget}, so the case was not saved: shorten the source to the passage around the quotation, or the quotation to the words that matter.`;
}
