/**
 * Builds export inputs from a stored case and the comparisons of its quotations, so the
 * web route, the CLI and the tests put a case's title, citation and quotation metadata
 * in the same places. Pure: the caller computes the comparisons.
 */
import type { Comparison } from '../core/types.js';
import type { Case } from '../cases/types.js';
import type { CaseExportInput, ExportInput } from './types.js';
import { citationAt, withWhere } from '../import/where.js';
import { describeProvenance, describeSourceProvenance } from '../present/provenance.js';

/** The input for quotation `quotationIndex` (0-based) of `c`, compared as `comparison`. */
export function exportInputForQuotation(c: Case, quotationIndex: number, comparison: Comparison): ExportInput {
  const quotation = c.quotations[quotationIndex];
  if (!quotation) throw new RangeError(`The case has no quotation ${quotationIndex}.`);
  // an imported source's map: the comparison says where it stands, the citation prints it ("p. 74")
  const located = withWhere(comparison, c.source.where);
  return {
    comparison: located,
    quote: quotation.text,
    source: c.source.text,
    title: c.quotations.length > 1 ? `${c.title} (quotation ${quotationIndex + 1} of ${c.quotations.length})` : c.title,
    citation: citationAt(c.source.citation, located.where) ?? c.source.citation,
    quotedBy: quotation.quotedBy,
    note: quotation.note,
    ...(c.source.provenance ? { provenance: c.source.provenance } : {}),
    case: c,
    quotationIndex,
  };
}

/** The input for a whole case: `comparisons[i]` is the comparison of quotation i. */
export function caseExportInput(c: Case, comparisons: Comparison[]): CaseExportInput {
  return { case: c, items: comparisons.map((comparison, i) => exportInputForQuotation(c, i, comparison)) };
}

/** The export's title: the one given, else the case's, else a plain description. */
export function exportTitle(input: Pick<ExportInput, 'title' | 'case'>): string {
  return input.title?.trim() || input.case?.title.trim() || 'A quotation compared with its source';
}

/**
 * The provenance line an export prints under the citation: a case's source says too
 * whether its original file is kept; a pasted pair's imported source only where it came from.
 */
export function provenanceLine(input: Pick<ExportInput, 'provenance' | 'case'>): string | undefined {
  return input.case ? describeSourceProvenance(input.case.source) : describeProvenance(input.provenance);
}
