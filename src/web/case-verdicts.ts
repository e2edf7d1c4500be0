/**
 * The engine's verdict on each quotation of a case, for the cards of a list of cases (the
 * home page and /cases), compared as the case's page compares it by default (so a card
 * and the page it links to agree), with who printed each. The comparisons come from the
 * compare pool (src/web/case-comparisons.ts), never from this thread; a case over its
 * budget, or not compared within CARD_VERDICT_WAIT_MS, gets a sentence instead.
 */
import type { Case } from '../cases/types.js';
import { presentVerdict, quotationLabel, type VerdictView } from '../present/index.js';
import { DEFAULT_CONTEXT_SENTENCES, libraryComparisons } from './case-comparisons.js';
import type { ComparePool } from './compare-pool.js';

/** Sentences of context each side on a case's page unless the reader asks for more. */
export { DEFAULT_CONTEXT_SENTENCES };

/** How long a list of cases waits for verdicts not computed yet; the rest show on a later visit. */
export const CARD_VERDICT_WAIT_MS = 5_000;

export interface CardVerdicts {
  verdicts: Array<{ by: string; verdict: VerdictView }>;
  /** instead of verdicts: why there are none */
  unavailable?: string;
}

export async function cardVerdicts(pool: ComparePool, cases: readonly Case[]): Promise<Map<string, CardVerdicts>> {
  const outcomes = await libraryComparisons(pool, cases, CARD_VERDICT_WAIT_MS);
  const cards = new Map<string, CardVerdicts>();
  for (const found of cases) {
    const outcome = outcomes.get(found.slug) ?? 'pending';
    if (outcome === 'over-budget') cards.set(found.slug, { verdicts: [], unavailable: 'Too long to compare here: open the case to read its texts.' });
    else if (outcome === 'pending') cards.set(found.slug, { verdicts: [], unavailable: 'Not compared yet: reload in a moment.' });
    else cards.set(found.slug, { verdicts: outcome.map((comparison, i) => ({ by: quotationLabel(found.quotations[i]?.quotedBy, i), verdict: presentVerdict(comparison) })) });
  }
  return cards;
}
