/**
 * The JSON export: the comparison exactly as the contract (docs/contract.md) gives
 * it, with fields added and none renamed or dropped — for a case, its metadata under
 * `case` (in the contract's case shape, plus its slug) and the source's citation as
 * CSL-JSON under `csl`, so it drops into Zotero. For a whole case, one comparison per
 * quotation under `comparisons`, each with its `quotationIndex`.
 *
 * Deliberately leaves out the teacher's notes: they belong on the teacher's sheet.
 */
import type { Case, Citation } from '../cases/types.js';
import { toCaseJson } from '../cases/case-json.js';
import { toCslJson } from './citation.js';
import type { CaseExportInput, ExportInput } from './types.js';

/** The case as the contract's case JSON shape, plus its slug and dates; no teacher's notes. */
export function caseMetadata(c: Case): Record<string, unknown> {
  const { teacherNotes: _teacherOnly, ...shared } = toCaseJson(c);
  return shared;
}

function hasCitation(citation: Citation | undefined): citation is Citation {
  return citation !== undefined && Object.values(citation).some((v) => typeof v === 'string' && v.trim() !== '');
}

/** One comparison; the contract's fields first and untouched. */
export function renderJson(input: ExportInput): string {
  const output: Record<string, unknown> = { ...input.comparison };
  if (input.case) {
    output.quotationIndex = input.quotationIndex ?? 0;
    output.case = caseMetadata(input.case);
  }
  if (hasCitation(input.citation)) output.csl = toCslJson(input.citation);
  // a pasted pair's imported source (a case carries its own, under case.source)
  if (!input.case && input.provenance) output.provenance = input.provenance;
  return `${JSON.stringify(output, null, 2)}\n`;
}

/** A whole case: its metadata, its CSL-JSON, and every quotation's comparison in order. */
export function renderCaseJson(input: CaseExportInput): string {
  const output = {
    version: 1,
    case: caseMetadata(input.case),
    csl: toCslJson(input.case.source.citation),
    comparisons: input.items.map((item, i) => ({ ...item.comparison, quotationIndex: item.quotationIndex ?? i })),
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}
