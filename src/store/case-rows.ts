/**
 * Reading a case's rows back into the shapes of src/cases/types.ts, the same on both
 * engines (src/store/case-store.ts, src/store/pg-case-store.ts): the source with the library
 * source's provenance, page map and kept original, and each quotation with what it has.
 */
import type { CaseSource, Citation, Quotation, QuotedBy } from '../cases/types.js';
import type { Provenance, WhereEntry } from '../library/types.js';

/** The source columns every case query selects (JSON as text; bytes as a number or PostgreSQL's bigint string). */
export interface SourceColumns {
  source_text: string;
  citation: string;
  /** '{}' when none */
  source_provenance: string;
  /** '[]' when none */
  source_where: string;
  source_original_bytes: number | string;
}

/** The case's source: its text and citation, with the library source's provenance and map when it has them. */
export function caseSourceOf(row: SourceColumns): CaseSource {
  const source: CaseSource = { text: row.source_text, citation: JSON.parse(row.citation) as Citation };
  const provenance = JSON.parse(row.source_provenance) as Provenance;
  if (Object.keys(provenance).length > 0) source.provenance = provenance;
  const where = JSON.parse(row.source_where) as WhereEntry[];
  if (where.length > 0) source.where = where;
  const originalBytes = Number(row.source_original_bytes);
  if (originalBytes > 0) source.originalBytes = originalBytes;
  return source;
}

/** A quotation as stored (quotedBy as JSON text, '' for no note), with only the keys it has. */
export function quotationOf(text: string, quotedByJson: string, note: string): Quotation {
  const quotation: Quotation = { text };
  const quotedBy = JSON.parse(quotedByJson) as QuotedBy;
  if (Object.keys(quotedBy).length > 0) quotation.quotedBy = quotedBy;
  if (note !== '') quotation.note = note;
  return quotation;
}
