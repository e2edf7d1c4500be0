/**
 * The engine's verdict on each quotation of a case, compared as the case's page compares
 * it by default (so a card in the library and the page it links to agree), with who
 * printed each. Shared by the home page and the /cases list.
 */
import type { Case } from '../cases/types.js';
import { presentVerdict, quotationLabel, type VerdictView } from '../present/index.js';
import type { ComparisonCache } from './comparison-cache.js';

/** Sentences of context each side on a case's page unless the reader asks for more. */
export const DEFAULT_CONTEXT_SENTENCES = 2;

export async function caseVerdicts(found: Case, cache: ComparisonCache): Promise<Array<{ by: string; verdict: VerdictView }>> {
  return Promise.all(
    found.quotations.map(async (quotation, i) => ({
      by: quotationLabel(quotation.quotedBy, i),
      verdict: presentVerdict(await cache.compare(quotation.text, found.source.text, { contextSentences: DEFAULT_CONTEXT_SENTENCES })),
    })),
  );
}
